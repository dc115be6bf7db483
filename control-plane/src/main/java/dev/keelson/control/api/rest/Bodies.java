package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.schema.Schemas;

/** Decodes request bodies by Content-Type (JSON, YAML, Kubernetes protobuf) and checks their kind. */
public final class Bodies {
    private Bodies() {}

    /** The body as an object; 415 for unknown media types, 400 for malformed bodies. */
    public static ObjectNode object(ApiRequest request) {
        if (request.body() == null || request.body().length == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        String type = request.contentType();
        try {
            JsonNode node = switch (type) {
                case "", "application/json" -> Json.parse(request.body());
                case "application/yaml", "application/x-yaml", "text/yaml" -> Json.parseYaml(request.body());
                case "application/vnd.kubernetes.protobuf" -> protobuf(request.body());
                default -> throw ApiException.unsupportedMediaType(type);
            };
            if (!(node instanceof ObjectNode o)) {
                throw ApiException.badRequest("the request body must be an object, not " + node.getNodeType());
            }
            return o;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("the body of the request could not be decoded: " + e.getMessage());
        }
    }

    /**
     * A protobuf body through the schema package. A body it cannot decode is answered 415, not 400:
     * client-go then retries the request as JSON (its fallback for servers without protobuf).
     */
    private static JsonNode protobuf(byte[] body) {
        try {
            return Schemas.decodeProtobuf(body);
        } catch (IllegalArgumentException e) {
            throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                    + "accepted media types include: application/json, application/yaml (protobuf: " + e.getMessage()
                    + ")", null);
        }
    }

    /**
     * Checks (and fills in when absent) the body's apiVersion and kind against the resource
     * expected at the URL: 400 when they name another kind.
     */
    public static void expectKind(ObjectNode body, String apiVersion, String kind) {
        String v = body.path("apiVersion").asText("");
        String k = body.path("kind").asText("");
        if ((!v.isEmpty() && !v.equals(apiVersion)) || (!k.isEmpty() && !k.equals(kind))) {
            throw ApiException.badRequest("the API version in the data (" + (v.isEmpty() ? "?" : v) + ") and kind ("
                    + (k.isEmpty() ? "?" : k) + ") do not match the expected " + apiVersion + ", Kind=" + kind);
        }
        body.put("apiVersion", apiVersion);
        body.put("kind", kind);
        if (body.has("metadata") && !body.get("metadata").isObject()) {
            throw ApiException.badRequest("metadata must be an object");
        }
    }

    /** {@link #expectKind} for a resource's own kind. */
    public static void expectKind(ObjectNode body, ResourceType type) {
        // apiVersion/kind go first in what we store, as Kubernetes serialises them.
        expectKind(body, type.apiVersion(), type.kind());
        ObjectNode ordered = Json.object();
        ordered.put("apiVersion", type.apiVersion()).put("kind", type.kind());
        ordered.setAll(body);
        body.removeAll();
        body.setAll(ordered);
    }
}
