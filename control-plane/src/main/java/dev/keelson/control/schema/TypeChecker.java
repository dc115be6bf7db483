package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.schema.TypeDef.FieldDef;
import java.util.Base64;
import java.util.Map;

/**
 * Checks an object against its kind's schema: every value has the declared JSON type and every
 * required field of a present object is there. Undeclared fields are not its business
 * ({@link UnknownFields}). A JSON null stands for "not set", as it does in Kubernetes' decoder.
 */
final class TypeChecker {
    private final Catalog catalog;
    private final FieldErrors errors;

    TypeChecker(Catalog catalog, FieldErrors errors) {
        this.catalog = catalog;
        this.errors = errors;
    }

    void checkObject(TypeDef def, JsonNode value, String path) {
        if (!value.isObject()) {
            mismatch(path, value, "object");
            return;
        }
        for (FieldDef f : def.fields().values()) {
            JsonNode v = value.get(f.name());
            String p = Paths.child(path, f.name());
            if (v == null || v.isNull()) {
                if (f.required() && !zeroValued(f.type()) && !p.startsWith("status")) {
                    errors.required(p, null);
                }
                continue;
            }
            check(f.type(), v, p);
        }
    }

    /**
     * Kubernetes decodes a missing number or boolean as its zero value, so "required" scalars of those
     * types cannot be missing there; status is written by controllers and never checked for presence.
     */
    private static boolean zeroValued(TypeExpr type) {
        return type instanceof TypeExpr.Scalar s && !s.type().equals("string");
    }

    void check(TypeExpr type, JsonNode v, String path) {
        if (v.isNull()) {
            return;
        }
        switch (type) {
            case TypeExpr.Ref r -> {
                TypeDef d = catalog.type(r.name());
                if (d.freeForm()) {
                    return;
                } else if (d.isObject()) {
                    checkObject(d, v, path);
                } else if (r.name().equals(Catalog.QUANTITY)) {
                    if (!v.isTextual() && !v.isNumber()) {
                        mismatch(path, v, "string");
                    }
                } else {
                    check(d.scalar(), v, path);
                }
            }
            case TypeExpr.Scalar s -> scalar(s, v, path);
            case TypeExpr.ArrayOf a -> {
                if (!v.isArray()) {
                    mismatch(path, v, "array");
                    return;
                }
                for (int i = 0; i < v.size(); i++) {
                    check(a.items(), v.get(i), path + "[" + i + "]");
                }
            }
            case TypeExpr.MapOf m -> {
                if (!v.isObject()) {
                    mismatch(path, v, "object");
                    return;
                }
                for (Map.Entry<String, JsonNode> e : v.properties()) {
                    check(m.values(), e.getValue(), Paths.key(path, e.getKey()));
                }
            }
            case TypeExpr.FreeForm ignored -> { }
        }
    }

    private void scalar(TypeExpr.Scalar s, JsonNode v, String path) {
        boolean ok = switch (s.type()) {
            case "integer" -> v.isIntegralNumber() || (s.format().equals("int-or-string") && v.isTextual());
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> v.isTextual() || (s.format().equals("int-or-string") && v.isIntegralNumber());
        };
        if (!ok) {
            mismatch(path, v, s.format().equals("int-or-string") ? "integer or string" : s.type());
            return;
        }
        if (s.format().equals("byte")) {
            try {
                Base64.getDecoder().decode(v.asText());
            } catch (IllegalArgumentException e) {
                errors.invalid(path, v, "illegal base64 data: " + e.getMessage());
            }
        }
    }

    private void mismatch(String path, JsonNode v, String expected) {
        String actual = Paths.jsonType(v);
        errors.typeInvalid(path, actual, path + " in body must be of type " + expected + ": " + FieldErrors.quote(actual));
    }
}
