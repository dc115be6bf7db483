package dev.keelson.control.store;

/** The key (or lease) does not exist. */
public final class KeyNotFoundException extends StoreException {
    private static final long serialVersionUID = 1L;

    public KeyNotFoundException(String message) {
        super(message);
    }
}
