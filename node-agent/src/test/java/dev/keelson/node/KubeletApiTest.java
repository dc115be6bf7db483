package dev.keelson.node;

import static dev.keelson.node.AgentFixture.MAPPER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.node.server.KubeletApiOptions;
import dev.keelson.testing.KernelTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet API through the API server with real kubectl 1.33: an API server on SQLite,
 * Keelson's CRI runtime (runc), and a node agent serving its kubelet API on 127.0.0.1 with a
 * certificate from the server's CA. {@code kubectl logs} (plain, --tail, --timestamps,
 * --limit-bytes, -f, -p) and {@code kubectl exec} go API server → node agent → CRI.
 */
@KernelTest
class KubeletApiTest {
    private static final Path KUBECTL = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");
    private static final String NODE = "kubelet-api-node";

    @TempDir
    static Path dir;
    static AgentFixture node;
    static ApiServer server;
    static KubeClient client;
    static NodeAgent agent;

    @BeforeAll
    static void start() throws Exception {
        // a 1 s first back-off capped at 2 s: kubectl logs -p needs a restart soon
        node = AgentFixture.start(dir, AgentFixture.Setup.of(NODE, 76).withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withConfig(c -> c.withNodeIp("127.0.0.1"))
                .withServices(NodeServices.none().withKubeletApi(
                        KubeletApiOptions.fromPki(dir.resolve("server/pki")).withListen("127.0.0.1", 0))));
        server = node.server;
        client = node.client;
        agent = node.agent;
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void nodeReportsTheBoundKubeletPort() {
        JsonNode node = client.get(Resource.NODES, null, NODE);
        assertEquals(agent.kubeletPort(), node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt());
        assertNotEquals(10250, agent.kubeletPort(), "port 0 was asked for: the bound port is reported, not the default");
    }

    @Test
    void kubectlLogsShowsTheContainersOutputWithTailTimestampsAndLimit() throws Exception {
        runningPod("printer", "Always", "for i in 1 2 3 4 5; do echo line-$i; done; sleep 0.5; echo to-stderr >&2; sleep 3600");
        await("all lines logged", () -> kubectl("logs", "printer"), out -> out.contains("to-stderr"));
        assertEquals("line-1\nline-2\nline-3\nline-4\nline-5\nto-stderr\n", kubectl("logs", "printer"));
        assertEquals("line-5\nto-stderr\n", kubectl("logs", "printer", "--tail=2"));
        assertEquals("line-1\n", kubectl("logs", "printer", "--limit-bytes=7"));
        String stamped = kubectl("logs", "printer", "--timestamps", "--tail=1");
        assertTrue(stamped.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z to-stderr\n"), stamped);
        assertEquals("", kubectl("logs", "printer", "--since=1h", "--tail=0"));
        Result missing = run("logs", "printer", "-c", "nope");
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("container nope is not valid for pod printer"), missing.err());
    }

    @Test
    void kubectlLogsFollowStreamsNewLines() throws Exception {
        runningPod("ticker", "Always", "i=0; while true; do i=$((i+1)); echo tick-$i; sleep 1; done");
        await("first tick", () -> kubectl("logs", "ticker"), out -> out.contains("tick-1"));
        Process p = new ProcessBuilder(KUBECTL.toString(), "--kubeconfig", server.kubeconfig().toString(), "logs", "-f",
                "ticker").redirectErrorStream(true).start();
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // process ended
                }
            });
            String first = lines.poll(20, TimeUnit.SECONDS);
            assertEquals("tick-1", first, "follow starts with the whole log");
            // Lines written after the request started arrive on the same response.
            String existing = kubectl("logs", "ticker");
            int seen = existing.split("\n").length;
            String later = null;
            for (int i = 0; i < seen + 3; i++) {
                later = lines.poll(10, TimeUnit.SECONDS);
                if (later == null) {
                    break;
                }
            }
            assertTrue(later != null && later.startsWith("tick-"), "a new line streamed: " + later);
            int n = Integer.parseInt(later.substring(5));
            assertTrue(n > seen, "tick-" + n + " was written after " + seen + " lines were on disk");
            assertTrue(p.isAlive(), "kubectl logs -f keeps following");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void kubectlLogsPreviousShowsTheCrashedInstance() throws Exception {
        client.create(Resource.PODS, "default", node.pod("crasher", "Always", "echo run-$RANDOM$RANDOM; sleep 1; exit 1"));
        await("restarted", () -> client.get(Resource.PODS, "default", "crasher"),
                p -> p.path("status").path("containerStatuses").path(0).path("restartCount").asInt() >= 1);
        String previous = kubectl("logs", "crasher", "-p");
        assertTrue(previous.matches("run-\\d+\n"), previous);
        String current = await("current instance logged", () -> run("logs", "crasher").out(), s -> s.startsWith("run-"));
        assertNotEquals(previous, current, "previous and current are different instances");
        Result none = run("logs", "printer-absent-previous", "-p");
        assertNotEquals(0, none.code());
    }

    @Test
    void kubectlExecRunsACommandInTheContainer() throws Exception {
        runningPod("shell", "Always", "sleep 3600");
        assertEquals("hi\n", kubectl("exec", "shell", "--", "echo", "hi"));
        Result both = run("exec", "shell", "--", "sh", "-c", "echo out; echo err >&2");
        assertEquals("out\n", both.out());
        assertTrue(both.err().contains("err"), both.err());
        Result failed = run("exec", "shell", "--", "sh", "-c", "exit 3");
        assertEquals(3, failed.code(), failed.err());
        assertTrue(failed.err().contains("command terminated with exit code 3"), failed.err());
        Result interactive = runWithInput("one\ntwo\n", "exec", "-i", "shell", "--", "cat");
        assertEquals(new Result(0, "one\ntwo\n", ""), interactive, "stdin reaches the command through CRI Exec");
        // kubectl attach -i is covered end to end by the cli module's ClusterScenarios (a stdin_once shell)
    }

    @Test
    void kubeletApiRequiresTheApiServersClientCertificate() throws Exception {
        HttpClient anonymous = HttpClient.newBuilder().sslContext(server.pki().clientContext()).build();
        URI healthz = URI.create("https://127.0.0.1:" + agent.kubeletPort() + "/healthz");
        assertThrows(IOException.class, () -> anonymous.send(HttpRequest.newBuilder(healthz).build(),
                HttpResponse.BodyHandlers.ofString()), "no client certificate: the handshake fails");
        HttpClient apiServer = HttpClient.newBuilder().sslContext(server.pki().kubeletClientContext()).build();
        assertEquals("ok", apiServer.send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void statsSummaryReportsPodCpuAndMemory() throws Exception {
        runningPod("burner", "Always", "while true; do :; done");
        HttpClient c = HttpClient.newBuilder().sslContext(server.pki().kubeletClientContext()).build();
        JsonNode summary = MAPPER.readTree(c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + agent.kubeletPort()
                + "/stats/summary")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(NODE, summary.path("node").path("nodeName").asText());
        assertTrue(summary.path("node").path("memory").path("workingSetBytes").asLong() > 0, summary.path("node").toString());
        JsonNode burner = null;
        for (JsonNode p : summary.path("pods")) {
            if (p.path("podRef").path("name").asText().equals("burner")) {
                burner = p;
            }
        }
        assertTrue(burner != null, summary.toString());
        // A busy loop uses most of a core: well above 200 millicores even on a shared machine.
        assertTrue(burner.path("cpu").path("usageNanoCores").asLong() > 200_000_000L, burner.toString());
        assertTrue(burner.path("memory").path("workingSetBytes").asLong() > 0, burner.toString());
        JsonNode metrics = MAPPER.readTree(c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + agent.kubeletPort()
                + "/apis/metrics.k8s.io/v1beta1/pods")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertEquals("PodMetricsList", metrics.path("kind").asText());
        String cpu = null;
        for (JsonNode item : metrics.path("items")) {
            if (item.path("metadata").path("name").asText().equals("burner")) {
                cpu = item.path("containers").path(0).path("usage").path("cpu").asText();
            }
        }
        assertTrue(cpu != null && cpu.endsWith("n") && Long.parseLong(cpu.substring(0, cpu.length() - 1)) > 200_000_000L,
                "PodMetrics cpu in nanocores: " + metrics);
        // the API server serves metrics.k8s.io from the nodes' kubelet APIs: kubectl top reads it
        String top = await("kubectl top", () -> kubectl("top", "pod", "burner", "--no-headers"), out -> out.startsWith("burner"));
        String[] cols = top.trim().split("\\s+");
        assertTrue(cols[1].endsWith("m") && Long.parseLong(cols[1].substring(0, cols[1].length() - 1)) > 200, "kubectl top: " + top);
        client.delete(Resource.PODS, "default", "burner", MAPPER.createObjectNode().put("gracePeriodSeconds", 0));
    }

    private static void runningPod(String name, String restart, String script) throws Exception {
        client.create(Resource.PODS, "default", node.pod(name, restart, script));
        await(name + " running", () -> client.get(Resource.PODS, "default", name),
                p -> p.path("status").path("containerStatuses").path(0).path("state").has("running"));
    }

    record Result(int code, String out, String err) {}

    private static Result run(String... args) throws Exception {
        return runWithInput(null, args);
    }

    /** kubectl with {@code input} on its stdin, then end of file (none at all when null). */
    private static Result runWithInput(String input, String... args) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(KUBECTL), "kubectl 1.33 is not installed at " + KUBECTL);
        List<String> cmd = new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", server.kubeconfig().toString()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "kubectl", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        try (var stdin = p.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), out, Files.readString(err));
    }

    private static String kubectl(String... args) throws Exception {
        Result r = run(args);
        assertEquals(0, r.code(), "kubectl " + String.join(" ", args) + ": " + r.err());
        return r.out();
    }

    private static <T> T await(String what, Callable<T> get, Predicate<T> ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        T last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get.call();
                if (ok.test(last)) {
                    return last;
                }
            } catch (AssertionError | RuntimeException e) {
                // not yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
    }

    @FunctionalInterface
    interface Callable<T> {
        T call() throws Exception;
    }
}
