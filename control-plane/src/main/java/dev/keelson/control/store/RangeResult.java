package dev.keelson.control.store;

import java.util.List;

/**
 * A page of a range read.
 *
 * @param revision the revision the page was read at (the store's revision when read at latest)
 * @param more whether keys after the last item exist
 * @param remaining how many keys after the last item exist (exact, for {@code remainingItemCount})
 */
public record RangeResult(List<KeyValue> items, long revision, boolean more, long remaining) {}
