package dev.keelson.linux.nft;

/**
 * nftables cannot be used here: libnftables is not installed, or the kernel has no nf_tables
 * support. Callers that have another backend (iptables) catch this one and fall back.
 */
public final class NftablesUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An unavailability with a message saying what is missing. */
    public NftablesUnavailableException(String message) {
        super(message);
    }
}
