package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import java.util.Base64;

/**
 * The opaque {@code continue} token of a paged list: the revision the first page was read at (so
 * every page shows the same snapshot) and the last key returned, relative to the list's prefix.
 * Base64url JSON, like Kubernetes' own tokens.
 */
record ContinueToken(long revision, String startAfter) {

    String encode() {
        ObjectNode o = Json.object().put("v", "meta.k8s.io/v1").put("rv", revision).put("start", startAfter);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(o));
    }

    static ContinueToken decode(String token) {
        try {
            ObjectNode o = Json.parseObject(Base64.getUrlDecoder().decode(token));
            if (!o.path("v").asText().equals("meta.k8s.io/v1") || !o.path("rv").canConvertToLong()
                    || o.path("rv").asLong() <= 0 || !o.path("start").isTextual()) {
                throw new IllegalArgumentException("unknown token shape");
            }
            String start = o.path("start").asText();
            if (start.contains("..") || start.startsWith("/")) {
                throw new IllegalArgumentException("bad start key");
            }
            return new ContinueToken(o.path("rv").asLong(), start);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
        }
    }
}
