package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
            bytes = CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(template, Object.class));
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
        long v = Integer.toUnsignedLong(h);
        StringBuilder sb = new StringBuilder();
        do {
            sb.append(ALPHABET.charAt((int) (v % ALPHABET.length())));
            v /= ALPHABET.length();
        } while (v > 0);
        return sb.toString();
    }
}
