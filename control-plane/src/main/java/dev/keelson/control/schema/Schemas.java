package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The built-in kinds' schemas and what derives from them: defaulting, validation, the OpenAPI
 * documents, and decoding of protobuf request bodies. (Contract fixed here; the implementation
 * lands with the schema package.)
 */
public final class Schemas {
    private Schemas() {}

    /** A field-level validation failure; {@code field} is a path like {@code spec.containers[0].image}. */
    public record FieldError(String type, String field, String message) {}

    /** The schema of a kind, e.g. ("apps/v1", "Deployment"); {@link TypeSchema#ANY} if unknown. */
    public static TypeSchema of(String apiVersion, String kind) {
        return TypeSchema.ANY;
    }

    /** Fills in the Kubernetes defaults for a kind in place (e.g. a Deployment's strategy). */
    public static void applyDefaults(String apiVersion, String kind, ObjectNode object) {}

    /** Validates a (defaulted) object of a kind; empty when valid. */
    public static List<FieldError> validate(String apiVersion, String kind, ObjectNode object) {
        return List.of();
    }

    /** The {@code /openapi/v2} document (Swagger 2.0) for every built-in kind. */
    public static ObjectNode openApiV2() {
        throw new UnsupportedOperationException("openapi v2: not implemented yet");
    }

    /** The {@code /openapi/v3} document of one group version, e.g. "api/v1" or "apis/apps/v1". */
    public static ObjectNode openApiV3(String groupVersionPath) {
        throw new UnsupportedOperationException("openapi v3: not implemented yet");
    }

    /**
     * Decodes a Kubernetes protobuf body ({@code application/vnd.kubernetes.protobuf}: the
     * {@code k8s\0} magic and a runtime.Unknown envelope) into the JSON form of the object.
     *
     * @throws IllegalArgumentException if the body is malformed or its kind is not supported
     */
    public static ObjectNode decodeProtobuf(byte[] body) {
        throw new IllegalArgumentException("protobuf bodies: not implemented yet");
    }
}
