package dev.keelson.control.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a local cache of one resource type in step with the API server — list, then watch from the
 * list's resourceVersion, re-watch from the newest version seen when a stream ends, re-list when the
 * server says the version is gone (410) or the connection fails — and tells a {@link Handler} about
 * every change, in order, on one thread. A re-list is diffed against the cache, so handlers see
 * adds, updates and deletes they missed.
 *
 * <pre>
 *   ┌──► LIST ──► replace cache (diff → handler) ──► WATCH from rv ──► event → cache → handler
 *   │                                                   │ stream ended → WATCH from last rv
 *   └─────────── 410 Gone / I/O error (back-off) ◄──────┘
 * </pre>
 */
public final class Informer implements AutoCloseable {

    /** Change callbacks; called serially on the informer's thread. */
    public interface Handler {
        void onAdd(ObjectNode object);

        void onUpdate(ObjectNode old, ObjectNode object);

        void onDelete(ObjectNode object);

        /** A handler for consumers that take objects whole: an add and an update are the same upsert. */
        static Handler of(java.util.function.Consumer<ObjectNode> upsert, java.util.function.Consumer<ObjectNode> remove) {
            return new Handler() {
                @Override
                public void onAdd(ObjectNode object) {
                    upsert.accept(object);
                }

                @Override
                public void onUpdate(ObjectNode old, ObjectNode object) {
                    upsert.accept(object);
                }

                @Override
                public void onDelete(ObjectNode object) {
                    remove.accept(object);
                }
            };
        }
    }

    private static final System.Logger LOG = System.getLogger(Informer.class.getName());
    private static final int WATCH_TIMEOUT_SECONDS = 300;

    private final KubeClient client;
    private final Resource resource;
    private final String namespace;
    private final String query;
    private final List<Handler> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void onAdd(ObjectNode object) {
            handlers.forEach(h -> h.onAdd(object));
        }

        @Override
        public void onUpdate(ObjectNode old, ObjectNode object) {
            handlers.forEach(h -> h.onUpdate(old, object));
        }

        @Override
        public void onDelete(ObjectNode object) {
            handlers.forEach(h -> h.onDelete(object));
        }
    };
    private final Map<String, ObjectNode> cache = new ConcurrentHashMap<>();
    private final Map<String, Map<String, ObjectNode>> byNamespace = new ConcurrentHashMap<>();
    private final CountDownLatch synced = new CountDownLatch(1);
    private volatile Thread thread;
    private volatile boolean closed;

    public Informer(KubeClient client, Resource resource, String namespace, String query, Handler handler) {
        this.client = client;
        this.resource = resource;
        this.namespace = namespace;
        this.query = query;
        if (handler != null) {
            handlers.add(handler);
        }
    }

    /** Adds another handler (before {@link #start()}, so it sees the initial list). */
    public Informer addHandler(Handler h) {
        handlers.add(h);
        return this;
    }

    /** Cached objects of one namespace. */
    public List<ObjectNode> list(String namespace) {
        Map<String, ObjectNode> m = byNamespace.get(namespace);
        // Always a fresh mutable list: callers sort it (an immutable empty list threw at sort()).
        return m == null ? new ArrayList<>() : new ArrayList<>(m.values());
    }

    private ObjectNode put(String key, ObjectNode o) {
        byNamespace.computeIfAbsent(o.path("metadata").path("namespace").asText(""), n -> new ConcurrentHashMap<>()).put(key, o);
        return cache.put(key, o);
    }

    private ObjectNode remove(String key) {
        ObjectNode old = cache.remove(key);
        if (old != null) {
            Map<String, ObjectNode> m = byNamespace.get(old.path("metadata").path("namespace").asText(""));
            if (m != null) {
                m.remove(key);
            }
        }
        return old;
    }

    /** Starts listing and watching on a virtual thread. */
    public Informer start() {
        thread = Thread.ofVirtual().name("informer-" + resource.plural()).start(this::run);
        return this;
    }

    /** Waits until the first list has been delivered. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean hasSynced() {
        return synced.getCount() == 0;
    }

    /** The cached object {@code namespace/name} (or {@code name} for cluster-scoped types). */
    public ObjectNode get(String key) {
        return cache.get(key);
    }

    public List<ObjectNode> list() {
        return new ArrayList<>(cache.values());
    }

    public static String key(JsonNode object) {
        JsonNode m = object.path("metadata");
        String ns = m.path("namespace").asText("");
        return ns.isEmpty() ? m.path("name").asText() : ns + "/" + m.path("name").asText();
    }

    private void run() {
        long backoffMs = 200;
        while (!closed) {
            try {
                String rv = relist();
                backoffMs = 200;
                while (!closed) {
                    String[] last = {rv};
                    client.watch(resource, namespace, rv, query, WATCH_TIMEOUT_SECONDS, e -> last[0] = apply(e, last[0]));
                    rv = last[0];
                }
            } catch (ApiException e) {
                if (!e.gone()) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: {1}; re-listing", resource.plural(), e.getMessage());
                    sleep(backoffMs);
                    backoffMs = Math.min(backoffMs * 2, 5000);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "{0}: {1}; re-listing", resource.plural(), e.toString());
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5000);
            }
        }
    }

    private String relist() {
        ObjectNode list = client.list(resource, namespace, query);
        Map<String, ObjectNode> fresh = new HashMap<>();
        for (JsonNode item : list.path("items")) {
            if (item instanceof ObjectNode o) {
                fresh.put(key(o), o);
            }
        }
        for (var e : new ArrayList<>(cache.entrySet())) {
            if (!fresh.containsKey(e.getKey())) {
                remove(e.getKey());
                handler.onDelete(e.getValue());
            }
        }
        for (var e : fresh.entrySet()) {
            ObjectNode old = put(e.getKey(), e.getValue());
            if (old == null) {
                handler.onAdd(e.getValue());
            } else if (!old.path("metadata").path("resourceVersion").equals(e.getValue().path("metadata").path("resourceVersion"))) {
                handler.onUpdate(old, e.getValue());
            }
        }
        synced.countDown();
        return list.path("metadata").path("resourceVersion").asText();
    }

    private String apply(ObjectNode event, String rv) {
        String type = event.path("type").asText();
        JsonNode obj = event.get("object");
        if (!(obj instanceof ObjectNode o)) {
            return rv;
        }
        if (type.equals("ERROR")) {
            throw new ApiException(o.path("code").asInt(500), o.path("reason").asText(), o.path("message").asText());
        }
        String next = o.path("metadata").path("resourceVersion").asText(rv);
        switch (type) {
            case "ADDED", "MODIFIED" -> {
                ObjectNode old = put(key(o), o);
                if (old == null) {
                    handler.onAdd(o);
                } else {
                    handler.onUpdate(old, o);
                }
            }
            case "DELETED" -> {
                remove(key(o));
                handler.onDelete(o);
            }
            default -> { }
        }
        return next;
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
