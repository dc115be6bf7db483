package dev.keelson.linux.nft;

import dev.keelson.linux.FileId;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Kept libnftables contexts, one per network namespace, keyed by the namespace's nsfs identity.
 *
 * <p>Work for a CNI call runs in whatever namespace the calling thread is in (the host's, for a
 * daemon; a test's private one in tests), so {@link #inCurrentNetns} looks the caller's namespace
 * up (one open + fstat of {@code /proc/thread-self/ns/net}, a few microseconds) and reuses the
 * context opened there. A kept context's socket holds its namespace alive, so an inode can never
 * be reused by a new namespace while it is a key here; the map is a small LRU so that
 * namespaces the caller has abandoned are released after a few others have been used.
 */
public final class KeptContexts {
    /** Host namespace plus a few others: the daemon uses one, tests a handful at a time. */
    private static final int CAPACITY = 4;
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<FileId, Nftables> CONTEXTS = new LinkedHashMap<>(8, 0.75f, true);

    private KeptContexts() {
    }

    /**
     * Runs {@code work} with the kept context of the calling thread's network namespace, opening
     * it first if needed. Calls are serialised (libnftables is, anyway).
     *
     * @throws NftablesUnavailableException when nftables cannot be used here
     */
    public static <T> T inCurrentNetns(Function<Nftables, T> work) {
        FileId ns = Nftables.currentNetns();
        LOCK.lock();
        try {
            Nftables nft = CONTEXTS.get(ns);
            if (nft == null) {
                nft = Nftables.open();
                CONTEXTS.put(ns, nft);
                trim();
            }
            return work.apply(nft);
        } finally {
            LOCK.unlock();
        }
    }

    /** Closes and forgets the kept context of the calling thread's namespace, if any (lets that namespace go). */
    public static void releaseCurrentNetns() {
        FileId ns = Nftables.currentNetns();
        LOCK.lock();
        try {
            Nftables nft = CONTEXTS.remove(ns);
            if (nft != null) {
                nft.close();
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** Closes every kept context. */
    public static void releaseAll() {
        LOCK.lock();
        try {
            CONTEXTS.values().forEach(Nftables::close);
            CONTEXTS.clear();
        } finally {
            LOCK.unlock();
        }
    }

    private static void trim() {
        Iterator<Nftables> it = CONTEXTS.values().iterator();
        while (CONTEXTS.size() > CAPACITY && it.hasNext()) {
            Nftables eldest = it.next();
            it.remove();
            eldest.close();
        }
    }
}
