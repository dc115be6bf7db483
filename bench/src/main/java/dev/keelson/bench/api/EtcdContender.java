package dev.keelson.bench.api;

import dev.keelson.control.store.Store;
import dev.keelson.control.store.WatchEvent;
import dev.keelson.control.store.WatchListener;
import java.util.function.Consumer;

/**
 * The peer as a {@link Contender}: the same operations straight on a store's key-value API (etcd
 * through jetcd in the benchmark), with keys laid out as Kubernetes lays pods out in etcd and the
 * pod JSON the API client sends as the value. No API server, no encoding: the floor any
 * Kubernetes API server on etcd stands on.
 */
final class EtcdContender implements Contender {
    private final String name;
    private final Store store;

    EtcdContender(String name, Store store) {
        this.name = name;
        this.store = store;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void prepare(String space) {
        // keys need no parent
    }

    @Override
    public void create(String space, String pod) {
        store.create(key(space, pod), PodManifests.pod(space, pod), 0);
    }

    @Override
    public void get(String space, String pod) {
        if (store.get(key(space, pod)).isEmpty()) {
            throw new IllegalStateException("bench api: " + key(space, pod) + " is missing");
        }
    }

    @Override
    public Object list(String space) {
        return store.range(prefix(space), null, 0, 0);
    }

    @Override
    public int items(Object listed) {
        return ((dev.keelson.control.store.RangeResult) listed).items().size();
    }

    @Override
    public AutoCloseable watch(String space, Consumer<String> arrived) {
        String prefix = prefix(space);
        return store.watch(prefix, store.revision(), new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                arrived.accept(event.kv().key().substring(prefix.length()));
            }
        });
    }

    private static String prefix(String space) {
        return "/registry/pods/" + space + "/";
    }

    private static String key(String space, String pod) {
        return prefix(space) + pod;
    }
}
