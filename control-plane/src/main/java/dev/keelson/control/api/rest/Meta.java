package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.schema.Schemas.FieldError;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Object metadata rules: names, generated names, timestamps, uids. */
public final class Meta {
    private Meta() {}

    private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
    private static final Pattern DNS_LABEL = Pattern.compile(LABEL);
    private static final Pattern RFC1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    /** Kubernetes' generateName alphabet: no vowels (no words), no confusable 0/1/3. */
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public static ObjectNode metadata(ObjectNode object) {
        return object.withObjectProperty("metadata");
    }

    public static String name(JsonNode object) {
        return object.path("metadata").path("name").asText("");
    }

    public static String namespace(JsonNode object) {
        return object.path("metadata").path("namespace").asText("");
    }

    /** An RFC 3339 timestamp with second precision, as Kubernetes writes them. */
    public static String timestamp(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    public static String uid() {
        return UUID.randomUUID().toString();
    }

    /** {@code prefix} plus five random characters, as Kubernetes' name generator. */
    public static String generateName(String prefix) {
        String base = prefix.length() > 58 ? prefix.substring(0, 58) : prefix;
        StringBuilder sb = new StringBuilder(base);
        for (int i = 0; i < 5; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Validation errors of an object name for this kind (RFC 1123 subdomain, or label for some kinds). */
    public static List<FieldError> validateName(ResourceType type, String name) {
        List<FieldError> errors = new ArrayList<>();
        if (name == null || name.isEmpty()) {
            errors.add(new FieldError("FieldValueRequired", "metadata.name", "Required value: name or generateName is required"));
            return errors;
        }
        boolean labelOnly = type.group().isEmpty() && type.resource().equals("namespaces");
        boolean rfc1035 = type.group().isEmpty() && type.resource().equals("services");
        String shown = "Invalid value: \"" + name + "\": ";
        if (rfc1035) {
            if (name.length() > 63 || !RFC1035.matcher(name).matches()) {
                errors.add(new FieldError("FieldValueInvalid", "metadata.name", shown + "a DNS-1035 label must consist of "
                        + "lower case alphanumeric characters or '-', start with an alphabetic character, and end with "
                        + "an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
                        + "'[a-z]([-a-z0-9]*[a-z0-9])?')"));
            }
        } else if (labelOnly) {
            if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
                errors.add(new FieldError("FieldValueInvalid", "metadata.name", shown + "a lowercase RFC 1123 label must "
                        + "consist of lower case alphanumeric characters or '-', and must start and end with an "
                        + "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '"
                        + LABEL + "')"));
            }
        } else if (name.length() > 253 || !SUBDOMAIN.matcher(name).matches()) {
            errors.add(new FieldError("FieldValueInvalid", "metadata.name", shown + "a lowercase RFC 1123 subdomain must "
                    + "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
                    + "alphanumeric character (e.g. 'example.com', regex used for validation is '" + LABEL + "(\\."
                    + LABEL + ")*')"));
        }
        return errors;
    }

    /** Whether the object carries a deletion timestamp (it is being deleted). */
    public static boolean deleting(JsonNode object) {
        JsonNode t = object.path("metadata").get("deletionTimestamp");
        return t != null && !t.isNull();
    }

    public static boolean hasFinalizers(JsonNode object) {
        JsonNode f = object.path("metadata").get("finalizers");
        return f != null && f.isArray() && !f.isEmpty();
    }
}
