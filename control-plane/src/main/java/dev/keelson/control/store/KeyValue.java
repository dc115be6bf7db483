package dev.keelson.control.store;

/**
 * One version of a key.
 *
 * @param createRevision the revision that created the key (stays across updates)
 * @param modRevision the revision of the write that produced this value
 * @param lease the lease the key is attached to, or 0
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long lease) {}
