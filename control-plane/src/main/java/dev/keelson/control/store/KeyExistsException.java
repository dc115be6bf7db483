package dev.keelson.control.store;

/** The key already exists. */
public final class KeyExistsException extends StoreException {
    private static final long serialVersionUID = 1L;

    public KeyExistsException(String message) {
        super(message);
    }
}
