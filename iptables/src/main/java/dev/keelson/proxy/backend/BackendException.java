package dev.keelson.proxy.backend;

/**
 * A backend could not apply a change. The kernel applied nothing of it (nft transactions and
 * iptables-restore COMMITs are atomic), so the previous rules still forward traffic; the backend
 * now requires a full sync.
 */
public final class BackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure with a message naming the backend and operation, and the underlying cause. */
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failure with a message naming the backend and operation. */
    public BackendException(String message) {
        super(message);
    }
}
