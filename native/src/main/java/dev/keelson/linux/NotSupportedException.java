package dev.keelson.linux;

/** The kernel does not support the operation or object kind (EOPNOTSUPP, EAFNOSUPPORT, EPROTONOSUPPORT, ENOSYS). */
public final class NotSupportedException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    NotSupportedException(String call, String object, int errno, String detail, String hint) {
        super(call, object, errno, detail, hint);
    }
}
