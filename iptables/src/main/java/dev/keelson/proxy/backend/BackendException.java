package dev.keelson.proxy.backend;

/**
 * A backend could not apply a change. The kernel applied nothing of it (nft transactions and
 * iptables-restore COMMITs are atomic), so the previous rules still forward traffic; the backend
 * now requires a full sync.
 */
public final class BackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean partlyApplied;

    /** A failure with a message naming the backend and operation, and the underlying cause. */
    public BackendException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param partlyApplied the kernel took part of the change (a first transaction committed, a
     *                      follow-up failed), so the previous rules are not intact either
     */
    public BackendException(String message, Throwable cause, boolean partlyApplied) {
        super(message, cause);
        this.partlyApplied = partlyApplied;
    }

    /** A failure with a message naming the backend and operation. */
    public BackendException(String message) {
        super(message);
        this.partlyApplied = false;
    }

    /** Whether the kernel holds part of the change: neither the previous rules nor the new ones. */
    public boolean partlyApplied() {
        return partlyApplied;
    }
}
