package dev.keelson.cri.container;

/** A sandbox, container or image named in a request does not exist (gRPC NOT_FOUND). */
public final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
