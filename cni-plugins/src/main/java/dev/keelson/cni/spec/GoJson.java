package dev.keelson.cni.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON the way the reference plugins print it, so that runtimes and tests comparing output
 * text see the same bytes: Go's {@code json.MarshalIndent(v, "", "    ")} for results and errors,
 * {@code json.Encoder} (compact plus a newline) for VERSION. Both escape {@code <}, {@code >} and
 * {@code &} as {@code \u003c}… (Go's HTML-safe default) and U+2028/U+2029.
 */
public final class GoJson {
    private GoJson() {
    }

    /** Indented with four spaces, {@code "key": value}, no trailing newline. */
    public static String pretty(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, 0, true);
        return sb.toString();
    }

    /** Compact, no trailing newline. */
    public static String compact(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, 0, false);
        return sb.toString();
    }

    private static void write(StringBuilder sb, JsonNode n, int depth, boolean indent) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            sb.append("null");
        } else if (n.isObject()) {
            if (n.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                newline(sb, depth + 1, indent);
                string(sb, e.getKey());
                sb.append(indent ? ": " : ":");
                write(sb, e.getValue(), depth + 1, indent);
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            newline(sb, depth, indent);
            sb.append('}');
        } else if (n.isArray()) {
            if (n.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                newline(sb, depth + 1, indent);
                write(sb, n.get(i), depth + 1, indent);
                if (i + 1 < n.size()) {
                    sb.append(',');
                }
            }
            newline(sb, depth, indent);
            sb.append(']');
        } else if (n.isTextual()) {
            string(sb, n.textValue());
        } else {
            sb.append(n.asText());
        }
    }

    private static void newline(StringBuilder sb, int depth, boolean indent) {
        if (indent) {
            sb.append('\n').append("    ".repeat(depth));
        }
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Go's {@code %q} of a list of strings: {@code ["a" "b"]}, as libcni's version error prints it. */
    public static String goQuotedList(Iterable<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (String s : items) {
            if (sb.length() > 1) {
                sb.append(' ');
            }
            goQuoted(sb, s);
        }
        return sb.append(']').toString();
    }

    /** Go's {@code %q} of one string (printable ASCII is kept, quotes and backslashes escaped). */
    public static String goQuoted(String s) {
        StringBuilder sb = new StringBuilder();
        goQuoted(sb, s);
        return sb.toString();
    }

    private static void goQuoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
