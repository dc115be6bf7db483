package dev.keelson.control.store;

/** A read asked for a revision the store has not reached. */
public final class FutureRevisionException extends StoreException {
    private static final long serialVersionUID = 1L;

    public FutureRevisionException(String message) {
        super(message);
    }
}
