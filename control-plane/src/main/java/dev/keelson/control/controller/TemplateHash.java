package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code pod-template-hash} label value of a pod template: FNV-1a (32 bit) over the template's
 * canonical JSON (sorted keys) plus a collision count, written with the consonant-and-digit
 * alphabet Kubernetes uses so the value never spells words and is a valid label value.
 */
public final class TemplateHash {
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private TemplateHash() {}

    public static String of(JsonNode template, int collisionCount) {
        byte[] bytes;
        try {
            bytes = CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(semantic(template), Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int h = 0x811c9dc5;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        for (int i = 0; i < 4 && collisionCount > 0; i++) {
            h ^= (collisionCount >>> (8 * i)) & 0xff;
            h *= 0x01000193;
        }
        // Kubernetes writes the hash's decimal digits through rand.SafeEncodeString (each byte
        // indexes the alphabet modulo its length), so the label is up to ten of "456789bcdf".
        String decimal = Long.toString(Integer.toUnsignedLong(h));
        StringBuilder sb = new StringBuilder(decimal.length());
        for (int i = 0; i < decimal.length(); i++) {
            sb.append(ALPHABET.charAt(decimal.charAt(i) % ALPHABET.length()));
        }
        return sb.toString();
    }

    /**
     * {@code template} as Kubernetes compares it: a field that is JSON null is the Go zero value,
     * the same as an absent field. Clients send such nulls (kubectl rollout undo copies a
     * ReplicaSet's template with {@code creationTimestamp: null}), and without this the undone
     * template would not match its old ReplicaSet (apimachinery's {@code Semantic.DeepEqual}).
     */
    public static JsonNode semantic(JsonNode template) {
        if (template instanceof ObjectNode o) {
            ObjectNode out = o.objectNode();
            o.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    out.set(e.getKey(), semantic(e.getValue()));
                }
            });
            return out;
        }
        if (template instanceof ArrayNode a) {
            ArrayNode out = a.arrayNode();
            a.forEach(v -> out.add(semantic(v)));
            return out;
        }
        return template;
    }
}
