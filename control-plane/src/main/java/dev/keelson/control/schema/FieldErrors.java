package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.schema.Schemas.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects {@link FieldError}s worded like k8s.io/apimachinery's {@code field.Error}: the reason
 * ({@code FieldValueRequired}, …) and the body {@code "<Type>[: <value>][: <detail>]"}, where
 * strings are quoted and numbers and booleans are printed bare.
 */
final class FieldErrors {
    private final List<FieldError> errors = new ArrayList<>();

    List<FieldError> list() {
        return errors;
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    void required(String field, String detail) {
        errors.add(new FieldError("FieldValueRequired", field, withDetail("Required value", detail)));
    }

    void invalid(String field, Object value, String detail) {
        errors.add(new FieldError("FieldValueInvalid", field, withDetail("Invalid value: " + render(value), detail)));
    }

    void typeInvalid(String field, Object value, String detail) {
        errors.add(new FieldError("FieldValueTypeInvalid", field, withDetail("Invalid value: " + render(value), detail)));
    }

    void duplicate(String field, Object value) {
        errors.add(new FieldError("FieldValueDuplicate", field, "Duplicate value: " + render(value)));
    }

    void notSupported(String field, Object value, List<String> supported) {
        StringBuilder s = new StringBuilder("supported values: ");
        for (int i = 0; i < supported.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(quote(supported.get(i)));
        }
        errors.add(new FieldError("FieldValueNotSupported", field,
                "Unsupported value: " + render(value) + ": " + s));
    }

    void notFound(String field, Object value) {
        errors.add(new FieldError("FieldValueNotFound", field, "Not found: " + render(value)));
    }

    void forbidden(String field, String detail) {
        errors.add(new FieldError("FieldValueForbidden", field, withDetail("Forbidden", detail)));
    }

    void tooLong(String field, long max) {
        errors.add(new FieldError("FieldValueTooLong", field, "Too long: must have at most " + max + " bytes"));
    }

    /** Adds one Invalid error per message, as Kubernetes does for each failed rule. */
    void invalidEach(String field, Object value, List<String> messages) {
        for (String m : messages) {
            invalid(field, value, m);
        }
    }

    private static String withDetail(String body, String detail) {
        return detail == null || detail.isEmpty() ? body : body + ": " + detail;
    }

    /** A bad value already rendered the way Go prints it (e.g. a label map). */
    record Raw(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** Renders a bad value as Go's {@code %q} / {@code %v} would for the JSON kinds. */
    static String render(Object value) {
        if (value instanceof JsonNode n) {
            if (n.isTextual()) {
                return quote(n.asText());
            }
            if (n.isNull() || n.isMissingNode()) {
                return "null";
            }
            return n.toString();
        }
        if (value instanceof String s) {
            return quote(s);
        }
        return String.valueOf(value);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
