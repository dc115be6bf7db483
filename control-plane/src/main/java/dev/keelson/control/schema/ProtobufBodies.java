package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Kubernetes' protobuf envelope ({@code application/vnd.kubernetes.protobuf}):
 *
 * <pre>
 *   0      4
 *   +------+-----------------------------------------------------------+
 *   | k8s\0| runtime.Unknown                                           |
 *   +------+-----------------------------------------------------------+
 *          1: typeMeta {1: apiVersion, 2: kind}
 *          2: raw (the object's own message)
 *          3: contentEncoding   4: contentType
 * </pre>
 */
final class ProtobufBodies {
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private ProtobufBodies() {}

    static ObjectNode decode(Catalog catalog, byte[] body) {
        if (body == null || body.length < MAGIC.length) {
            throw new IllegalArgumentException("protobuf body is too short for the k8s envelope");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (body[i] != MAGIC[i]) {
                throw new IllegalArgumentException("protobuf body does not start with the k8s\\0 magic");
            }
        }
        ProtoReader r = new ProtoReader(body, MAGIC.length, body.length - MAGIC.length);
        String apiVersion = "";
        String kind = "";
        byte[] raw = new byte[0];
        String encoding = "";
        while (r.hasMore()) {
            int key = r.readKey();
            switch (key) {
                case (1 << 3) | ProtoReader.LENGTH_DELIMITED -> {
                    ProtoReader tm = r.readMessage();
                    while (tm.hasMore()) {
                        int k = tm.readKey();
                        if (k == ((1 << 3) | ProtoReader.LENGTH_DELIMITED)) {
                            apiVersion = tm.readString();
                        } else if (k == ((2 << 3) | ProtoReader.LENGTH_DELIMITED)) {
                            kind = tm.readString();
                        } else {
                            tm.skip(k & 7);
                        }
                    }
                }
                case (2 << 3) | ProtoReader.LENGTH_DELIMITED -> raw = r.readBytes();
                case (3 << 3) | ProtoReader.LENGTH_DELIMITED -> encoding = r.readString();
                default -> r.skip(key & 7);
            }
        }
        if (!encoding.isEmpty()) {
            throw new IllegalArgumentException("protobuf body with content encoding \"" + encoding + "\" is not supported");
        }
        TypeDef def = catalog.kind(apiVersion, kind);
        if (def == null || def.protoMessage() == null) {
            throw new IllegalArgumentException("protobuf bodies of kind \"" + kind + "\" in version \""
                    + apiVersion + "\" are not supported");
        }
        ObjectNode out = OpenApiSchemas.JSON.objectNode();
        out.put("apiVersion", apiVersion);
        out.put("kind", kind);
        new ProtoJson(catalog).object(def, new ProtoReader(raw, 0, raw.length), out);
        return out;
    }
}
