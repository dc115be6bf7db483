package dev.keelson.cri.image.registry;

import dev.keelson.cri.image.Digest;
import java.net.URI;

/**
 * A manifest (or index) as fetched: its bytes, media type, verified digest and the endpoint that
 * served it.
 */
public record Fetched(byte[] bytes, String mediaType, Digest digest, URI endpoint) {
}
