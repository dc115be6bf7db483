package dev.keelson.cri.image;

/**
 * An image operation failed. The message names the image reference (or digest) and the problem;
 * the subtypes are the conditions callers branch on (CRI maps them to gRPC codes).
 */
public class ImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public ImageException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The registry, store or archive has no such image, manifest or blob. */
    public static final class NotFound extends ImageException {
        private static final long serialVersionUID = 1L;

        /** {@code message} names what was missing. */
        public NotFound(String message) {
            super(message);
        }
    }

    /** The registry refused the credentials or the token (HTTP 401/403). */
    public static final class Unauthorized extends ImageException {
        private static final long serialVersionUID = 1L;

        /** {@code message} names the reference and the registry. */
        public Unauthorized(String message) {
            super(message);
        }
    }

    /** Content did not hash to the digest it was fetched or imported by. */
    public static final class DigestMismatch extends ImageException {
        private static final long serialVersionUID = 1L;

        /** {@code message} names both digests. */
        public DigestMismatch(String message) {
            super(message);
        }
    }

    /** A manifest, config or layer media type this runtime does not handle. */
    public static final class UnsupportedMediaType extends ImageException {
        private static final long serialVersionUID = 1L;

        /** {@code message} names the media type and the reference. */
        public UnsupportedMediaType(String message) {
            super(message);
        }
    }
}
