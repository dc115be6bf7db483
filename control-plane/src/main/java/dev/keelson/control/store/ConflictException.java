package dev.keelson.control.store;

/** A guarded update or delete found another mod revision; {@link #current()} is what is there now. */
public final class ConflictException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final transient KeyValue current;

    public ConflictException(String message, KeyValue current) {
        super(message);
        this.current = current;
    }

    public KeyValue current() {
        return current;
    }
}
