package dev.keelson.control.store;

/** Receives a watch's events; see {@link Store#watch}. */
public interface WatchListener {
    void onEvent(WatchEvent event);

    /** The store has reached {@code revision} with no further events for this watch (for bookmarks). */
    default void onProgress(long revision) {}

    /** The watch ended abnormally (store closed, compaction overtook it); no more calls follow. */
    default void onError(StoreException error) {}
}
