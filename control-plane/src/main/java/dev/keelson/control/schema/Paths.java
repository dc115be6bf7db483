package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;

/** Field paths in Kubernetes' notation: {@code spec.containers[0].image}, {@code data[key]}. */
final class Paths {
    private Paths() {}

    static String child(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    static String key(String path, String key) {
        return path + "[" + key + "]";
    }

    /** The JSON type name of a value, as OpenAPI validation messages call it. */
    static String jsonType(JsonNode v) {
        if (v.isTextual()) {
            return "string";
        }
        if (v.isIntegralNumber()) {
            return "integer";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isObject()) {
            return "object";
        }
        return "null";
    }
}
