package dev.keelson.cri.image.store;

import java.util.List;

/**
 * What the runtime knows about one image, keyed by its id (the config digest, as CRI's image id
 * is). Several names may point at one image; pulling a tag moves it here from whichever image had
 * it before.
 *
 * @param id the config digest, {@code sha256:...}
 * @param manifestDigest digest of the platform manifest
 * @param repoTags {@code name:tag} entries, e.g. {@code registry.k8s.io/pause:3.9}
 * @param repoDigests {@code name@sha256:...} entries (the digest that was pulled: index or manifest)
 * @param size bytes of the manifest, config and compressed layers
 * @param user the config's {@code User} (may be empty)
 * @param chainIds snapshot keys of the layers, bottom first; the last one is the image's rootfs
 * @param blobs every blob this image holds in the content store (index, manifest, config, layers)
 */
public record ImageRecord(String id, String manifestDigest, List<String> repoTags, List<String> repoDigests,
        long size, String user, List<String> chainIds, List<String> blobs) {
    public ImageRecord {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
        chainIds = List.copyOf(chainIds);
        blobs = List.copyOf(blobs);
    }

    /** This record with other names. */
    public ImageRecord withNames(List<String> tags, List<String> digests) {
        return new ImageRecord(id, manifestDigest, tags, digests, size, user, chainIds, blobs);
    }
}
