package dev.keelson.control.store;

/** A running watch; closing it stops delivery (idempotent). */
public interface Watch extends AutoCloseable {
    @Override
    void close();
}
