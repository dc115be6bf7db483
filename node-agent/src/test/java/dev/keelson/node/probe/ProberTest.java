package dev.keelson.node.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** httpGet and tcpSocket probes against a local server; the success/failure thresholds. */
class ProberTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;
    private final AtomicReference<String> seenAgent = new AtomicReference<>();
    private final AtomicReference<String> seenHeader = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok", x -> {
            seenAgent.set(x.getRequestHeaders().getFirst("User-Agent"));
            seenHeader.set(x.getRequestHeaders().getFirst("X-Probe"));
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.createContext("/moved", x -> {
            x.getResponseHeaders().add("Location", "/elsewhere");
            x.sendResponseHeaders(302, -1);
            x.close();
        });
        server.createContext("/slow", x -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ProbeResult get(String path, int timeoutSeconds) {
        JsonNode h = JSON.createObjectNode().put("path", path).set("httpHeaders",
                JSON.createArrayNode().add(JSON.createObjectNode().put("name", "X-Probe").put("value", "yes")));
        return Prober.http(h, "127.0.0.1", server.getAddress().getPort(), Duration.ofSeconds(timeoutSeconds));
    }

    @Test
    void httpSuccessIs2xxOr3xxWithTheKubeletsUserAgentAndCustomHeaders() {
        assertTrue(get("/ok", 1).success());
        assertEquals("kube-probe/1.33", seenAgent.get());
        assertEquals("yes", seenHeader.get());
        assertTrue(get("/moved", 1).success(), "redirects count as success and are not followed");
        ProbeResult missing = get("/missing", 1);
        assertFalse(missing.success());
        assertEquals("HTTP probe failed with statuscode: 404", missing.message());
    }

    @Test
    void httpTimesOutAfterTimeoutSeconds() {
        long t0 = System.nanoTime();
        ProbeResult r = get("/slow", 1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(r.success());
        assertTrue(r.message().contains("context deadline exceeded"), r.message());
        assertTrue(ms < 2500, "bounded by the timeout, took " + ms + " ms");
    }

    @Test
    void tcpProbeConnectsOrFails() throws Exception {
        Prober p = new Prober(null);
        JsonNode container = JSON.readTree("{\"name\":\"c\",\"ports\":[{\"name\":\"web\",\"containerPort\":"
                + server.getAddress().getPort() + "}]}");
        assertTrue(p.run(JSON.readTree("{\"tcpSocket\":{\"port\":\"web\"}}"), container, "id", "127.0.0.1").success(),
                "named port resolved from the container's ports");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ProbeResult r = p.run(JSON.readTree("{\"tcpSocket\":{\"port\":" + closed + "}}"), container, "id", "127.0.0.1");
        assertFalse(r.success());
        assertTrue(r.message().startsWith("dial tcp 127.0.0.1:" + closed), r.message());
    }

    @Test
    void thresholdsFlipTheVerdictOnlyAfterConsecutiveRuns() throws Exception {
        ProbeWorker w = new ProbeWorker(ProbeKind.READINESS, "u", JSON.createObjectNode(), "id",
                JSON.readTree("{\"successThreshold\":2,\"failureThreshold\":2}"));
        assertEquals(Boolean.FALSE, w.result, "readiness starts as not ready");
        assertEquals(ProbeWorker.Change.NONE, w.record(true));
        assertEquals(ProbeWorker.Change.BECAME_SUCCESS, w.record(true));
        assertEquals(ProbeWorker.Change.NONE, w.record(false));
        assertEquals(ProbeWorker.Change.NONE, w.record(true), "a success resets the failure count");
        assertEquals(ProbeWorker.Change.NONE, w.record(false));
        assertEquals(ProbeWorker.Change.BECAME_FAILED, w.record(false));
        ProbeWorker live = new ProbeWorker(ProbeKind.LIVENESS, "u", JSON.createObjectNode(), "id", JSON.readTree("{}"));
        assertEquals(Boolean.TRUE, live.result, "liveness starts as alive");
        live.record(false);
        live.record(false);
        assertEquals(ProbeWorker.Change.BECAME_FAILED, live.record(false), "default failureThreshold is 3");
    }
}
