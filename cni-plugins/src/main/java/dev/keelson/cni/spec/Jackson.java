package dev.keelson.cni.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson mapper of the spec layer: strict JSON in, plugin-specific fields tolerated. */
final class Jackson {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private Jackson() {
    }

    /**
     * Parses {@code bytes}; failures become code 6 with {@code prefix} and a short reason. Empty
     * input reads "unexpected end of JSON input", as Go's decoder says.
     */
    static JsonNode parse(byte[] bytes, String prefix) {
        if (bytes == null || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new CniException(CniException.DECODING_FAILURE, prefix + "unexpected end of JSON input");
        }
        try {
            JsonNode n = MAPPER.readTree(bytes);
            if (n == null || n.isMissingNode()) {
                throw new CniException(CniException.DECODING_FAILURE, prefix + "unexpected end of JSON input");
            }
            return n;
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage();
            if (reason != null && (reason.startsWith("Unexpected end-of-input") || reason.contains("end-of-input"))) {
                reason = "unexpected end of JSON input";
            }
            throw new CniException(CniException.DECODING_FAILURE, prefix + firstLine(reason), "", e);
        } catch (java.io.IOException e) {
            throw new CniException(CniException.IO_FAILURE, prefix + e.getMessage(), "", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid JSON";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
