package dev.keelson.linux;

/** The object does not exist (ENOENT, ENODEV, ESRCH, ENXIO). */
public final class NotFoundException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    NotFoundException(String call, String object, int errno, String detail, String hint) {
        super(call, object, errno, detail, hint);
    }
}
