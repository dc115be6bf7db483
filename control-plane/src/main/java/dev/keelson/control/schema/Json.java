package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small helpers for editing Jackson trees in place. */
final class Json {
    private Json() {}

    /** The object at {@code field}, created (or replacing a non-object) if needed. */
    static ObjectNode obj(ObjectNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(field);
    }

    /** Whether the field is absent, null, or an empty string. */
    static boolean unset(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n == null || n.isNull() || (n.isTextual() && n.asText().isEmpty());
    }

    static void putIfAbsent(ObjectNode o, String field, String value) {
        if (unset(o, field)) {
            o.put(field, value);
        }
    }

    static void putIfAbsent(ObjectNode o, String field, long value) {
        if (unset(o, field)) {
            // Int nodes where the value fits, as Jackson parses JSON, so trees compare equal.
            if (value == (int) value) {
                o.put(field, (int) value);
            } else {
                o.put(field, value);
            }
        }
    }

    static void putIfAbsent(ObjectNode o, String field, boolean value) {
        if (unset(o, field)) {
            o.put(field, value);
        }
    }

    static void objIfAbsent(ObjectNode o, String field) {
        if (unset(o, field)) {
            o.putObject(field);
        }
    }
}
