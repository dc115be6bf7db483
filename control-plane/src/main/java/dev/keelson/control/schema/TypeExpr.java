package dev.keelson.control.schema;

/**
 * A type expression of the compact schema file: a scalar, a reference to a named type, an array,
 * a string-keyed map, or a free-form value. Mirrors what an OpenAPI property can say about its
 * type, without the prose.
 */
sealed interface TypeExpr {

    /** A named type ({@code @io.k8s.api.core.v1.PodSpec}). */
    record Ref(String name) implements TypeExpr {}

    /** A JSON scalar: type {@code string|integer|number|boolean}, format possibly empty. */
    record Scalar(String type, String format) implements TypeExpr {}

    /** {@code []T}. */
    record ArrayOf(TypeExpr items) implements TypeExpr {}

    /** {@code {}T}: a JSON object whose values are all T. */
    record MapOf(TypeExpr values) implements TypeExpr {}

    /** {@code object} or {@code any}: anything goes (RawExtension, FieldsV1, ...). */
    record FreeForm() implements TypeExpr {}

    static TypeExpr parse(String text) {
        if (text.startsWith("@")) {
            return new Ref(text.substring(1));
        }
        if (text.startsWith("[]")) {
            return new ArrayOf(parse(text.substring(2)));
        }
        if (text.startsWith("{}")) {
            return new MapOf(parse(text.substring(2)));
        }
        if (text.equals("object") || text.equals("any")) {
            return new FreeForm();
        }
        int slash = text.indexOf('/');
        String type = slash < 0 ? text : text.substring(0, slash);
        String format = slash < 0 ? "" : text.substring(slash + 1);
        return switch (type) {
            case "string", "integer", "number", "boolean" -> new Scalar(type, format);
            default -> throw new IllegalArgumentException("unknown type expression \"" + text + "\"");
        };
    }
}
