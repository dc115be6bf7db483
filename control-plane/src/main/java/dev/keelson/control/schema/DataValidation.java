package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** Validation of ConfigMaps and Secrets, worded like Kubernetes' {@code ValidateConfigMap} / {@code ValidateSecret}. */
final class DataValidation {
    static final long MAX_BYTES = 1024 * 1024;

    private DataValidation() {}

    static void configMap(JsonNode cm, FieldErrors errs) {
        long size = 0;
        for (Map.Entry<String, JsonNode> e : cm.path("data").properties()) {
            errs.invalidEach("data[" + e.getKey() + "]", e.getKey(), NameRules.configMapKey(e.getKey()));
            if (cm.path("binaryData").has(e.getKey())) {
                errs.invalid("data[" + e.getKey() + "]", e.getKey(), "duplicate of key present in binaryData");
            }
            size += e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
        }
        for (Map.Entry<String, JsonNode> e : cm.path("binaryData").properties()) {
            errs.invalidEach("binaryData[" + e.getKey() + "]", e.getKey(), NameRules.configMapKey(e.getKey()));
            size += decodedLength(e.getValue().asText());
        }
        if (size > MAX_BYTES) {
            errs.tooLong("", MAX_BYTES);
        }
    }

    static void secret(JsonNode secret, FieldErrors errs) {
        long size = 0;
        for (Map.Entry<String, JsonNode> e : secret.path("data").properties()) {
            errs.invalidEach("data[" + e.getKey() + "]", e.getKey(), NameRules.configMapKey(e.getKey()));
            size += decodedLength(e.getValue().asText());
        }
        for (Map.Entry<String, JsonNode> e : secret.path("stringData").properties()) {
            errs.invalidEach("stringData[" + e.getKey() + "]", e.getKey(), NameRules.configMapKey(e.getKey()));
            size += e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > MAX_BYTES) {
            errs.tooLong("data", MAX_BYTES);
        }
        if (secret.path("type").asText("").equals("kubernetes.io/dockerconfigjson")
                && !secret.path("data").has(".dockerconfigjson")) {
            errs.required("data[.dockerconfigjson]", null);
        }
    }

    private static long decodedLength(String base64) {
        try {
            return Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }
}
