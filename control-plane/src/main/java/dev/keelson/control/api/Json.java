package dev.keelson.control.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The JSON and YAML mappers the API server shares (thread-safe once configured). */
public final class Json {
    private Json() {}

    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a JSON object; anything else (or malformed JSON) is an {@link IllegalArgumentException}. */
    public static ObjectNode parseObject(byte[] data) {
        JsonNode n = parse(data);
        if (!(n instanceof ObjectNode o)) {
            throw new IllegalArgumentException("expected a JSON object, got " + n.getNodeType());
        }
        return o;
    }

    public static JsonNode parse(byte[] data) {
        try {
            JsonNode n = MAPPER.readTree(data);
            if (n == null || n.isMissingNode()) {
                throw new IllegalArgumentException("empty body");
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException(clean(e), e);
        }
    }

    private static String clean(IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    public static JsonNode parseYaml(byte[] data) {
        try {
            JsonNode n = YAML.readTree(data);
            if (n == null || n.isMissingNode()) {
                throw new IllegalArgumentException("empty body");
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException(clean(e), e);
        }
    }

    /** The text at a dotted path ({@code spec.nodeName}), or null if absent or not a value. */
    public static String text(JsonNode root, String dottedPath) {
        JsonNode n = root;
        for (String part : dottedPath.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }
}
