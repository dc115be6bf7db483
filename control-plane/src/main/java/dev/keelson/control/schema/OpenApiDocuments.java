package dev.keelson.control.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.ApiResources.Resource;
import dev.keelson.control.schema.TypeDef.Gvk;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the {@code /openapi/v2} and {@code /openapi/v3/...} documents once and keeps them, with
 * their serialized forms, for the life of the JVM.
 *
 * <p>The v3 index points at each group version with a {@code ?hash=} of that document's bytes, as
 * Kubernetes does, so clients that cache by URL (kubectl) refetch only when the content changes.
 */
final class OpenApiDocuments {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    final ObjectNode v2;
    final byte[] v2Json;
    final byte[] v2Protobuf;
    final Map<String, ObjectNode> v3;
    final Map<String, byte[]> v3Json;
    final ObjectNode v3Index;

    private OpenApiDocuments(Catalog catalog) {
        v2 = buildV2(catalog);
        v2Json = bytes(v2);
        v2Protobuf = SwaggerProtobuf.encode(v2);
        Map<String, ObjectNode> docs = new LinkedHashMap<>();
        Map<String, byte[]> json = new LinkedHashMap<>();
        ObjectNode index = OpenApiSchemas.JSON.objectNode();
        ObjectNode paths = index.putObject("paths");
        for (String gv : ApiResources.GROUP_VERSION_PATHS) {
            ObjectNode doc = buildV3(catalog, gv);
            byte[] b = bytes(doc);
            docs.put(gv, doc);
            json.put(gv, b);
            paths.putObject(gv).put("serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + sha512(b));
        }
        v3 = Map.copyOf(docs);
        v3Json = Map.copyOf(json);
        v3Index = index;
    }

    private static final class Holder {
        static final OpenApiDocuments INSTANCE = new OpenApiDocuments(Catalog.get());
    }

    static OpenApiDocuments get() {
        return Holder.INSTANCE;
    }

    private static ObjectNode buildV2(Catalog catalog) {
        ObjectNode doc = OpenApiSchemas.JSON.objectNode();
        doc.put("swagger", "2.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", "v1.33.0");
        ObjectNode paths = doc.putObject("paths");
        OpenApiSchemas schemas = OpenApiSchemas.v2();
        new OpenApiPaths(catalog, schemas, false).add(paths, ApiResources.ALL_RESOURCES, new LinkedHashSet<>());
        ObjectNode defs = doc.putObject("definitions");
        // Every published type, sorted like Kubernetes' own document; embedded structs have no definition.
        Set<String> names = new TreeSet<>();
        for (TypeDef d : catalog.types()) {
            if (!d.embedded()) {
                names.add(d.name());
            }
        }
        for (String name : names) {
            defs.set(name, schemas.definition(catalog.type(name)));
        }
        return doc;
    }

    private static ObjectNode buildV3(Catalog catalog, String groupVersionPath) {
        Gvk gv = ApiResources.groupVersionOf(groupVersionPath);
        ObjectNode doc = OpenApiSchemas.JSON.objectNode();
        doc.put("openapi", "3.0.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", "v1.33.0");
        ObjectNode paths = doc.putObject("paths");
        OpenApiSchemas schemas = OpenApiSchemas.v3();
        List<Resource> here = new ArrayList<>();
        for (Resource r : ApiResources.ALL_RESOURCES) {
            if (r.groupVersion().group().equals(gv.group()) && r.groupVersion().version().equals(gv.version())) {
                here.add(r);
            }
        }
        Set<String> roots = new LinkedHashSet<>();
        new OpenApiPaths(catalog, schemas, true).add(paths, here, roots);
        // Kinds of this group version that no path serves (autoscaling/v1 Scale, policy/v1 Eviction)
        // still get their schemas, so explain and validation can find them by kind.
        for (TypeDef d : catalog.types()) {
            for (Gvk g : d.gvks()) {
                if (g.group().equals(gv.group()) && g.version().equals(gv.version())
                        && !d.name().startsWith("io.k8s.apimachinery.")) {
                    roots.add(d.name());
                }
            }
        }
        ObjectNode components = doc.putObject("components").putObject("schemas");
        for (String name : new TreeSet<>(OpenApiSchemas.closure(catalog, roots))) {
            components.set(name, schemas.definition(catalog.type(name)));
        }
        return doc;
    }

    private static byte[] bytes(ObjectNode doc) {
        try {
            return MAPPER.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("failed to serialize an OpenAPI document", e);
        }
    }

    static String sha512(byte[] content) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from this JDK", e);
        }
    }
}
