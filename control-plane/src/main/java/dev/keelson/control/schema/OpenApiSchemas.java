package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeDef.FieldDef;
import dev.keelson.control.schema.TypeDef.Gvk;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Renders named types as OpenAPI schema objects, the way Kubernetes publishes them: Swagger 2.0
 * definitions ({@code #/definitions/NAME}) or OpenAPI 3.0 components ({@code #/components/schemas/NAME}),
 * with the {@code x-kubernetes-*} extensions kubectl reads for validation, explain and patches.
 */
final class OpenApiSchemas {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final String refPrefix;
    private final boolean v3;

    private OpenApiSchemas(String refPrefix, boolean v3) {
        this.refPrefix = refPrefix;
        this.v3 = v3;
    }

    static OpenApiSchemas v2() {
        return new OpenApiSchemas("#/definitions/", false);
    }

    static OpenApiSchemas v3() {
        return new OpenApiSchemas("#/components/schemas/", true);
    }

    String ref(String typeName) {
        return refPrefix + typeName;
    }

    ObjectNode definition(TypeDef d) {
        if (!d.isObject()) {
            return type(d.scalar());
        }
        ObjectNode s = JSON.objectNode();
        s.put("type", "object");
        if (d.freeForm()) {
            // Kubernetes publishes FieldsV1, RawExtension and Patch as a bare "type: object". An
            // empty "properties" would make kubectl's client-side validation (kube-openapi
            // parseKind) reject every key of such a value, e.g. the f:data of managedFields when
            // "kubectl replace" sends back what "get -o yaml" printed.
            return s;
        }
        ObjectNode props = s.putObject("properties");
        ArrayNode required = JSON.arrayNode();
        for (FieldDef f : d.fields().values()) {
            props.set(f.name(), field(f));
            if (f.required()) {
                required.add(f.name());
            }
        }
        if (!required.isEmpty()) {
            s.set("required", required);
        }
        if (!d.gvks().isEmpty()) {
            ArrayNode gvks = s.putArray("x-kubernetes-group-version-kind");
            for (Gvk g : d.gvks()) {
                gvks.add(gvk(g));
            }
        }
        if (d.atomic()) {
            s.put("x-kubernetes-map-type", "atomic");
        }
        return s;
    }

    static ObjectNode gvk(Gvk g) {
        ObjectNode o = JSON.objectNode();
        o.put("group", g.group());
        o.put("kind", g.kind());
        o.put("version", g.version());
        return o;
    }

    private ObjectNode field(FieldDef f) {
        ObjectNode s = type(f.type());
        boolean extended = !f.patchStrategy().isEmpty() || f.mergeKey() != null || !f.listType().isEmpty()
                || !f.mapType().isEmpty();
        if (extended && v3 && s.has("$ref")) {
            // OpenAPI 3.0 ignores siblings of $ref; Kubernetes wraps the reference in allOf.
            ObjectNode wrapped = JSON.objectNode();
            wrapped.putArray("allOf").add(s);
            s = wrapped;
        }
        if (!f.patchStrategy().isEmpty()) {
            s.put("x-kubernetes-patch-strategy", f.patchStrategy());
        }
        if (f.mergeKey() != null) {
            s.put("x-kubernetes-patch-merge-key", f.mergeKey());
        }
        if (!f.listType().isEmpty()) {
            s.put("x-kubernetes-list-type", f.listType());
        }
        if (!f.listKeys().isEmpty()) {
            ArrayNode keys = s.putArray("x-kubernetes-list-map-keys");
            f.listKeys().forEach(keys::add);
        }
        if (!f.mapType().isEmpty()) {
            s.put("x-kubernetes-map-type", f.mapType());
        }
        return s;
    }

    ObjectNode type(TypeExpr t) {
        ObjectNode s = JSON.objectNode();
        switch (t) {
            case TypeExpr.Ref r -> s.put("$ref", ref(r.name()));
            case TypeExpr.Scalar sc -> {
                s.put("type", sc.type());
                if (!sc.format().isEmpty()) {
                    s.put("format", sc.format());
                }
            }
            case TypeExpr.ArrayOf a -> {
                s.put("type", "array");
                s.set("items", type(a.items()));
            }
            case TypeExpr.MapOf m -> {
                s.put("type", "object");
                s.set("additionalProperties", type(m.values()));
            }
            case TypeExpr.FreeForm ignored -> s.put("type", "object");
        }
        return s;
    }

    /** The named types reachable from the given roots (the roots included), in discovery order. */
    static Set<String> closure(Catalog catalog, Iterable<String> roots) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        roots.forEach(queue::add);
        while (!queue.isEmpty()) {
            String name = queue.poll();
            if (!seen.add(name)) {
                continue;
            }
            TypeDef d = catalog.type(name);
            if (d == null) {
                throw new IllegalStateException("schema refers to unknown type " + name);
            }
            for (FieldDef f : d.fields().values()) {
                addRefs(f.type(), queue);
            }
        }
        return seen;
    }

    private static void addRefs(TypeExpr t, Deque<String> queue) {
        switch (t) {
            case TypeExpr.Ref r -> queue.add(r.name());
            case TypeExpr.ArrayOf a -> addRefs(a.items(), queue);
            case TypeExpr.MapOf m -> addRefs(m.values(), queue);
            default -> { }
        }
    }
}
