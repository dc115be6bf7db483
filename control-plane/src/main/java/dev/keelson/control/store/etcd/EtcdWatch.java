package dev.keelson.control.store.etcd;

import dev.keelson.control.store.KeyRange;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.StoreException;
import dev.keelson.control.store.Watch;
import dev.keelson.control.store.WatchEvent;
import dev.keelson.control.store.WatchListener;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * One etcd watch. jetcd calls back on its own threads; each response is queued here and a virtual
 * thread of this watch's own hands it to the listener, so a slow listener delays only itself. etcd
 * already delivers in revision order without gaps (and jetcd resumes a broken stream from the last
 * revision it saw).
 */
final class EtcdWatch implements Watch, io.etcd.jetcd.Watch.Listener {
    private record Failure(StoreException error) {}

    private static final Object CLOSED = new Object();

    private final String prefix;
    private final WatchListener listener;
    private final long after;
    private final Consumer<EtcdWatch> onClose;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile io.etcd.jetcd.Watch.Watcher watcher;
    private volatile boolean closed;
    private long last;

    EtcdWatch(String prefix, long after, WatchListener listener, Consumer<EtcdWatch> onClose) {
        this.prefix = prefix;
        this.after = after;
        this.last = after;
        this.listener = listener;
        this.onClose = onClose;
    }

    void start(io.etcd.jetcd.Watch.Watcher w) {
        this.watcher = w;
        Thread.ofVirtual().name("keelson-etcd-watch " + prefix).start(this::run);
    }

    @Override
    public void onNext(WatchResponse response) {
        queue.add(response);
    }

    @Override
    public void onError(Throwable error) {
        queue.add(new Failure(EtcdCalls.map(error, "watch " + prefix, after)));
    }

    @Override
    public void onCompleted() {
        queue.add(new Failure(new StoreException("etcd ended the watch on " + prefix)));
    }

    /** The store is closing: end with {@code error}. */
    void fail(StoreException error) {
        queue.add(new Failure(error));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            queue.add(CLOSED);
            io.etcd.jetcd.Watch.Watcher w = watcher;
            if (w != null) {
                w.close();
            }
            onClose.accept(this);
        }
    }

    private void run() {
        try {
            while (!closed) {
                Object o = queue.take();
                if (closed || o == CLOSED) {
                    return;
                }
                if (o instanceof Failure f) {
                    close();
                    listener.onError(f.error());
                    return;
                }
                deliver((WatchResponse) o);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            close();
            listener.onError(new StoreException("watch listener for " + prefix + " failed: " + e, e));
        }
    }

    private void deliver(WatchResponse r) {
        if (r.isProgressNotify()) {
            long rev = r.getHeader().getRevision();
            if (rev > last) {
                listener.onProgress(rev);
            }
            return;
        }
        for (io.etcd.jetcd.watch.WatchEvent e : r.getEvents()) {
            WatchEvent ev = event(e);
            listener.onEvent(ev);
            last = ev.revision();
        }
    }

    private static WatchEvent event(io.etcd.jetcd.watch.WatchEvent e) {
        io.etcd.jetcd.KeyValue kv = e.getKeyValue();
        io.etcd.jetcd.KeyValue p = e.getPrevKV();
        KeyValue prev = p == null || p.getKey().isEmpty() ? null : EtcdCalls.keyValue(p);
        if (e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE) {
            return new WatchEvent(WatchEvent.Type.DELETE,
                    new KeyValue(KeyRange.key(kv.getKey().getBytes()), null, 0, kv.getModRevision(), 0), prev);
        }
        // version 1: the put created the key (a previous incarnation, if any, was deleted)
        return new WatchEvent(WatchEvent.Type.PUT, EtcdCalls.keyValue(kv), kv.getVersion() == 1 ? null : prev);
    }
}
