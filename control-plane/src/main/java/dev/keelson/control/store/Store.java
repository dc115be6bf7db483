package dev.keelson.control.store;

import java.time.Duration;
import java.util.Optional;

/**
 * A revisioned key-value store with the semantics a Kubernetes API server needs: every write gets
 * the next store-wide revision, updates and deletes can be guarded by the key's mod revision,
 * ranges can be read at a past revision, and a watch replays every event after a revision in
 * order, with no gaps, then follows live writes.
 *
 * <p>Two implementations share one conformance suite: {@code SqliteStore} (embedded, the default)
 * and {@code EtcdStore} (jetcd against an etcd cluster).
 *
 * <pre>
 *   revision:   1        2         3          4
 *   write:      create a create b  update a   delete b
 *   get(a)  →   value@3, createRevision 1, modRevision 3
 *   range("", at 2) → a@1, b@2        watch(after 2) → PUT a@3 (prev a@1), DELETE b@4 (prev b@2)
 * </pre>
 *
 * <p>Keys are strings (the API server uses {@code /registry/<resource>/<namespace>/<name>}); values
 * are opaque bytes. All methods are thread-safe. Revisions start at 1; 0 means "latest" where a
 * revision is an argument.
 */
public interface Store extends AutoCloseable {

    /** The newest revision the store has committed (0 when nothing was ever written). */
    long revision();

    /** The oldest revision that can still be read or watched from; older ones are compacted. */
    long compactedRevision();

    /** The latest value of {@code key}, if it exists. */
    Optional<KeyValue> get(String key);

    /**
     * Keys starting with {@code prefix}, in key order, as of {@code revision} (0 = latest).
     *
     * @param startAfter only keys strictly greater than this one (a continue token), or null
     * @param limit at most this many items (0 = no limit); {@link RangeResult#more()} says if more exist
     * @throws CompactedException if {@code revision} is older than {@link #compactedRevision()}
     * @throws FutureRevisionException if {@code revision} is newer than {@link #revision()}
     */
    RangeResult range(String prefix, String startAfter, int limit, long revision);

    /** Number of keys with this prefix at the latest revision. */
    long count(String prefix);

    /**
     * Creates {@code key} if it does not exist.
     *
     * @param lease a lease id from {@link #grant(Duration)} that bounds the key's life, or 0
     * @throws KeyExistsException if the key exists
     */
    KeyValue create(String key, byte[] value, long lease);

    /**
     * Replaces the value of an existing key if its mod revision is still {@code expectedModRevision}
     * (0 = any), keeping its create revision.
     *
     * @throws KeyNotFoundException if the key does not exist
     * @throws ConflictException if the key's mod revision differs; carries the current value
     */
    KeyValue update(String key, byte[] value, long expectedModRevision, long lease);

    /**
     * Deletes {@code key} if its mod revision is still {@code expectedModRevision} (0 = any).
     *
     * @return the value it had and the revision of the deletion
     * @throws KeyNotFoundException if the key does not exist
     * @throws ConflictException if the key's mod revision differs; carries the current value
     */
    Deleted delete(String key, long expectedModRevision);

    /**
     * Delivers every change to keys with {@code prefix} whose revision is greater than
     * {@code afterRevision}, in revision order and without gaps, then live changes until the
     * returned handle is closed. {@code afterRevision} 0 means "from now". The listener is called
     * from one thread per watch, never concurrently with itself; a slow listener delays only its
     * own watch.
     *
     * @throws CompactedException if events after {@code afterRevision} were compacted away
     */
    Watch watch(String prefix, long afterRevision, WatchListener listener);

    /** Forgets history older than {@code revision}: old values stop being readable or watchable. */
    void compact(long revision);

    /** Grants a lease that expires after {@code ttl} unless kept alive; keys on it go with it. */
    long grant(Duration ttl);

    /** Renews a lease for another full TTL. @throws KeyNotFoundException if it already expired */
    void keepAlive(long lease);

    /** Ends a lease now, deleting every key attached to it. */
    void revoke(long lease);

    @Override
    void close();
}
