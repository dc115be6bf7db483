package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Status conditions ({@code type, status, reason, message, lastTransitionTime}) as controllers
 * write them: the transition time moves only when the status flips, so that re-writing the same
 * verdict is a no-op the controller can detect by comparing JSON.
 */
final class Conditions {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Conditions() {}

    /** The condition of {@code type} in a conditions array, or null. */
    static JsonNode find(JsonNode conditions, String type) {
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return null;
    }

    /** Whether a condition of {@code type} with status True is present. */
    static boolean isTrue(JsonNode conditions, String type) {
        JsonNode c = find(conditions, type);
        return c != null && c.path("status").asText().equals("True");
    }

    /** A condition; its transition time is the old one when the status did not change. */
    static ObjectNode of(JsonNode oldConditions, String type, String status, String reason, String message, Instant now) {
        JsonNode prev = find(oldConditions, type);
        ObjectNode c = MAPPER.createObjectNode();
        c.put("type", type).put("status", status);
        boolean same = prev != null && prev.path("status").asText().equals(status) && prev.hasNonNull("lastTransitionTime");
        c.put("lastTransitionTime", same ? prev.path("lastTransitionTime").asText() : time(now));
        if (!reason.isEmpty()) {
            c.put("reason", reason);
        }
        if (!message.isEmpty()) {
            c.put("message", message);
        }
        return c;
    }

    /** Replaces (or appends) the condition of the same type in {@code conditions}, keeping order. */
    static void set(ArrayNode conditions, ObjectNode condition) {
        String type = condition.path("type").asText();
        for (int i = 0; i < conditions.size(); i++) {
            if (conditions.get(i).path("type").asText().equals(type)) {
                conditions.set(i, condition);
                return;
            }
        }
        conditions.add(condition);
    }

    /** A {@code metav1.Time}: RFC 3339 in UTC with whole seconds. */
    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Parses a {@code metav1.Time} or {@code MicroTime}; null when absent or malformed. */
    static Instant parse(JsonNode text) {
        if (text == null || !text.isTextual() || text.asText().isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text.asText());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
