package dev.keelson.proxy.backend;

/**
 * What one apply sent to the kernel.
 *
 * @param kind    {@code full} or {@code incremental}
 * @param script  the text sent (nft commands or iptables-restore input; empty when nothing changed)
 * @param nanos   wall time of the apply, including the kernel's work
 */
public record Applied(String kind, String script, long nanos) {

    /** Number of non-empty lines sent: a rough size of the change. */
    public int lines() {
        return (int) script.lines().filter(l -> !l.isBlank()).count();
    }

    /** Wall time in milliseconds. */
    public double millis() {
        return nanos / 1e6;
    }
}
