package dev.keelson.control.controller;

import static dev.keelson.control.controller.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeaderElectorTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final Duration D = Duration.ofSeconds(15);

    static ObjectNode lease(String holder, String renew, int transitions) {
        return json("{'metadata':{'name':'cm','namespace':'kube-system','resourceVersion':'9'},'spec':{'holderIdentity':'" + holder
                + "','leaseDurationSeconds':15,'acquireTime':'2026-11-20T09:00:00.000000Z','renewTime':'" + renew
                + "','leaseTransitions':" + transitions + "}}");
    }

    @Test
    void noLeaseIsCreatedWithUsAsHolder() {
        LeaderElector.Attempt a = LeaderElector.attempt(null, "kube-system", "cm", "me", null, T0, D);
        assertTrue(a.create());
        JsonNode spec = a.write().path("spec");
        assertEquals("me", spec.path("holderIdentity").asText());
        assertEquals(15, spec.path("leaseDurationSeconds").asInt());
        assertEquals("2026-11-20T10:00:00.000000Z", spec.path("renewTime").asText());
        assertEquals("2026-11-20T10:00:00.000000Z", spec.path("acquireTime").asText());
        assertEquals(0, spec.path("leaseTransitions").asInt());
        assertEquals("coordination.k8s.io/v1", a.write().path("apiVersion").asText());
    }

    @Test
    void anotherHoldersFreshLeaseIsLeftAlone() {
        LeaderElector.Attempt first = LeaderElector.attempt(lease("other", "r1", 3), "kube-system", "cm", "me", null, T0, D);
        assertNull(first.write());
        assertEquals(T0, first.observed().at());
        // unchanged for 14 s by our clock: still theirs
        LeaderElector.Attempt second = LeaderElector.attempt(lease("other", "r1", 3), "kube-system", "cm", "me", first.observed(),
                T0.plusSeconds(14), D);
        assertNull(second.write());
    }

    @Test
    void aRenewingHolderKeepsTheLease() {
        LeaderElector.Attempt first = LeaderElector.attempt(lease("other", "r1", 3), "kube-system", "cm", "me", null, T0, D);
        LeaderElector.Attempt second = LeaderElector.attempt(lease("other", "r2", 3), "kube-system", "cm", "me", first.observed(),
                T0.plusSeconds(10), D);
        LeaderElector.Attempt third = LeaderElector.attempt(lease("other", "r2", 3), "kube-system", "cm", "me", second.observed(),
                T0.plusSeconds(20), D);
        assertNull(third.write(), "renewed at +10 s as far as we saw, so good until +25 s");
    }

    @Test
    void anExpiredLeaseIsTakenOverWithATransition() {
        LeaderElector.Attempt first = LeaderElector.attempt(lease("other", "r1", 3), "kube-system", "cm", "me", null, T0, D);
        LeaderElector.Attempt take = LeaderElector.attempt(lease("other", "r1", 3), "kube-system", "cm", "me", first.observed(),
                T0.plusSeconds(15), D);
        JsonNode spec = take.write().path("spec");
        assertFalse(take.create());
        assertEquals("me", spec.path("holderIdentity").asText());
        assertEquals(4, spec.path("leaseTransitions").asInt());
        assertEquals("2026-11-20T10:00:15.000000Z", spec.path("acquireTime").asText());
        assertEquals("9", take.write().path("metadata").path("resourceVersion").asText(), "the write is conditional");
    }

    @Test
    void ourOwnLeaseIsRenewedKeepingAcquireTime() {
        LeaderElector.Attempt a = LeaderElector.attempt(lease("me", "r1", 2), "kube-system", "cm", "me", null, T0, D);
        JsonNode spec = a.write().path("spec");
        assertEquals("2026-11-20T09:00:00.000000Z", spec.path("acquireTime").asText());
        assertEquals("2026-11-20T10:00:00.000000Z", spec.path("renewTime").asText());
        assertEquals(2, spec.path("leaseTransitions").asInt());
    }

    @Test
    void aReleasedLeaseIsTakenAtOnce() {
        LeaderElector.Attempt a = LeaderElector.attempt(lease("", "r1", 2), "kube-system", "cm", "me", null, T0, D);
        assertEquals("me", a.write().path("spec").path("holderIdentity").asText());
        assertEquals(3, a.write().path("spec").path("leaseTransitions").asInt());
    }

    /** A one-lease API server: GET, POST, and PUT guarded by resourceVersion (409 on a stale one). */
    static final class LeaseServer implements AutoCloseable {
        final HttpServer http;
        final AtomicReference<ObjectNode> lease = new AtomicReference<>();
        final AtomicInteger version = new AtomicInteger();
        final ObjectMapper mapper = new ObjectMapper();

        LeaseServer() throws IOException {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", this::handle);
            http.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
        }

        private synchronized void handle(HttpExchange ex) throws IOException {
            String method = ex.getRequestMethod();
            ObjectNode body = method.equals("GET") ? null : (ObjectNode) mapper.readTree(ex.getRequestBody());
            ObjectNode cur = lease.get();
            switch (method) {
                case "GET" -> {
                    if (cur == null) {
                        reply(ex, 404, status(404, "NotFound"));
                    } else {
                        reply(ex, 200, cur);
                    }
                }
                case "POST" -> {
                    if (cur != null) {
                        reply(ex, 409, status(409, "AlreadyExists"));
                    } else {
                        store(body);
                        reply(ex, 201, lease.get());
                    }
                }
                case "PUT" -> {
                    if (cur == null || !cur.path("metadata").path("resourceVersion").asText()
                            .equals(body.path("metadata").path("resourceVersion").asText())) {
                        reply(ex, 409, status(409, "Conflict"));
                    } else {
                        store(body);
                        reply(ex, 200, lease.get());
                    }
                }
                default -> reply(ex, 405, status(405, "MethodNotAllowed"));
            }
        }

        private void store(ObjectNode o) {
            o.withObjectProperty("metadata").put("resourceVersion", Integer.toString(version.incrementAndGet()));
            lease.set(o);
        }

        private ObjectNode status(int code, String reason) {
            ObjectNode s = mapper.createObjectNode();
            s.put("kind", "Status").put("code", code).put("reason", reason).put("message", reason);
            return s;
        }

        private void reply(HttpExchange ex, int code, ObjectNode o) throws IOException {
            byte[] b = mapper.writeValueAsBytes(o);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(code, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        }

        String holder() {
            ObjectNode l = lease.get();
            return l == null ? null : l.path("spec").path("holderIdentity").asText();
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    static final class Counting implements LeaderElector.Callbacks {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger stopped = new AtomicInteger();

        @Override
        public void onStartedLeading() {
            started.incrementAndGet();
        }

        @Override
        public void onStoppedLeading() {
            stopped.incrementAndGet();
        }
    }

    @Test
    void twoCandidatesOverHttpHaveOneLeaderAndFailOver() throws Exception {
        LeaderElector.Timing fast = new LeaderElector.Timing(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(100));
        try (LeaseServer server = new LeaseServer()) {
            KubeClient client = new KubeClient(new Kubeconfig(server.uri(), null, ""), "test");
            Counting a = new Counting();
            Counting b = new Counting();
            LeaderElector ea = new LeaderElector(client, "kube-system", "cm", "a", fast, Clock.systemUTC(), a).start();
            waitFor(() -> ea.isLeader(), 5000);
            LeaderElector eb = new LeaderElector(client, "kube-system", "cm", "b", fast, Clock.systemUTC(), b).start();
            Thread.sleep(1000);
            assertTrue(ea.isLeader());
            assertFalse(eb.isLeader(), "a renews, so b waits");
            assertEquals("a", server.holder());
            assertEquals(0, b.started.get());

            ea.close();  // releases the lease
            assertEquals(1, a.stopped.get());
            waitFor(() -> eb.isLeader(), 5000);
            assertEquals("b", server.holder());
            assertEquals(1, server.lease.get().path("spec").path("leaseTransitions").asInt());
            eb.close();
            assertEquals(1, b.stopped.get());
            assertEquals("", server.holder(), "released on close");
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier cond, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("condition not met within " + ms + " ms");
            }
            Thread.sleep(20);
        }
    }
}
