package dev.keelson.control.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The API server answered with an error {@code Status}. {@link #code()} is the HTTP status and
 * {@link #reason()} the Status reason (NotFound, AlreadyExists, Conflict, Invalid, …).
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final String reason;

    public ApiException(int code, String reason, String message) {
        super(message);
        this.code = code;
        this.reason = reason;
    }

    static ApiException of(int code, JsonNode status, String fallback) {
        if (status != null && "Status".equals(status.path("kind").asText())) {
            return new ApiException(code, status.path("reason").asText(""), status.path("message").asText(fallback));
        }
        return new ApiException(code, "", fallback);
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public boolean notFound() {
        return code == 404;
    }

    public boolean conflict() {
        return code == 409;
    }

    public boolean alreadyExists() {
        return code == 409 && "AlreadyExists".equals(reason);
    }

    public boolean gone() {
        return code == 410;
    }
}
