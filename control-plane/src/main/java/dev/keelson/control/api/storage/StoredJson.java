package dev.keelson.control.api.storage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.keelson.control.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Puts {@code metadata.resourceVersion} into an object's stored JSON without building a tree: the
 * stored form is compact JSON that lacks only that field, so the field is spliced in before the
 * closing brace of the top-level {@code metadata} — the same bytes, in the same order, that
 * decoding, setting the field and encoding again would give. A LIST of thousands of objects then
 * costs a scan of each, not a parse and a serialisation.
 */
final class StoredJson {
    private StoredJson() {
    }

    /** {@code json} with {@code "resourceVersion":"revision"} as the last field of its metadata; null when its shape is unexpected. */
    static byte[] withResourceVersion(byte[] json, long revision) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean metadata = p.currentName().equals("metadata");
                JsonToken value = p.nextToken();
                if (!metadata) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_OBJECT) {
                    return null;
                }
                return splice(p, json, revision);
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] splice(JsonParser p, byte[] json, long revision) throws IOException {
        boolean empty = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            if (p.currentName().equals("resourceVersion")) {
                return null;
            }
            empty = false;
            p.nextToken();
            p.skipChildren();
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            return null;
        }
        int at = (int) p.currentTokenLocation().getByteOffset();
        if (at < 0 || at >= json.length || json[at] != '}') {
            return null;
        }
        byte[] field = ((empty ? "" : ",") + "\"resourceVersion\":\"" + revision + "\"").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[json.length + field.length];
        System.arraycopy(json, 0, out, 0, at);
        System.arraycopy(field, 0, out, at, field.length);
        System.arraycopy(json, at, out, at + field.length, json.length - at);
        return out;
    }
}
