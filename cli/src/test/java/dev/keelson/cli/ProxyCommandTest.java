package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code keelson proxy} as an operator drives it, each test in a fresh network namespace (the
 * command runs on a thread inside it, as under {@code ip netns exec}); the rules are read back
 * with the real {@code nft}.
 */
@KernelTest
class ProxyCommandTest {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final String[] NODE = {"--node-name", "node-a", "--node-ip", "192.168.1.10",
            "--cluster-cidr", "10.244.0.0/16", "--service-cidr", "10.96.0.0/16"};

    @TempDir
    Path tmp;
    NetNamespace ns;
    Path yaml;

    record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        ns = NetNamespace.create("pxcli" + SEQ.incrementAndGet());
        yaml = tmp.resolve("services.yaml");
        Files.writeString(yaml, fixture());
    }

    @AfterEach
    void tearDown() {
        ns.delete();
        ns.close();
    }

    static String fixture() {
        try (InputStream in = ProxyCommandTest.class.getResourceAsStream("/proxy/services.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Result keelson(String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.add(2, "--state-dir");
        argv.add(3, tmp.resolve("state").toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = ns.run(() -> Main.run(new PrintWriter(out, true), new PrintWriter(err, true), argv.toArray(String[]::new)));
        return new Result(rc, out.toString(), err.toString());
    }

    Result apply(Path file, String... more) {
        List<String> argv = new ArrayList<>(List.of("proxy", "apply", "-f", file.toString()));
        argv.addAll(List.of(NODE));
        argv.addAll(List.of(more));
        return keelson(argv.toArray(String[]::new));
    }

    String table() {
        Command c = Command.run("ip", "netns", "exec", ns.name(), "nft", "list", "table", "inet", "keelson");
        return c.exit() == 0 ? c.out() : "";
    }

    Path variant(String name, String from, String to) throws IOException {
        Path p = tmp.resolve(name);
        String text = fixture().replace(from, to);
        assertFalse(text.equals(fixture()), "the variant must differ");
        Files.writeString(p, text);
        return p;
    }

    /**
     * Whether the rules send traffic to endpoint {@code ip:port}: a dnat rule in a service chain,
     * or an element of an endpoint map (the chain-free layout: {@code … : 10.244.1.5 . 8080}).
     */
    static boolean routesTo(String rules, String ip, int port) {
        return rules.contains("dnat ip to " + ip + ":" + port) || rules.contains(": " + ip + " . " + port);
    }

    @Test
    void aSecondApplyIsIncrementalAndEndsWhereAFullLoadWould() throws IOException {
        Result first = apply(yaml);
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().contains("applied 5 services (6 service ports, 6 endpoints) with nftables: full sync (no earlier state)"),
                first.out());
        assertTrue(routesTo(table(), "10.244.1.5", 8080), table());

        assertTrue(apply(yaml).out().contains("unchanged, nothing sent"));
        Result second = apply(variant("moved.yaml", "10.244.1.5]", "10.244.1.55]"));
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().matches("(?s).*incremental sync, \\d+ lines.*"), second.out());
        String afterIncremental = table();
        assertTrue(routesTo(afterIncremental, "10.244.1.55", 8080), afterIncremental);
        assertFalse(routesTo(afterIncremental, "10.244.1.5", 8080), afterIncremental);

        // Deleted behind Keelson's back: the state no longer matches, so the next apply is full.
        Command.ok("ip", "netns", "exec", ns.name(), "nft", "delete", "table", "inet", "keelson");
        Result third = apply(tmp.resolve("moved.yaml"));
        assertTrue(third.out().contains("full sync (Keelson's rules were changed or removed outside Keelson)"), third.out());
        assertEquals(afterIncremental, table(), "incremental result differs from a full load of the same manifests");
    }

    @Test
    void anIncrementalApplyOfANewAffinityTimeoutWritesTheIpv6RecordRulesToo() throws IOException {
        assertEquals(0, apply(yaml).exit());
        Result second = apply(variant("sticky900.yaml", "timeoutSeconds: 600", "timeoutSeconds: 900"));
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().matches("(?s).*incremental sync, \\d+ lines.*"), second.out());
        String afterIncremental = table();
        // The IPv6 recording rules go over netlink after the script: a later process resumes through the backend.
        assertTrue(afterIncremental.contains("@affinity6-900 update @affinity6 {"), afterIncremental);
        assertFalse(afterIncremental.contains("affinity6-600"), afterIncremental);
        Command.ok("ip", "netns", "exec", ns.name(), "nft", "delete", "table", "inet", "keelson");
        assertTrue(apply(tmp.resolve("sticky900.yaml")).out().contains("full sync"));
        assertEquals(afterIncremental, table(), "incremental result differs from a full load of the same manifests");
    }

    @Test
    void dryRunPrintsTheScriptAndChangesNothing() throws IOException {
        Result dry = apply(yaml, "--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertTrue(dry.out().startsWith("add table inet keelson\ndelete table inet keelson\n"), dry.out());
        assertTrue(routesTo(dry.out(), "10.244.1.5", 8080), dry.out());
        assertEquals("", table());
        assertTrue(keelson("proxy", "show").err().contains("No Keelson proxy rules applied"));

        apply(yaml);
        String before = table();
        Result inc = apply(variant("moved.yaml", "10.244.1.5]", "10.244.1.55]"), "--dry-run");
        // Only what the move touches: the endpoint's elements, not the whole table.
        assertTrue(inc.out().lines().count() < 12, inc.out());
        assertFalse(inc.out().contains("add table"), inc.out());
        assertTrue(inc.out().contains("add element inet keelson hairpin4 { 10.244.1.55 . 10.244.1.55 }"), inc.out());
        assertTrue(inc.err().contains("dry run, incremental sync"), inc.err());
        assertEquals(before, table());
    }

    @Test
    void showListsServicesFrontendsEndpointsAndTheLastSync() throws IOException {
        apply(yaml);
        Result show = keelson("proxy", "show");
        assertEquals(0, show.exit(), show.err());
        assertTrue(show.out().contains("""
                default/web:http TCP IPv4
                  cluster IP 10.96.0.10:80 → endpoints
                  external IP 203.0.113.7:80 → endpoints, masqueraded
                  nodePort *:30080 → endpoints, masqueraded
                  endpoints: 10.244.1.5:8080 (local), 10.244.2.6:8080
                """), show.out());
        assertTrue(show.out().contains("cluster IP [fd00:96::13]:6379 → endpoints"), show.out());
        assertTrue(show.out().contains("cluster IP 10.96.0.11:53 → reject (no endpoints)"), show.out());
        assertTrue(show.out().contains("last sync ") && show.out().matches("(?s).*: full, \\d+ lines.*"), show.out());
        assertTrue(show.out().contains("syncs 1 (1 full), errors 0"), show.out());

        JsonNode json = new ObjectMapper().readTree(keelson("proxy", "show", "--json", "--rules").out());
        assertEquals("nft", json.path("backend").asText());
        assertEquals(6, json.path("servicePorts").size());
        assertEquals("node-a", json.path("node").path("name").asText());
        assertEquals(1, json.path("lastSync").path("fullSyncs").asInt());
        assertTrue(json.path("rules").asText().contains("chain services {"), json.toString());
        assertEquals(table(), json.path("rules").asText());
    }

    @Test
    void flushRemovesTableAndStateAndIsIdempotent() {
        apply(yaml);
        assertTrue(table().contains("table inet keelson"));
        Result f1 = keelson("proxy", "flush");
        assertEquals(0, f1.exit(), f1.err());
        assertTrue(f1.out().contains("removed the state"), f1.out());
        assertEquals("", table());
        Result f2 = keelson("proxy", "flush");
        assertEquals(0, f2.exit(), f2.err());
        assertEquals("flushed table inet keelson\n", f2.out());
        assertTrue(keelson("proxy", "show").err().contains("No Keelson proxy rules applied"));
        assertTrue(apply(yaml).out().contains("full sync (no earlier state)"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "pod to ClusterIP | 10.244.0.5 | 10.96.0.10:80 | tcp | services → svc-a5lfnakv-default-web-http | DNAT to one of 10.244.1.5:8080, 10.244.2.6:8080",
        "off-cluster to ClusterIP | 192.168.7.7 | 10.96.0.10:80 | tcp | services → mark-for-masquerade → svc-a5lfnakv-default-web-http | DNAT to one of 10.244.1.5:8080, 10.244.2.6:8080",
        "no endpoints | 10.244.0.5 | 10.96.0.11:53 | udp | services → service-checks → reject-service | REJECT (the service has no endpoints)",
        "LB outside source range | 8.8.8.8 | 192.0.2.50:443 | tcp | services → fw-r6b76gny-shop-lb-tcp → drop | DROP",
        "LB Local policy | 198.51.100.9 | 192.0.2.50:443 | tcp | services → fw-r6b76gny-shop-lb-tcp → ext-r6b76gny-shop-lb-tcp | DNAT to 10.244.1.8:8443",
        "unallocated ClusterIP | 10.244.0.5 | 10.96.0.99:80 | tcp | services → service-checks | DROP",
        "not a service | 10.244.0.5 | 1.1.1.1:80 | tcp | services → service-checks | ACCEPT (not a service address: untouched)",
    })
    void traceShowsPathAndVerdict(String name, String src, String dst, String proto, String path, String verdict) {
        apply(yaml);
        Result applied = keelson("proxy", "trace", src, dst, "--proto", proto);
        Result fromFile = keelson(List.of("proxy", "trace", src, dst, "--proto", proto, "-f", yaml.toString(),
                "--node-name", "node-a", "--cluster-cidr", "10.244.0.0/16", "--service-cidr", "10.96.0.0/16")
                .toArray(String[]::new));
        for (Result r : List.of(applied, fromFile)) {
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("path:    " + path + "\n"), r.out());
            assertTrue(r.out().contains("verdict: " + verdict + "\n"), r.out());
        }
    }

    @Test
    void traceWithoutStateOrFilesFailsAndBadTargetsAreUsageErrors() {
        Result none = keelson("proxy", "trace", "10.0.0.1", "10.96.0.10:80");
        assertEquals(1, none.exit());
        assertEquals("keelson: nothing applied in this network namespace; give manifests with -f\n", none.err());
        assertEquals(2, keelson("proxy", "trace", "10.0.0.1", "10.96.0.10:99999").exit());
        assertEquals(2, keelson("proxy", "trace", "10.0.0.1", "10.96.0.10:80", "--proto", "icmp").exit());
        assertEquals(2, keelson("proxy", "trace", "nohost", "10.96.0.10:80").exit());
    }

    @Test
    void badManifestsAndOptionsNameTheProblemAndChangeNothing() throws IOException {
        Path bad = variant("bad.yaml", "port: 80, targetPort: http", "port: 70000, targetPort: http");
        Result r = apply(bad);
        assertEquals(1, r.exit());
        assertEquals("keelson: " + bad + ": Service default/web: spec.ports[0].port: 70000 is not a valid port\n", r.err());

        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, "kind: Service\nmetadata: {name: x\n");
        Result b = apply(broken);
        assertEquals(1, b.exit());
        assertTrue(b.err().startsWith("keelson: " + broken + ": manifest: (document): not valid YAML or JSON"), b.err());

        Result missing = apply(tmp.resolve("nope.yaml"));
        assertEquals(1, missing.exit());
        assertEquals("keelson: cannot read " + tmp.resolve("nope.yaml") + ": No such file or directory\n", missing.err());

        assertEquals(2, apply(yaml, "--backend", "ipvs").exit());
        Result cidr = apply(yaml, "--cluster-cidr", "10.0.0.0/99");
        assertEquals(2, cidr.exit());
        assertTrue(cidr.err().startsWith("keelson: --cluster-cidr: \"10.0.0.0/99\" is not valid"), cidr.err());
        assertEquals(2, keelson("proxy", "apply").exit(), "-f is required");
        assertEquals("", table());
    }

    @Test
    void aRefusedApplyKeepsThePreviousRulesAndTheNextApplyIsFull() throws IOException {
        apply(yaml);
        // An element removed behind Keelson's back makes the next incremental delete of it fail (ENOENT).
        Command.ok("ip", "netns", "exec", ns.name(), "nft",
                "delete element inet keelson no-endpoint-services4 { 10.96.0.11 . udp . 53 }");
        String before = table();
        Path next = tmp.resolve("next.yaml");
        Files.writeString(next, fixture().replace("10.244.1.5]", "10.244.1.55]")
                .replace("ports: [{port: 53, protocol: UDP}]", "ports: [{port: 54, protocol: UDP}]"));
        Result r = apply(next);
        assertEquals(1, r.exit(), r.out());
        List<String> lines = r.err().lines().toList();
        // An elements-only change is one netlink batch: the kernel's error, and what the batch did.
        assertTrue(lines.get(0).startsWith("keelson: nftables incremental sync of table inet keelson refused; "
                + "previous rules kept: nf_tables batch(table keelson) failed: ENOENT"), r.err());
        assertTrue(lines.get(0).contains("(the batch: delete ") && lines.get(0).contains("1 element of no-endpoint-services4"),
                r.err());
        assertTrue(lines.getLast().startsWith("keelson: the previous rules are intact (as applied at ")
                && lines.getLast().endsWith("; the next apply does a full sync"), r.err());
        assertEquals(before, table(), "a refused transaction changed the rules");
        Result show = keelson("proxy", "show");
        assertTrue(show.out().contains("errors 1"), show.out());
        assertTrue(routesTo(show.out(), "10.244.1.5", 8080) || show.out().contains("10.244.1.5:8080 (local)"), show.out());

        Result again = apply(next);
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("full sync (the previous apply failed)"), again.out());
        assertTrue(routesTo(table(), "10.244.1.55", 8080));
    }

    @Test
    void aCorruptStateFileMeansAFullSync() throws IOException {
        apply(yaml);
        Path state;
        try (var files = Files.list(tmp.resolve("state"))) {
            state = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        Files.writeString(state, "{not json");
        Result r = apply(yaml);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("is unreadable") && r.err().contains("doing a full sync"), r.err());
        assertTrue(r.out().contains("full sync (state file " + state + " is unreadable"), r.out());
        assertTrue(apply(yaml).out().contains("unchanged"), "the state was rewritten");
    }
}
