package dev.keelson.cni.ipam.hostlocal;

/**
 * A host-local failure that becomes a CNI error: {@link #code()} is the spec's error code and the
 * message names the problem (the reference's wording where it has one).
 */
public final class IpamException extends Exception {
    /** Spec code 5: an I/O failure, e.g. the data directory cannot be written. */
    public static final int IO_FAILURE = 5;
    /** Spec code 6: the configuration is not valid JSON or a field has the wrong type. */
    public static final int DECODE = 6;
    /** Spec code 7: the network configuration is invalid (ranges, addresses, routes). */
    public static final int INVALID_CONFIG = 7;
    /**
     * Code 999 (the reference's catch-all, also used by it for every host-local error): allocation
     * failures such as an exhausted range or a requested address that is taken.
     */
    public static final int ALLOCATION_FAILED = 999;

    private final int code;

    /** An error with the given spec code and message. */
    public IpamException(int code, String message) {
        super(message);
        this.code = code;
    }

    /** An error with the given spec code and message, caused by {@code cause}. */
    public IpamException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The CNI error code. */
    public int code() {
        return code;
    }
}
