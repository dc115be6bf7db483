package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeDef.FieldDef;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Turns a Kubernetes object's protobuf message into its JSON form, driven by the schema's field
 * numbers. Kubernetes' Go encoder writes every non-pointer field, zero or not; JSON omits the
 * zero ones ({@code omitempty}), so zero scalars are dropped unless the field keeps them (a Go
 * pointer, where zero is meaningful, or a field without omitempty).
 *
 * <p>Well-known messages: Quantity {@code {1: string}}, IntOrString {@code {1: type, 2: intVal,
 * 3: strVal}}, Time/MicroTime {@code {1: seconds, 2: nanos}} (an empty message is the zero time,
 * JSON null), RawExtension/FieldsV1 {@code {1: raw JSON bytes}}; maps are repeated
 * {@code {1: key, 2: value}} entries.
 */
final class ProtoJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Catalog catalog;

    ProtoJson(Catalog catalog) {
        this.catalog = catalog;
    }

    void object(TypeDef def, ProtoReader r, ObjectNode out) {
        while (r.hasMore()) {
            int key = r.readKey();
            int number = key >>> 3;
            int wire = key & 7;
            FieldDef f = def.byProto().get(number);
            String inline = def.inlines().get(number);
            if (f != null) {
                field(f, wire, r, out);
            } else if (inline != null && wire == ProtoReader.LENGTH_DELIMITED) {
                object(catalog.type(inline), r.readMessage(), out);
            } else {
                r.skip(wire);
            }
        }
    }

    private void field(FieldDef f, int wire, ProtoReader r, ObjectNode out) {
        switch (f.type()) {
            case TypeExpr.ArrayOf a -> {
                ArrayNode arr = out.get(f.name()) instanceof ArrayNode existing ? existing : out.putArray(f.name());
                if (wire == ProtoReader.LENGTH_DELIMITED && packable(a.items())) {
                    ProtoReader packed = r.readMessage();
                    while (packed.hasMore()) {
                        arr.add(value(a.items(), packable(a.items()) && isDouble(a.items())
                                ? ProtoReader.FIXED64 : ProtoReader.VARINT, packed));
                    }
                } else {
                    JsonNode v = value(a.items(), wire, r);
                    arr.add(v == null ? JSON.nullNode() : v);
                }
            }
            case TypeExpr.MapOf m -> {
                ObjectNode map = out.get(f.name()) instanceof ObjectNode existing ? existing : out.putObject(f.name());
                expectLengthDelimited(wire, f.name());
                ProtoReader entry = r.readMessage();
                String k = "";
                JsonNode v = null;
                while (entry.hasMore()) {
                    int ek = entry.readKey();
                    if (ek >>> 3 == 1 && (ek & 7) == ProtoReader.LENGTH_DELIMITED) {
                        k = entry.readString();
                    } else if (ek >>> 3 == 2) {
                        v = value(m.values(), ek & 7, entry);
                    } else {
                        entry.skip(ek & 7);
                    }
                }
                map.set(k, v == null ? zero(m.values()) : v);
            }
            default -> {
                JsonNode v = value(f.type(), wire, r);
                if (v != null && (f.keepZero() || !isZero(v))) {
                    out.set(f.name(), v);
                }
            }
        }
    }

    /** The JSON value of one encoded field, or null for "not set" (an empty Time). */
    private JsonNode value(TypeExpr type, int wire, ProtoReader r) {
        switch (type) {
            case TypeExpr.Scalar s -> {
                return scalar(s, wire, r);
            }
            case TypeExpr.Ref ref -> {
                TypeDef d = catalog.type(ref.name());
                expectLengthDelimited(wire, ref.name());
                ProtoReader m = r.readMessage();
                if (d.freeForm()) {
                    return rawJson(m);
                }
                if (!d.isObject()) {
                    return wellKnown(ref.name(), m);
                }
                ObjectNode o = JSON.objectNode();
                object(d, m, o);
                return o;
            }
            default -> {
                r.skip(wire);
                return null;
            }
        }
    }

    private static JsonNode scalar(TypeExpr.Scalar s, int wire, ProtoReader r) {
        return switch (s.type()) {
            case "integer" -> {
                long v = r.readVarint();
                yield s.format().equals("int32") ? JSON.numberNode((int) v) : JSON.numberNode(v);
            }
            case "number" -> JSON.numberNode(wire == ProtoReader.FIXED32
                    ? Float.intBitsToFloat(r.readFixed32()) : Double.longBitsToDouble(r.readFixed64()));
            case "boolean" -> JSON.booleanNode(r.readVarint() != 0);
            default -> {
                expectLengthDelimited(wire, "string");
                yield s.format().equals("byte") ? JSON.textNode(Base64.getEncoder().encodeToString(r.readBytes()))
                        : JSON.textNode(r.readString());
            }
        };
    }

    private static JsonNode wellKnown(String name, ProtoReader m) {
        long a = 0;
        long b = 0;
        String text = "";
        boolean any = false;
        while (m.hasMore()) {
            int key = m.readKey();
            any = true;
            if ((key & 7) == ProtoReader.LENGTH_DELIMITED) {
                text = m.readString();
            } else if ((key >>> 3) == 1 && (key & 7) == ProtoReader.VARINT) {
                a = m.readVarint();
            } else if ((key >>> 3) == 2 && (key & 7) == ProtoReader.VARINT) {
                b = m.readVarint();
            } else {
                m.skip(key & 7);
            }
        }
        return switch (name) {
            case Catalog.QUANTITY -> JSON.textNode(text);
            case "io.k8s.apimachinery.pkg.util.intstr.IntOrString" -> a == 1 ? JSON.textNode(text) : JSON.numberNode((int) b);
            case META + "Time" -> any ? JSON.textNode(SECONDS.format(Instant.ofEpochSecond(a))) : null;
            case META + "MicroTime" -> any ? JSON.textNode(MICROS.format(Instant.ofEpochSecond(a, b))) : null;
            default -> throw new IllegalArgumentException("protobuf bodies: no decoding for " + name);
        };
    }

    private static JsonNode rawJson(ProtoReader m) {
        byte[] raw = new byte[0];
        while (m.hasMore()) {
            int key = m.readKey();
            if (key == ((1 << 3) | ProtoReader.LENGTH_DELIMITED)) {
                raw = m.readBytes();
            } else {
                m.skip(key & 7);
            }
        }
        if (raw.length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(raw);
        } catch (IOException e) {
            throw new IllegalArgumentException("protobuf body: embedded raw object is not JSON", e);
        }
    }

    private static boolean packable(TypeExpr t) {
        return t instanceof TypeExpr.Scalar s && !s.type().equals("string");
    }

    private static boolean isDouble(TypeExpr t) {
        return t instanceof TypeExpr.Scalar s && s.type().equals("number");
    }

    private static void expectLengthDelimited(int wire, String what) {
        if (wire != ProtoReader.LENGTH_DELIMITED) {
            throw ProtoReader.malformed("wire type " + wire + " where " + what + " needs length-delimited");
        }
    }

    private static boolean isZero(JsonNode v) {
        return (v.isTextual() && v.asText().isEmpty()) || (v.isNumber() && v.asDouble() == 0)
                || (v.isBoolean() && !v.asBoolean());
    }

    private static JsonNode zero(TypeExpr t) {
        if (t instanceof TypeExpr.Scalar s) {
            return switch (s.type()) {
                case "integer", "number" -> JSON.numberNode(0);
                case "boolean" -> JSON.booleanNode(false);
                default -> JSON.textNode("");
            };
        }
        return JSON.nullNode();
    }
}
