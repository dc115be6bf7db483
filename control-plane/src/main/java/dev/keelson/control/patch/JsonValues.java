package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.Map;

/**
 * JSON value helpers shared by the patch flavours. Numbers are compared by value (RFC 6902 §4.6
 * says {@code 1} and {@code 1.0} are equal; Jackson's own {@code equals} says they are not), and
 * scalars get a canonical string form so that lists can be indexed by value in hash maps instead
 * of being searched linearly.
 */
final class JsonValues {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonValues() {}

    /** Deep equality with numbers compared numerically and object members in any order. */
    static boolean equal(JsonNode a, JsonNode b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a.isNumber() && b.isNumber()) {
            return decimal(a).compareTo(decimal(b)) == 0;
        }
        if (a.getNodeType() != b.getNodeType()) {
            return false;
        }
        if (a.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                if (!equal(e.getValue(), b.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /**
     * A canonical string for a value, equal for values that {@link #equal} calls equal (type tag
     * first, so the string "1" and the number 1 differ, as Go's {@code interface{}} comparison
     * makes them differ in strategicpatch).
     */
    static String key(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "z";
        }
        if (v.isTextual()) {
            return "s" + v.textValue();
        }
        if (v.isNumber()) {
            return "n" + canonicalNumber(v).toString();
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? "bt" : "bf";
        }
        return "j" + canonicalJson(v);
    }

    /** Integral numbers as longs (so 80 and 80.0 print alike, as Go's float64 JSON does). */
    static JsonNode canonicalNumber(JsonNode n) {
        if (!n.isNumber()) {
            return n;
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? NODES.numberNode(n.longValue()) : n;
        }
        BigDecimal d = decimal(n).stripTrailingZeros();
        if (d.scale() <= 0) {
            try {
                return NODES.numberNode(d.longValueExact());
            } catch (ArithmeticException tooBig) {
                return n;
            }
        }
        return n;
    }

    /** Compact JSON with object members sorted by name (a stable identity for containers). */
    static String canonicalJson(JsonNode v) {
        if (v.isObject()) {
            StringBuilder b = new StringBuilder("{");
            var names = new java.util.ArrayList<String>();
            v.fieldNames().forEachRemaining(names::add);
            java.util.Collections.sort(names);
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append(NODES.textNode(names.get(i))).append(':').append(canonicalJson(v.get(names.get(i))));
            }
            return b.append('}').toString();
        }
        if (v.isArray()) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append(canonicalJson(v.get(i)));
            }
            return b.append(']').toString();
        }
        return v.isNumber() ? canonicalNumber(v).toString() : v.toString();
    }

    static BigDecimal decimal(JsonNode n) {
        return n.isBigDecimal() ? n.decimalValue() : new BigDecimal(n.asText());
    }

    /** A short rendering of a value for error messages. */
    static String brief(JsonNode v) {
        String s = v == null ? "null" : v.toString();
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    /** Whether a value is absent, null, or an empty object or list (the "both empty" case of the merges). */
    static boolean isEmptyContainer(JsonNode v) {
        return v == null || v.isNull() || (v.isContainerNode() && v.isEmpty());
    }
}
