package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.http.ApiRequest;

/**
 * Options of a delete, from the query or a {@code DeleteOptions} body (kubectl sends the body).
 *
 * @param gracePeriodSeconds null when not given
 * @param propagation Orphan, Background or Foreground ("" = the kind's default, Background)
 * @param uid precondition, or ""
 * @param resourceVersion precondition, or ""
 */
public record DeleteOptions(Long gracePeriodSeconds, String propagation, String uid, String resourceVersion) {

    public static DeleteOptions of(ApiRequest request) {
        JsonNode body = Json.object();
        if (request.body() != null && request.body().length > 0) {
            try {
                body = Json.parse(request.body());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("the DeleteOptions body could not be decoded: " + e.getMessage());
            }
        }
        Long grace = null;
        String g = request.param("gracePeriodSeconds");
        if (g != null && !g.isEmpty()) {
            try {
                grace = Long.parseLong(g);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid gracePeriodSeconds \"" + g + "\"");
            }
        } else if (body.hasNonNull("gracePeriodSeconds")) {
            grace = body.path("gracePeriodSeconds").asLong();
        }
        String policy = request.param("propagationPolicy");
        if (policy == null || policy.isEmpty()) {
            policy = body.path("propagationPolicy").asText("");
        }
        String orphan = request.param("orphanDependents");
        if (policy.isEmpty() && (orphan != null || body.has("orphanDependents"))) {
            boolean o = orphan != null ? Boolean.parseBoolean(orphan) : body.path("orphanDependents").asBoolean();
            policy = o ? "Orphan" : "Background";
        }
        if (!policy.isEmpty() && !policy.equals("Orphan") && !policy.equals("Background") && !policy.equals("Foreground")) {
            throw ApiException.badRequest("propagationPolicy: Unsupported value: \"" + policy
                    + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        }
        JsonNode pre = body.path("preconditions");
        if (grace != null && grace < 0) {
            grace = 0L;
        }
        return new DeleteOptions(grace, policy, pre.path("uid").asText(""), pre.path("resourceVersion").asText(""));
    }
}
