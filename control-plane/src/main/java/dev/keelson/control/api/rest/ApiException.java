package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.schema.Schemas.FieldError;
import java.util.List;

/**
 * A request failed in a way the client is told about with a Kubernetes {@code Status} object: the
 * HTTP code, a machine-readable reason and a message worded as Kubernetes words it (clients and
 * people match on those words).
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final String reason;
    private final transient ObjectNode details;

    public ApiException(int code, String reason, String message, ObjectNode details) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.details = details;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** The {@code Status} object for the response body. */
    public ObjectNode status() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure").put("message", getMessage()).put("reason", reason);
        if (details != null && !details.isEmpty()) {
            s.set("details", details);
        }
        s.put("code", code);
        return s;
    }

    private static ObjectNode details(ResourceType type, String name) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        if (name != null && !name.isEmpty()) {
            d.put("name", name);
        }
        if (type != null) {
            if (!type.group().isEmpty()) {
                d.put("group", type.group());
            }
            d.put("kind", type.resource());
        }
        return d;
    }

    public static ApiException notFound(ResourceType type, String name) {
        return new ApiException(404, "NotFound", type.groupResource() + " \"" + name + "\" not found",
                details(type, name));
    }

    /** A 404 for a path that names no served resource. */
    public static ApiException notFoundPath() {
        return new ApiException(404, "NotFound", "the server could not find the requested resource", null);
    }

    public static ApiException alreadyExists(ResourceType type, String name) {
        return new ApiException(409, "AlreadyExists", type.groupResource() + " \"" + name + "\" already exists",
                details(type, name));
    }

    /** The optimistic-concurrency conflict, in Kubernetes' exact words. */
    public static ApiException conflict(ResourceType type, String name) {
        return conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");
    }

    public static ApiException conflict(ResourceType type, String name, String why) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + type.groupResource() + " \""
                + name + "\": " + why, details(type, name));
    }

    /** 422 with one cause per field error; the message lists them like Kubernetes' aggregate. */
    public static ApiException invalid(ResourceType type, String name, List<FieldError> errors) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("name", name == null ? "" : name);
        if (!type.group().isEmpty()) {
            d.put("group", type.group());
        }
        d.put("kind", type.kind());
        var causes = d.putArray("causes");
        List<String> parts = errors.stream().map(e -> e.field() + ": " + e.message()).toList();
        for (FieldError e : errors) {
            causes.addObject().put("reason", e.type()).put("message", e.message()).put("field", e.field());
        }
        String list = parts.size() == 1 ? parts.getFirst() : "[" + String.join(", ", parts) + "]";
        return new ApiException(422, "Invalid", type.groupKind() + " \"" + (name == null ? "" : name)
                + "\" is invalid: " + list, d);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message, null);
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(405, "MethodNotAllowed", message, null);
    }

    public static ApiException expired(String message) {
        return new ApiException(410, "Expired", message, null);
    }

    public static ApiException unsupportedMediaType(String contentType) {
        return new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                + "accepted media types include: application/json, application/yaml, "
                + "application/vnd.kubernetes.protobuf (got " + contentType + ")", null);
    }

    public static ApiException notAcceptable(String accept) {
        return new ApiException(406, "NotAcceptable", "only the following media types are accepted: "
                + "application/json, application/yaml (asked for " + accept + ")", null);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "Unauthorized", "Unauthorized", null);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "Forbidden", message, null);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "ServiceUnavailable", message, null);
    }

    public static ApiException timeout(String message) {
        return new ApiException(504, "Timeout", message, null);
    }

    public static ApiException internal(String message) {
        return new ApiException(500, "InternalError", "Internal error occurred: " + message, null);
    }
}
