package dev.keelson.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Watch streams: per-event delivery on both HTTP versions, start points, selectors, bookmarks, expiry. */
class WatchTest {
    static TestApi api;

    @BeforeAll
    static void start() throws Exception {
        api = new TestApi();
        api.namespace("w");
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    /** Reads a watch stream line by line on a background thread. */
    static final class Stream0 implements AutoCloseable {
        private static final JsonNode END = Json.object();
        final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        final HttpResponse<Stream<String>> response;

        Stream0(HttpClient client, HttpRequest request) throws Exception {
            response = client.send(request, HttpResponse.BodyHandlers.ofLines());
            Iterator<String> lines = response.body().iterator();
            Thread.ofVirtual().start(() -> {
                try {
                    while (lines.hasNext()) {
                        String l = lines.next();
                        if (!l.isBlank()) {
                            events.add(Json.parse(l.getBytes(StandardCharsets.UTF_8)));
                        }
                    }
                } catch (RuntimeException e) {
                    // stream closed by close()
                }
                events.add(END);
            });
        }

        /** The next event within 5 s; fails on timeout or end of stream. */
        JsonNode next() throws InterruptedException {
            JsonNode e = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(e, "no watch event within 5 s");
            assertTrue(e != END, "the watch ended");
            return e;
        }

        /** Null if no event arrives within {@code ms}. */
        JsonNode maybe(long ms) throws InterruptedException {
            JsonNode e = events.poll(ms, TimeUnit.MILLISECONDS);
            return e == END ? null : e;
        }

        boolean ends(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e == END) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    static Stream0 watch(HttpClient client, String path) throws Exception {
        return new Stream0(client, api.request(path).timeout(Duration.ofSeconds(60)).build());
    }

    static String rv() {
        return Long.toString(api.store.revision());
    }

    static void assertEvent(JsonNode e, String type, String name) {
        assertEquals(type, e.path("type").asText(), e.toString());
        assertEquals(name, e.path("object").path("metadata").path("name").asText(), e.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h1"})
    void eachEventArrivesWhileTheStreamStaysOpen(String version) throws Exception {
        HttpClient client = version.equals("h2") ? api.h2 : api.h1;
        String name = "live-" + version;
        try (Stream0 w = watch(client, "/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=" + rv())) {
            assertEquals(version.equals("h2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1,
                    w.response.version());
            api.post("/api/v1/namespaces/w/configmaps", "{\"metadata\":{\"name\":\"" + name + "\"}}");
            JsonNode added = w.next();
            assertEvent(added, "ADDED", name);
            ObjectNode obj = (ObjectNode) added.path("object").deepCopy();
            obj.putObject("data").put("k", "v");
            api.put("/api/v1/namespaces/w/configmaps/" + name, obj.toString());
            JsonNode modified = w.next();
            assertEvent(modified, "MODIFIED", name);
            assertEquals("v", modified.path("object").path("data").path("k").asText());
            api.delete("/api/v1/namespaces/w/configmaps/" + name);
            JsonNode deleted = w.next();
            assertEvent(deleted, "DELETED", name);
            assertEquals(rv(), deleted.path("object").path("metadata").path("resourceVersion").asText());
        }
    }

    @Test
    void withoutResourceVersionCurrentObjectsComeFirstAsAdded() throws Exception {
        api.namespace("w0");
        api.post("/api/v1/namespaces/w0/configmaps", "{\"metadata\":{\"name\":\"old\"}}");
        try (Stream0 w = watch(api.h2, "/api/v1/watch/namespaces/w0/configmaps")) {
            assertEvent(w.next(), "ADDED", "old");
            api.post("/api/v1/namespaces/w0/configmaps", "{\"metadata\":{\"name\":\"new\"}}");
            assertEvent(w.next(), "ADDED", "new");
        }
    }

    @Test
    void objectsEnteringAndLeavingTheSelectorAreAddedAndDeleted() throws Exception {
        try (Stream0 w = watch(api.h2, "/api/v1/namespaces/w/configmaps?watch=1&labelSelector=app%3Dweb&resourceVersion="
                + rv())) {
            api.post("/api/v1/namespaces/w/configmaps", "{\"metadata\":{\"name\":\"other\",\"labels\":{\"app\":\"db\"}}}");
            JsonNode cm = api.post("/api/v1/namespaces/w/configmaps",
                    "{\"metadata\":{\"name\":\"mover\",\"labels\":{\"app\":\"web\"}}}").json();
            assertEvent(w.next(), "ADDED", "mover");
            ObjectNode away = (ObjectNode) cm.deepCopy();
            away.withObjectProperty("metadata").withObjectProperty("labels").put("app", "db");
            JsonNode moved = api.put("/api/v1/namespaces/w/configmaps/mover", away.toString()).json();
            JsonNode left = w.next();
            assertEvent(left, "DELETED", "mover");
            assertEquals(moved.path("metadata").path("resourceVersion").asText(),
                    left.path("object").path("metadata").path("resourceVersion").asText());
            ObjectNode back = (ObjectNode) moved.deepCopy();
            back.withObjectProperty("metadata").withObjectProperty("labels").put("app", "web");
            api.put("/api/v1/namespaces/w/configmaps/mover", back.toString());
            assertEvent(w.next(), "ADDED", "mover");
            assertNull(w.maybe(300), "the db-labelled object never shows");
        }
    }

    @Test
    void bookmarksCarryTheLatestRevision() throws Exception {
        try (Stream0 w = watch(api.h2, "/api/v1/namespaces/w/secrets?watch=true&allowWatchBookmarks=true&resourceVersion="
                + rv())) {
            api.post("/api/v1/namespaces/w/configmaps", "{\"metadata\":{\"name\":\"elsewhere\"}}");
            String after = rv();
            JsonNode b = w.next();
            assertEquals("BOOKMARK", b.path("type").asText(), b.toString());
            assertEquals("Secret", b.path("object").path("kind").asText());
            assertEquals(after, b.path("object").path("metadata").path("resourceVersion").asText());
        }
    }

    @Test
    void initialEventsEndWithAnAnnotatedBookmark() throws Exception {
        api.namespace("w1");
        api.post("/api/v1/namespaces/w1/configmaps", "{\"metadata\":{\"name\":\"present\"}}");
        try (Stream0 w = watch(api.h2, "/api/v1/namespaces/w1/configmaps?watch=true&sendInitialEvents=true"
                + "&resourceVersionMatch=NotOlderThan&resourceVersion=&allowWatchBookmarks=true")) {
            assertEvent(w.next(), "ADDED", "present");
            JsonNode b = w.next();
            assertEquals("BOOKMARK", b.path("type").asText());
            assertEquals("true", b.path("object").path("metadata").path("annotations").path("k8s.io/initial-events-end").asText());
        }
        RestTest.assertStatus(api.get("/api/v1/namespaces/w1/configmaps?watch=true&sendInitialEvents=true"), 400,
                "BadRequest", null);
    }

    @Test
    void watchingFromACompactedRevisionGetsAnExpiredErrorEvent() throws Exception {
        String old = rv();
        api.post("/api/v1/namespaces/w/configmaps", "{\"metadata\":{\"name\":\"c1\"}}");
        api.post("/api/v1/namespaces/w/configmaps", "{\"metadata\":{\"name\":\"c2\"}}");
        api.store.compact(api.store.revision());
        try (Stream0 w = watch(api.h2, "/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=" + (Long.parseLong(old) - 1))) {
            assertEquals(200, w.response.statusCode());
            JsonNode e = w.next();
            assertEquals("ERROR", e.path("type").asText(), e.toString());
            assertEquals(410, e.path("object").path("code").asInt());
            assertEquals("Expired", e.path("object").path("reason").asText());
            assertTrue(w.ends(Duration.ofSeconds(5)));
        }
    }

    @Test
    void timeoutSecondsEndsTheStream() throws Exception {
        try (Stream0 w = watch(api.h1, "/api/v1/namespaces/w/configmaps?watch=true&timeoutSeconds=1&resourceVersion=" + rv())) {
            assertTrue(w.ends(Duration.ofSeconds(5)), "stream should end after ~1 s");
        }
    }

    @Test
    void tableWatchesSendRowsWithHeadersOnce() throws Exception {
        HttpRequest r = api.request("/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=" + rv())
                .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
                .timeout(Duration.ofSeconds(60)).build();
        try (Stream0 w = new Stream0(api.h2, r)) {
            api.post("/api/v1/namespaces/w/configmaps", "{\"metadata\":{\"name\":\"t1\"},\"data\":{\"a\":\"1\"}}");
            api.post("/api/v1/namespaces/w/configmaps", "{\"metadata\":{\"name\":\"t2\"}}");
            JsonNode first = w.next().path("object");
            assertEquals("Table", first.path("kind").asText());
            assertEquals("Name", first.path("columnDefinitions").get(0).path("name").asText());
            assertEquals("t1", first.path("rows").get(0).path("cells").get(0).asText());
            assertEquals(1, first.path("rows").get(0).path("cells").get(1).asInt());
            JsonNode second = w.next().path("object");
            assertEquals(0, second.path("columnDefinitions").size());
            assertEquals("t2", second.path("rows").get(0).path("cells").get(0).asText());
        }
    }
}
