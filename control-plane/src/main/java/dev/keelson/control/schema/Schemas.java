package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The built-in kinds' schemas and what derives from them: defaulting, validation, the OpenAPI
 * documents, and decoding of protobuf request bodies.
 *
 * <p>Everything comes from one compact schema file generated from Kubernetes 1.33's published
 * API description ({@code kinds.schema}); it is loaded once and every lookup after that is a map
 * read. All methods are thread-safe.
 */
public final class Schemas {
    private Schemas() {}

    /**
     * A field-level validation failure, in the terms of Kubernetes' {@code StatusCause}.
     *
     * @param type the cause reason, e.g. {@code FieldValueRequired}, {@code FieldValueInvalid}
     * @param field a path like {@code spec.containers[0].image}
     * @param message the error body without the field, e.g. {@code Required value} or
     *     {@code Invalid value: "Foo": a lowercase RFC 1123 ...}
     */
    public record FieldError(String type, String field, String message) {
        /** The form Kubernetes prints: {@code spec.containers[0].image: Required value}. */
        public String describe() {
            return field + ": " + message;
        }
    }

    /** The schema of a kind, e.g. ("apps/v1", "Deployment"); {@link TypeSchema#ANY} if unknown. */
    public static TypeSchema of(String apiVersion, String kind) {
        Catalog catalog = Catalog.get();
        TypeDef d = catalog.kind(apiVersion, kind);
        return d == null ? TypeSchema.ANY : catalog.schema(d.name());
    }

    /** Whether the kind is one of the built-in kinds this package describes. */
    public static boolean isKnown(String apiVersion, String kind) {
        return Catalog.get().kind(apiVersion, kind) != null;
    }

    /** Fills in the Kubernetes defaults for a kind in place (e.g. a Deployment's strategy). */
    public static void applyDefaults(String apiVersion, String kind, ObjectNode object) {
        Defaulting.apply(apiVersion, kind, object);
    }

    /** Validates a (defaulted) object of a kind; empty when valid. */
    public static List<FieldError> validate(String apiVersion, String kind, ObjectNode object) {
        return Validation.validate(apiVersion, kind, object);
    }

    /**
     * The fields of {@code object} its kind's schema does not declare, as paths with a leading dot
     * ({@code .spec.foo}, {@code .spec.template.spec.containers[0].bogus}) in document order.
     * Kubernetes' strict field validation ({@code fieldValidation=Strict}, which kubectl 1.27+
     * requests by default) rejects such objects with {@code strict decoding error: unknown field
     * "spec.foo"} — the same path without the leading dot. Empty for unknown kinds.
     */
    public static List<String> unknownFields(String apiVersion, String kind, ObjectNode object) {
        TypeDef d = Catalog.get().kind(apiVersion, kind);
        return d == null ? List.of() : UnknownFields.find(Catalog.get(), d, object);
    }

    /** The {@code /openapi/v2} document (Swagger 2.0) for every built-in kind (a fresh copy). */
    public static ObjectNode openApiV2() {
        return OpenApiDocuments.get().v2.deepCopy();
    }

    /**
     * The {@code /openapi/v2} document encoded as gnostic {@code openapi.v2.Document} protobuf,
     * served for {@code Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf} —
     * the only form kubectl requests (a fresh copy).
     */
    public static byte[] openApiV2Protobuf() {
        return OpenApiDocuments.get().v2Protobuf.clone();
    }

    /** The {@code /openapi/v2} document as JSON bytes (a fresh copy). */
    public static byte[] openApiV2Json() {
        return OpenApiDocuments.get().v2Json.clone();
    }

    /**
     * The {@code /openapi/v3} document of one group version, e.g. "api/v1" or "apis/apps/v1"
     * (a leading slash is accepted; a {@code ?hash=} query is not part of the path).
     *
     * @throws IllegalArgumentException if the group version is not one this server describes
     */
    public static ObjectNode openApiV3(String groupVersionPath) {
        return OpenApiDocuments.get().v3.get(v3Key(groupVersionPath)).deepCopy();
    }

    /** {@link #openApiV3(String)} as JSON bytes, the exact content its index hash covers. */
    public static byte[] openApiV3Json(String groupVersionPath) {
        byte[] doc = OpenApiDocuments.get().v3Json.get(v3Key(groupVersionPath));
        if (doc == null) {
            throw new IllegalArgumentException("no OpenAPI v3 document for \"" + groupVersionPath + "\"");
        }
        return doc.clone();
    }

    /**
     * The {@code /openapi/v3} index: {@code {"paths": {"api/v1": {"serverRelativeURL":
     * "/openapi/v3/api/v1?hash=…"}, …}}}, the hash being the upper-case hex SHA-512 of the
     * document's JSON bytes.
     */
    public static ObjectNode openApiV3Index() {
        return OpenApiDocuments.get().v3Index.deepCopy();
    }

    private static String v3Key(String groupVersionPath) {
        String p = groupVersionPath.startsWith("/") ? groupVersionPath.substring(1) : groupVersionPath;
        if (p.startsWith("openapi/v3/")) {
            p = p.substring("openapi/v3/".length());
        }
        if (!OpenApiDocuments.get().v3.containsKey(p)) {
            throw new IllegalArgumentException("no OpenAPI v3 document for group version \"" + groupVersionPath + "\"");
        }
        return p;
    }

    /**
     * Decodes a Kubernetes protobuf body ({@code application/vnd.kubernetes.protobuf}: the
     * {@code k8s\0} magic and a runtime.Unknown envelope) into the JSON form of the object.
     *
     * @throws IllegalArgumentException if the body is malformed or its kind is not supported
     */
    public static ObjectNode decodeProtobuf(byte[] body) {
        return ProtobufBodies.decode(Catalog.get(), body);
    }
}
