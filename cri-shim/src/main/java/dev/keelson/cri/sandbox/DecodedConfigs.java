package dev.keelson.cri.sandbox;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The decoded protobuf configs of sandbox and container records, kept per object id next to the
 * base64 text they came from. Lists and label filters read every record's config on every call
 * (the node agent's relists and per-pod lookups), so decoding each time made them O(records²)
 * per sync round. An entry is used only while its text is the record's current one; the map is
 * cleared when it grows past {@value #MAX} entries (removed objects are not tracked).
 *
 * @param <T> the config message type
 */
public final class DecodedConfigs<T> {
    private static final int MAX = 4096;

    /** Parses the bytes of one stored config. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    private record Entry<T>(String text, T value) {
    }

    private final Map<String, Entry<T>> byId = new ConcurrentHashMap<>();
    private final Parser<T> parser;
    private final String kind;

    public DecodedConfigs(String kind, Parser<T> parser) {
        this.kind = kind;
        this.parser = parser;
    }

    /** The config stored as {@code text} (base64 protobuf) for object {@code id}. */
    public T get(String id, String text) {
        Entry<T> e = byId.get(id);
        if (e != null && e.text().equals(text)) {
            return e.value();
        }
        T value;
        try {
            value = parser.parse(Base64.getDecoder().decode(text));
        } catch (InvalidProtocolBufferException e1) {
            throw new IllegalStateException(kind + " " + id + ": corrupt stored config: " + e1.getMessage(), e1);
        }
        if (byId.size() >= MAX) {
            byId.clear();
        }
        byId.put(id, new Entry<>(text, value));
        return value;
    }
}
