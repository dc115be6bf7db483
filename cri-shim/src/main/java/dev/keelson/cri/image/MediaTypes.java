package dev.keelson.cri.image;

import java.util.List;

/** Media types from the OCI image spec and Docker's image manifest v2 schema 2. */
public final class MediaTypes {
    /** OCI image manifest. */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    /** OCI image index. */
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    /** OCI image config. */
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    /** OCI layer, uncompressed tar. */
    public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    /** OCI layer, gzip. */
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    /** OCI layer, zstd. */
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    /** OCI non-distributable layer, uncompressed (deprecated but still seen). */
    public static final String OCI_ND_LAYER_TAR = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    /** OCI non-distributable layer, gzip. */
    public static final String OCI_ND_LAYER_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    /** Docker schema 2 manifest. */
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** Docker manifest list. */
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** Docker image config. */
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    /** Docker layer, gzip. */
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /** Docker foreign layer (Windows base layers). */
    public static final String DOCKER_FOREIGN_LAYER = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /** What the client accepts for a manifest request, in preference order. */
    public static final List<String> MANIFEST_ACCEPT = List.of(OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

    private MediaTypes() {
    }

    /** Whether {@code t} is an index or manifest list (the entry to pick a platform from). */
    public static boolean isIndex(String t) {
        return OCI_INDEX.equals(t) || DOCKER_MANIFEST_LIST.equals(t);
    }

    /** Whether {@code t} is a single-platform image manifest. */
    public static boolean isManifest(String t) {
        return OCI_MANIFEST.equals(t) || DOCKER_MANIFEST.equals(t);
    }

    /** How a layer of media type {@code t} is compressed, or null when the type is not a layer we unpack. */
    public static Compression layerCompression(String t) {
        if (t == null) {
            return null;
        }
        return switch (t) {
            case OCI_LAYER_TAR, OCI_ND_LAYER_TAR -> Compression.NONE;
            case OCI_LAYER_GZIP, OCI_ND_LAYER_GZIP, DOCKER_LAYER_GZIP, DOCKER_FOREIGN_LAYER -> Compression.GZIP;
            case OCI_LAYER_ZSTD -> Compression.ZSTD;
            default -> null;
        };
    }

    /** Layer compressions. */
    public enum Compression { NONE, GZIP, ZSTD }
}
