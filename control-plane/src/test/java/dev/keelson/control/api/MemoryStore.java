package dev.keelson.control.api;

import dev.keelson.control.store.CompactedException;
import dev.keelson.control.store.ConflictException;
import dev.keelson.control.store.Deleted;
import dev.keelson.control.store.FutureRevisionException;
import dev.keelson.control.store.KeyExistsException;
import dev.keelson.control.store.KeyNotFoundException;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.RangeResult;
import dev.keelson.control.store.Store;
import dev.keelson.control.store.StoreException;
import dev.keelson.control.store.Watch;
import dev.keelson.control.store.WatchEvent;
import dev.keelson.control.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A test-only {@link Store} honouring the contract: one revision per write, guarded writes, ranges
 * at past revisions (rebuilt from a full event log), ordered gap-free watches delivered on one
 * thread per watch, compaction. Leases are granted and revoked but never expire.
 */
final class MemoryStore implements Store {
    private final Object lock = new Object();
    private final TreeMap<String, KeyValue> current = new TreeMap<>();
    private final List<WatchEvent> log = new ArrayList<>();
    private final List<MemoryWatch> watches = new CopyOnWriteArrayList<>();
    private final Map<Long, List<String>> leases = new TreeMap<>();
    private long revision;
    private long compacted;
    private long nextLease = 1;

    @Override
    public long revision() {
        synchronized (lock) {
            return revision;
        }
    }

    @Override
    public long compactedRevision() {
        synchronized (lock) {
            return compacted;
        }
    }

    @Override
    public Optional<KeyValue> get(String key) {
        synchronized (lock) {
            return Optional.ofNullable(current.get(key));
        }
    }

    @Override
    public RangeResult range(String prefix, String startAfter, int limit, long at) {
        synchronized (lock) {
            if (at != 0 && at < compacted) {
                throw new CompactedException(at, compacted);
            }
            if (at > revision) {
                throw new FutureRevisionException("revision " + at + " is in the future (current " + revision + ")");
            }
            TreeMap<String, KeyValue> view = at == 0 || at == revision ? current : snapshot(at);
            List<KeyValue> items = new ArrayList<>();
            long remaining = 0;
            for (var e : view.tailMap(prefix, true).entrySet()) {
                if (!e.getKey().startsWith(prefix)) {
                    break;
                }
                if (startAfter != null && e.getKey().compareTo(startAfter) <= 0) {
                    continue;
                }
                if (limit > 0 && items.size() >= limit) {
                    remaining++;
                } else {
                    items.add(e.getValue());
                }
            }
            return new RangeResult(items, at == 0 ? revision : at, remaining > 0, remaining);
        }
    }

    private TreeMap<String, KeyValue> snapshot(long at) {
        TreeMap<String, KeyValue> view = new TreeMap<>();
        for (WatchEvent e : log) {
            if (e.revision() > at) {
                break;
            }
            if (e.type() == WatchEvent.Type.PUT) {
                view.put(e.kv().key(), e.kv());
            } else {
                view.remove(e.kv().key());
            }
        }
        return view;
    }

    @Override
    public long count(String prefix) {
        return range(prefix, null, 0, 0).items().size();
    }

    @Override
    public KeyValue create(String key, byte[] value, long lease) {
        synchronized (lock) {
            if (current.containsKey(key)) {
                throw new KeyExistsException("key " + key + " exists");
            }
            KeyValue kv = new KeyValue(key, value.clone(), revision + 1, revision + 1, lease);
            publish(new WatchEvent(WatchEvent.Type.PUT, kv, null));
            if (lease != 0) {
                leases.computeIfAbsent(lease, l -> new ArrayList<>()).add(key);
            }
            return kv;
        }
    }

    @Override
    public KeyValue update(String key, byte[] value, long expected, long lease) {
        synchronized (lock) {
            KeyValue old = current.get(key);
            if (old == null) {
                throw new KeyNotFoundException("key " + key + " not found");
            }
            if (expected != 0 && old.modRevision() != expected) {
                throw new ConflictException("key " + key + " is at " + old.modRevision() + ", not " + expected, old);
            }
            KeyValue kv = new KeyValue(key, value.clone(), old.createRevision(), revision + 1, lease);
            publish(new WatchEvent(WatchEvent.Type.PUT, kv, old));
            return kv;
        }
    }

    @Override
    public Deleted delete(String key, long expected) {
        synchronized (lock) {
            KeyValue old = current.get(key);
            if (old == null) {
                throw new KeyNotFoundException("key " + key + " not found");
            }
            if (expected != 0 && old.modRevision() != expected) {
                throw new ConflictException("key " + key + " is at " + old.modRevision() + ", not " + expected, old);
            }
            KeyValue tomb = new KeyValue(key, null, old.createRevision(), revision + 1, 0);
            publish(new WatchEvent(WatchEvent.Type.DELETE, tomb, old));
            return new Deleted(old, revision);
        }
    }

    /** Applies an event under the lock and queues it for every watch on its prefix. */
    private void publish(WatchEvent e) {
        revision = e.revision();
        if (e.type() == WatchEvent.Type.PUT) {
            current.put(e.kv().key(), e.kv());
        } else {
            current.remove(e.kv().key());
        }
        log.add(e);
        for (MemoryWatch w : watches) {
            w.offer(e);
        }
    }

    @Override
    public Watch watch(String prefix, long after, WatchListener listener) {
        synchronized (lock) {
            if (after != 0 && after + 1 < compacted) {
                throw new CompactedException(after, compacted);
            }
            MemoryWatch w = new MemoryWatch(prefix, listener);
            long from = after == 0 ? revision : after;
            for (WatchEvent e : log) {
                if (e.revision() > from) {
                    w.offer(e);
                }
            }
            watches.add(w);
            w.start();
            return w;
        }
    }

    @Override
    public void compact(long rev) {
        synchronized (lock) {
            compacted = Math.max(compacted, rev);
        }
    }

    @Override
    public long grant(Duration ttl) {
        synchronized (lock) {
            long id = nextLease++;
            leases.put(id, new ArrayList<>());
            return id;
        }
    }

    @Override
    public void keepAlive(long lease) {
        synchronized (lock) {
            if (!leases.containsKey(lease)) {
                throw new KeyNotFoundException("lease " + lease + " not found");
            }
        }
    }

    @Override
    public void revoke(long lease) {
        synchronized (lock) {
            List<String> keys = leases.remove(lease);
            if (keys != null) {
                for (String k : keys) {
                    if (current.containsKey(k)) {
                        delete(k, 0);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        for (MemoryWatch w : watches) {
            w.close();
        }
    }

    private final class MemoryWatch implements Watch {
        private static final Object STOP = new Object();
        private final String prefix;
        private final WatchListener listener;
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private Thread thread;

        MemoryWatch(String prefix, WatchListener listener) {
            this.prefix = prefix;
            this.listener = listener;
        }

        void offer(WatchEvent e) {
            queue.add(e.kv().key().startsWith(prefix) ? e : Long.valueOf(e.revision()));
        }

        void start() {
            thread = Thread.ofVirtual().name("memory-watch").start(() -> {
                try {
                    while (true) {
                        Object o = queue.take();
                        if (o == STOP) {
                            return;
                        }
                        if (o instanceof WatchEvent e) {
                            listener.onEvent(e);
                        } else if (o instanceof Long rev) {
                            listener.onProgress(rev);
                        }
                    }
                } catch (InterruptedException e) {
                    listener.onError(new StoreException("watch interrupted"));
                }
            });
        }

        @Override
        public void close() {
            watches.remove(this);
            queue.add(STOP);
        }
    }
}
