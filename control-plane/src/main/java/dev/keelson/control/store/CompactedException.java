package dev.keelson.control.store;

/** The revision asked for is older than the compacted revision (HTTP 410 Gone in the API). */
public final class CompactedException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final long compactedRevision;

    public CompactedException(long requested, long compactedRevision) {
        super("revision " + requested + " has been compacted (oldest available: " + compactedRevision + ")");
        this.compactedRevision = compactedRevision;
    }

    public long compactedRevision() {
        return compactedRevision;
    }
}
