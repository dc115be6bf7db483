package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A parsed {@code labelSelector}: comma-separated requirements, all of which must hold.
 *
 * <pre>
 *   a=b  a==b  a!=b  a in (x,y)  a notin (x,y)  a  !a  a&gt;3  a&lt;3
 * </pre>
 *
 * {@code !=} and {@code notin} also match objects without the label, as in Kubernetes.
 */
public final class LabelSelector implements Predicate<JsonNode> {
    private enum Op { EQ, NE, IN, NOTIN, EXISTS, NOT_EXISTS, GT, LT }

    private record Requirement(String key, Op op, Set<String> values) {}

    public static final LabelSelector EVERYTHING = new LabelSelector(List.of());
    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    /** @throws ApiException 400 BadRequest when the selector does not parse */
    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> out = new ArrayList<>();
        for (String part : splitTopLevel(text)) {
            out.add(requirement(part.strip(), text));
        }
        return new LabelSelector(List.copyOf(out));
    }

    public boolean matchesEverything() {
        return requirements.isEmpty();
    }

    /** Whether an object's {@code metadata.labels} satisfy every requirement. */
    @Override
    public boolean test(JsonNode object) {
        JsonNode labels = object.path("metadata").path("labels");
        for (Requirement r : requirements) {
            JsonNode v = labels.get(r.key());
            String value = v == null || v.isNull() ? null : v.asText();
            boolean ok = switch (r.op()) {
                case EQ, IN -> value != null && r.values().contains(value);
                case NE, NOTIN -> value == null || !r.values().contains(value);
                case EXISTS -> value != null;
                case NOT_EXISTS -> value == null;
                case GT -> value != null && compare(value, r.values()) > 0;
                case LT -> value != null && compare(value, r.values()) < 0;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int compare(String value, Set<String> bound) {
        try {
            return Long.compare(Long.parseLong(value), Long.parseLong(bound.iterator().next()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Splits on commas that are not inside parentheses. */
    private static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static Requirement requirement(String p, String whole) {
        if (p.isEmpty()) {
            throw bad(whole, "found '', expected: identifier");
        }
        if (p.startsWith("!")) {
            return new Requirement(key(p.substring(1).strip(), whole), Op.NOT_EXISTS, Set.of());
        }
        String[] words = p.split("\\s+", 2);
        if (words.length == 2 && (words[1].startsWith("in") || words[1].startsWith("notin"))) {
            boolean in = words[1].startsWith("in");
            String rest = words[1].substring(in ? 2 : 5).strip();
            if (!rest.startsWith("(") || !rest.endsWith(")")) {
                throw bad(whole, "found '" + rest + "', expected: '('");
            }
            Set<String> values = new java.util.LinkedHashSet<>();
            for (String v : rest.substring(1, rest.length() - 1).split(",")) {
                values.add(value(v.strip(), whole));
            }
            return new Requirement(key(words[0], whole), in ? Op.IN : Op.NOTIN, Set.copyOf(values));
        }
        for (String op : new String[] {"!=", "==", "=", ">", "<"}) {
            int at = p.indexOf(op);
            if (at > 0) {
                String k = key(p.substring(0, at).strip(), whole);
                String v = value(p.substring(at + op.length()).strip(), whole);
                Op o = switch (op) {
                    case "!=" -> Op.NE;
                    case ">" -> Op.GT;
                    case "<" -> Op.LT;
                    default -> Op.EQ;
                };
                if ((o == Op.GT || o == Op.LT) && !v.matches("-?\\d+")) {
                    throw bad(whole, "for 'Gt', 'Lt' operators, the value must be an integer");
                }
                return new Requirement(k, o, Set.of(v));
            }
        }
        return new Requirement(key(p, whole), Op.EXISTS, Set.of());
    }

    private static final String NAME = "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)";

    private static String key(String k, String whole) {
        if (!k.matches("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?" + NAME) || k.length() > 316) {
            throw bad(whole, "invalid label key \"" + k + "\"");
        }
        return k;
    }

    private static String value(String v, String whole) {
        if (!v.isEmpty() && (!v.matches(NAME) || v.length() > 63)) {
            throw bad(whole, "invalid label value: \"" + v + "\"");
        }
        return v;
    }

    private static ApiException bad(String whole, String why) {
        return ApiException.badRequest("unable to parse requirement: " + why + " (in selector \"" + whole + "\")");
    }
}
