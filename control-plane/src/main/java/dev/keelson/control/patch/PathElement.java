package dev.keelson.control.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One step of a field path, in the form {@code metadata.managedFields[].fieldsV1} spells it
 * (structured-merge-diff's PathElement):
 *
 * <pre>
 *   f:replicas                          a field (struct field or map key)
 *   k:{"containerPort":80,"protocol":"TCP"}   an item of a map-type list, by its key fields (sorted)
 *   v:"finalizer.example.com"           an item of a set-type list, by value
 *   i:3                                 a list item by index
 * </pre>
 *
 * Equality is on the serialized text, which is canonical (sorted keys, integral numbers as
 * integers). The order is structured-merge-diff's: fields, then keys, values, indexes.
 *
 * @param kind which of the four forms
 * @param text the serialized form, e.g. {@code f:replicas}
 * @param payload the field name (text node), key object, value, or index (int node)
 */
record PathElement(Kind kind, String text, JsonNode payload) implements Comparable<PathElement> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The four forms, in sort order. */
    enum Kind { FIELD, KEY, VALUE, INDEX }

    static PathElement field(String name) {
        return new PathElement(Kind.FIELD, "f:" + name, JsonValues.NODES.textNode(name));
    }

    /** A list-map key; {@code fields} must already hold canonical values. */
    static PathElement key(ObjectNode fields) {
        ObjectNode sorted = JsonValues.NODES.objectNode();
        List<String> names = new ArrayList<>();
        fields.fieldNames().forEachRemaining(names::add);
        names.stream().sorted().forEach(n -> sorted.set(n, JsonValues.canonicalNumber(fields.get(n))));
        return new PathElement(Kind.KEY, "k:" + JsonValues.canonicalJson(sorted), sorted);
    }

    static PathElement value(JsonNode v) {
        return new PathElement(Kind.VALUE, "v:" + JsonValues.canonicalJson(v), v);
    }

    static PathElement index(int i) {
        return new PathElement(Kind.INDEX, "i:" + i, JsonValues.NODES.numberNode(i));
    }

    /** Parses the serialized form. @throws PatchException if it is not one of the four forms */
    static PathElement parse(String s) {
        if (s.length() < 2 || s.charAt(1) != ':') {
            throw new PatchException("invalid field path element \"" + s + "\"");
        }
        String body = s.substring(2);
        try {
            return switch (s.charAt(0)) {
                case 'f' -> field(body);
                case 'k' -> {
                    JsonNode k = JSON.readTree(body);
                    if (k == null || !k.isObject()) {
                        throw new PatchException("invalid key path element \"" + s + "\"");
                    }
                    yield key((ObjectNode) k);
                }
                case 'v' -> value(JSON.readTree(body));
                case 'i' -> index(Integer.parseInt(body));
                default -> throw new PatchException("unknown field path element type in \"" + s + "\"");
            };
        } catch (JsonProcessingException | NumberFormatException e) {
            throw new PatchException("invalid field path element \"" + s + "\": " + e.getMessage());
        }
    }

    /** The human form used in conflict messages: {@code .name}, {@code [name="x"]}, {@code [=v]}, {@code [3]}. */
    String display() {
        return switch (kind) {
            case FIELD -> "." + payload.textValue();
            case KEY -> {
                StringBuilder b = new StringBuilder("[");
                Iterator<Map.Entry<String, JsonNode>> it = payload.properties().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    b.append(e.getKey()).append('=').append(e.getValue());
                    if (it.hasNext()) {
                        b.append(',');
                    }
                }
                yield b.append(']').toString();
            }
            case VALUE -> "[=" + payload + "]";
            case INDEX -> "[" + payload.intValue() + "]";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathElement p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public int compareTo(PathElement o) {
        if (kind != o.kind) {
            return kind.compareTo(o.kind);
        }
        return switch (kind) {
            case FIELD -> payload.textValue().compareTo(o.payload.textValue());
            case INDEX -> Integer.compare(payload.intValue(), o.payload.intValue());
            case KEY -> compareKeys(payload, o.payload);
            case VALUE -> compareValues(payload, o.payload);
        };
    }

    /** Key field lists compare name by name, then value by value; a shorter list sorts first. */
    private static int compareKeys(JsonNode a, JsonNode b) {
        Iterator<Map.Entry<String, JsonNode>> ia = a.properties().iterator();
        Iterator<Map.Entry<String, JsonNode>> ib = b.properties().iterator();
        while (ia.hasNext() && ib.hasNext()) {
            Map.Entry<String, JsonNode> ea = ia.next();
            Map.Entry<String, JsonNode> eb = ib.next();
            int c = ea.getKey().compareTo(eb.getKey());
            if (c == 0) {
                c = compareValues(ea.getValue(), eb.getValue());
            }
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(ia.hasNext(), ib.hasNext());
    }

    /** structured-merge-diff's total order: numbers, strings, booleans, lists, maps, null. */
    private static int compareValues(JsonNode a, JsonNode b) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        return switch (ra) {
            case 0 -> JsonValues.decimal(a).compareTo(JsonValues.decimal(b));
            case 1 -> a.textValue().compareTo(b.textValue());
            case 2 -> Boolean.compare(a.booleanValue(), b.booleanValue());
            case 5 -> 0;
            default -> JsonValues.canonicalJson(a).compareTo(JsonValues.canonicalJson(b));
        };
    }

    private static int rank(JsonNode v) {
        if (v.isNumber()) {
            return 0;
        }
        if (v.isTextual()) {
            return 1;
        }
        if (v.isBoolean()) {
            return 2;
        }
        if (v.isArray()) {
            return 3;
        }
        return v.isObject() ? 4 : 5;
    }
}
