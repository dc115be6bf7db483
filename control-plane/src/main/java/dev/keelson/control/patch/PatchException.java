package dev.keelson.control.patch;

/** A patch could not be applied: malformed, or it does not fit the object (HTTP 422 / 400). */
public class PatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PatchException(String message) {
        super(message);
    }
}
