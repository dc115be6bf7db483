package dev.keelson.control.api.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.http.Responder;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.rest.ApiException;
import dev.keelson.control.api.rest.ListOptions;
import dev.keelson.control.api.rest.Representation;
import dev.keelson.control.api.storage.ResourceStorage;
import dev.keelson.control.api.table.TableConverter;
import dev.keelson.control.store.CompactedException;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.RangeResult;
import dev.keelson.control.store.Store;
import dev.keelson.control.store.StoreException;
import dev.keelson.control.store.Watch;
import dev.keelson.control.store.WatchEvent;
import dev.keelson.control.store.WatchListener;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Serves {@code ?watch=true}: a stream of JSON {@code WatchEvent}s, one write per event.
 *
 * <pre>
 *   resourceVersion unset or "0"  → ADDED for every current object, then changes after that list
 *   sendInitialEvents=true        → the same, then a BOOKMARK annotated k8s.io/initial-events-end
 *   resourceVersion N             → changes after N (an ERROR event with 410 Expired if compacted)
 * </pre>
 *
 * The stream ends at {@code timeoutSeconds}, when the client goes away, or when the store fails.
 */
public final class WatchHandler {
    private static final Object GONE = new Object();
    private final ResourceStorage storage;
    private final TableConverter tables;
    private final Duration bookmarkInterval;
    private final Duration defaultTimeout;

    public WatchHandler(ResourceStorage storage, TableConverter tables, Duration bookmarkInterval, Duration defaultTimeout) {
        this.storage = storage;
        this.tables = tables;
        this.bookmarkInterval = bookmarkInterval;
        this.defaultTimeout = defaultTimeout;
    }

    private record Progress(long revision) {}

    public void watch(ApiRequest request, Responder out, ResourceType type, String namespace, ListOptions options)
            throws IOException {
        Representation form = Representation.of(request);
        WatchStart start = WatchStart.of(request, options);
        Duration timeout = timeout(request);
        boolean bookmarks = request.flag("allowWatchBookmarks");
        WatchFilter filter = new WatchFilter(storage, type, namespace, options);
        WatchWriter writer = new WatchWriter(form, tables, type, TableIncludes.of(request));
        Store store = storage.store();
        String prefix = ResourceStorage.prefix(type, namespace);

        long after = start.afterRevision();
        List<KeyValue> initial = List.of();
        if (start.initialEvents()) {
            RangeResult all = store.range(prefix, null, 0, 0);
            initial = all.items();
            after = all.revision();
        } else if (after == 0) {
            after = store.revision();
        }
        LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Watch watch;
        try {
            watch = store.watch(prefix, after, new WatchListener() {
                @Override
                public void onEvent(WatchEvent event) {
                    queue.add(event);
                }

                @Override
                public void onProgress(long revision) {
                    queue.add(new Progress(revision));
                }

                @Override
                public void onError(StoreException error) {
                    queue.add(error);
                }
            });
        } catch (CompactedException e) {
            try (OutputStream stream = out.stream(200, form.contentType())) {
                stream.write(WatchWriter.error(ApiException.expired("too old resource version: " + after + " ("
                        + e.compactedRevision() + ")")));
            }
            return;
        }
        out.onClientGone(() -> queue.add(GONE));
        try (watch; OutputStream stream = out.stream(200, form.contentType())) {
            for (KeyValue kv : initial) {
                ObjectNode o = storage.decode(type, kv);
                if (filter.matches(o)) {
                    stream.write(writer.event("ADDED", o));
                }
            }
            long seen = after;
            long sentBookmark = seen; // a bookmark is sent only when the watch has progressed
            if (start.initialEvents() && start.endBookmark()) {
                stream.write(writer.bookmark(seen, true));
                sentBookmark = seen;
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            long nextBookmark = System.nanoTime() + bookmarkInterval.toNanos();
            while (true) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    return;
                }
                long wait = Math.min(deadline, bookmarks ? nextBookmark : deadline) - now;
                Object item = queue.poll(Math.max(1, wait), TimeUnit.NANOSECONDS);
                if (item == GONE) {
                    return;
                } else if (item instanceof WatchEvent e) {
                    seen = e.revision();
                    WatchFilter.Event api = filter.translate(e);
                    if (api != null) {
                        stream.write(writer.event(api.type(), api.object()));
                    }
                } else if (item instanceof Progress p) {
                    seen = Math.max(seen, p.revision());
                } else if (item instanceof CompactedException c) {
                    stream.write(WatchWriter.error(ApiException.expired("too old resource version: " + seen + " ("
                            + c.compactedRevision() + ")")));
                    return;
                } else if (item instanceof StoreException s) {
                    stream.write(WatchWriter.error(ApiException.internal(s.getMessage())));
                    return;
                }
                if (bookmarks && System.nanoTime() >= nextBookmark) {
                    if (seen > sentBookmark) {
                        stream.write(writer.bookmark(seen, false));
                        sentBookmark = seen;
                    }
                    nextBookmark = System.nanoTime() + bookmarkInterval.toNanos();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Duration timeout(ApiRequest request) {
        String t = request.param("timeoutSeconds");
        if (t == null || t.isEmpty()) {
            return defaultTimeout;
        }
        try {
            long s = Long.parseLong(t);
            return s <= 0 ? defaultTimeout : Duration.ofSeconds(s);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid timeoutSeconds \"" + t + "\"");
        }
    }

    /** Whether a Table watch's rows carry the object (includeObject). */
    static final class TableIncludes {
        private TableIncludes() {}

        static TableConverter.Include of(ApiRequest request) {
            try {
                return TableConverter.include(request.param("includeObject"));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
    }

    static byte[] line(ObjectNode event) {
        byte[] b = Json.bytes(event);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        out[b.length] = '\n';
        return out;
    }
}
