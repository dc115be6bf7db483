package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the fields an object carries that its schema does not declare, for strict field
 * validation. Walks only where the schema describes the shape; free-form positions
 * (RawExtension, FieldsV1) accept anything.
 */
final class UnknownFields {
    private UnknownFields() {}

    static List<String> find(Catalog catalog, TypeDef kind, JsonNode object) {
        List<String> out = new ArrayList<>();
        walkObject(catalog, kind, object, "", out);
        return out;
    }

    private static void walkObject(Catalog catalog, TypeDef def, JsonNode value, String path, List<String> out) {
        if (!value.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            TypeDef.FieldDef f = def.fields().get(e.getKey());
            String p = path + "." + e.getKey();
            if (f == null) {
                out.add(p);
            } else {
                walk(catalog, f.type(), e.getValue(), p, out);
            }
        }
    }

    private static void walk(Catalog catalog, TypeExpr type, JsonNode v, String path, List<String> out) {
        switch (type) {
            case TypeExpr.Ref r -> {
                TypeDef d = catalog.type(r.name());
                if (d.isObject() && !d.freeForm()) {
                    walkObject(catalog, d, v, path, out);
                }
            }
            case TypeExpr.ArrayOf a -> {
                if (v.isArray()) {
                    for (int i = 0; i < v.size(); i++) {
                        walk(catalog, a.items(), v.get(i), path + "[" + i + "]", out);
                    }
                }
            }
            case TypeExpr.MapOf m -> {
                if (v.isObject()) {
                    for (Map.Entry<String, JsonNode> e : v.properties()) {
                        walk(catalog, m.values(), e.getValue(), path + "." + e.getKey(), out);
                    }
                }
            }
            default -> { }
        }
    }
}
