package dev.keelson.linux;

/** The object already exists (EEXIST). */
public final class AlreadyExistsException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    AlreadyExistsException(String call, String object, int errno, String detail, String hint) {
        super(call, object, errno, detail, hint);
    }
}
