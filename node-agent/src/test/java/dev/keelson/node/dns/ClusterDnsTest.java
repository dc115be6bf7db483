package dev.keelson.node.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.client.Resource;
import dev.keelson.control.store.sqlite.SqliteStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The cluster DNS server against a real API server, queried over UDP and TCP with dnsjava's resolver. */
class ClusterDnsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    @TempDir
    static Path dir;
    static SqliteStore store;
    static ApiServer server;
    static KubeClient client;
    static TinyUpstream upstream;
    static ClusterDns dns;

    @BeforeAll
    static void start() throws Exception {
        store = SqliteStore.open(dir.resolve("state.db"));
        server = ApiServer.start(ApiServerConfig.of(dir.resolve("server"), store).withBind("127.0.0.1", 0));
        client = new KubeClient(Kubeconfig.load(server.kubeconfig()), "dns-test");
        client.create(Resource.NAMESPACES, null, (ObjectNode) MAPPER.readTree("{\"metadata\":{\"name\":\"shop\"}}"));
        upstream = new TinyUpstream(false);
        dns = ClusterDns.start(client, new DnsConfig("127.0.0.1", 0, "cluster.local", List.of(upstream.address()),
                Duration.ofSeconds(1), 5));
        service("web", "{\"selector\":{\"app\":\"web\"},\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":8080}]}");
        service("db", """
            {"clusterIP":"None","selector":{"app":"db"},
             "ports":[{"name":"pg","port":5432},{"name":"stats","port":9000,"protocol":"UDP"}]}""");
        client.create(Resource.ENDPOINTSLICES, "shop", (ObjectNode) MAPPER.readTree("""
            {"metadata":{"name":"db-abc","labels":{"kubernetes.io/service-name":"db"}},"addressType":"IPv4",
             "endpoints":[{"addresses":["10.244.0.5"],"hostname":"db-0","conditions":{"ready":true}},
                          {"addresses":["10.244.1.6"],"conditions":{"ready":true}},
                          {"addresses":["10.244.1.7"],"conditions":{"ready":false}}],
             "ports":[{"name":"pg","port":5432,"protocol":"TCP"},{"name":"stats","port":9001,"protocol":"UDP"}]}"""));
        service("ext", "{\"type\":\"ExternalName\",\"externalName\":\"example.test\"}");
        await("db endpoints", () -> query("db.shop.svc.cluster.local.", Type.A, false),
                m -> m.getSection(Section.ANSWER).size() == 2);
    }

    @AfterAll
    static void stop() throws Exception {
        dns.close();
        upstream.close();
        server.close();
        store.close();
    }

    static void service(String name, String spec) throws Exception {
        ObjectNode s = MAPPER.createObjectNode();
        s.putObject("metadata").put("name", name);
        s.set("spec", MAPPER.readTree(spec));
        client.create(Resource.SERVICES, "shop", s);
    }

    static String clusterIp(String name) {
        return client.get(Resource.SERVICES, "shop", name).path("spec").path("clusterIP").asText();
    }

    static Message query(String name, int type, boolean tcp) throws Exception {
        SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
        r.setPort(dns.port());
        r.setTCP(tcp);
        r.setTimeout(Duration.ofSeconds(5));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    static List<String> answers(Message m) {
        List<String> out = new ArrayList<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            out.add(Type.string(r.getType()) + " " + r.rdataToString());
        }
        return List.copyOf(new TreeSet<>(out));
    }

    static Message await(String what, Callable get, Predicate<Message> ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Message last = null;
        while (System.nanoTime() < deadline) {
            last = get.call();
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
    }

    interface Callable {
        Message call() throws Exception;
    }

    @Test
    void serviceNameResolvesToItsClusterIpOverUdpAndTcp() throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Message m = query("web.shop.svc.cluster.local.", Type.A, tcp);
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertTrue(m.getHeader().getFlag(Flags.AA), "authoritative for the cluster domain");
            assertEquals(List.of("A " + clusterIp("web")), answers(m));
            assertEquals(5, m.getSection(Section.ANSWER).getFirst().getTTL());
        }
        assertEquals(List.of("A 10.96.0.1"), answers(query("KUBERNETES.default.svc.cluster.local.", Type.A, false)),
                "names are case-insensitive; the kubernetes Service resolves");
    }

    @Test
    void missingNamesAreNxdomainAndMissingTypesAreNodata() throws Exception {
        int forwarded = upstream.queries.get();
        Message none = query("nope.shop.svc.cluster.local.", Type.A, false);
        assertEquals(Rcode.NXDOMAIN, none.getRcode());
        assertEquals(Type.SOA, none.getSection(Section.AUTHORITY).getFirst().getType(), "negative answers carry the SOA");
        Message aaaa = query("web.shop.svc.cluster.local.", Type.AAAA, false);
        assertEquals(Rcode.NOERROR, aaaa.getRcode(), "an IPv4-only Service exists: NODATA for AAAA");
        assertTrue(aaaa.getSection(Section.ANSWER).isEmpty());
        assertEquals(Rcode.NOERROR, query("svc.cluster.local.", Type.A, false).getRcode(), "empty non-terminal");
        assertEquals(Rcode.NOERROR, query("shop.svc.cluster.local.", Type.A, false).getRcode());
        assertEquals(Rcode.NXDOMAIN, query("ghost.svc.cluster.local.", Type.A, false).getRcode());
        assertEquals(Rcode.NXDOMAIN, query("web.shop.cluster.local.", Type.A, false).getRcode());
        assertEquals(forwarded, upstream.queries.get(), "nothing under the cluster domain is forwarded");
    }

    @Test
    void headlessServiceResolvesToItsReadyEndpoints() throws Exception {
        Message m = query("db.shop.svc.cluster.local.", Type.A, false);
        assertEquals(List.of("A 10.244.0.5", "A 10.244.1.6"), answers(m), "the not-ready endpoint is left out");
        assertEquals(List.of("A 10.244.0.5"), answers(query("db-0.db.shop.svc.cluster.local.", Type.A, false)));
        assertEquals(List.of("A 10.244.1.6"), answers(query("10-244-1-6.db.shop.svc.cluster.local.", Type.A, true)));
        assertEquals(Rcode.NXDOMAIN, query("db-9.db.shop.svc.cluster.local.", Type.A, false).getRcode());
    }

    @Test
    void srvRecordsNameThePortAndTarget() throws Exception {
        Message web = query("_http._tcp.web.shop.svc.cluster.local.", Type.SRV, false);
        assertEquals(List.of("SRV 0 100 80 web.shop.svc.cluster.local."), answers(web));
        List<String> glue = web.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A)
                .map(r -> r.getName() + " " + r.rdataToString()).toList();
        assertEquals(List.of("web.shop.svc.cluster.local. " + clusterIp("web")), glue, "the target's address comes along");
        Message db = query("_stats._udp.db.shop.svc.cluster.local.", Type.SRV, true);
        assertEquals(List.of("SRV 0 50 9001 10-244-1-6.db.shop.svc.cluster.local.", "SRV 0 50 9001 db-0.db.shop.svc.cluster.local."),
                answers(db), "headless: one per endpoint, on the endpoints' port");
        assertEquals(Rcode.NXDOMAIN, query("_pg._udp.db.shop.svc.cluster.local.", Type.SRV, false).getRcode(),
                "pg is TCP only");
        Message nodata = query("_http._tcp.web.shop.svc.cluster.local.", Type.A, false);
        assertEquals(Rcode.NOERROR, nodata.getRcode());
        assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
    }

    @Test
    void podNamesExternalNamesAndReverseLookups() throws Exception {
        assertEquals(List.of("A 10.244.3.9"), answers(query("10-244-3-9.shop.pod.cluster.local.", Type.A, false)));
        assertEquals(List.of("CNAME example.test."), answers(query("ext.shop.svc.cluster.local.", Type.A, false)));
        Message ptr = query(ReverseMap.fromAddress(clusterIp("web")).toString(), Type.PTR, false);
        assertEquals(List.of("PTR web.shop.svc.cluster.local."), answers(ptr));
        Message podPtr = query(ReverseMap.fromAddress("10.244.0.5").toString(), Type.PTR, false);
        assertEquals(List.of("PTR db-0.db.shop.svc.cluster.local."), answers(podPtr));
    }

    @Test
    void answersFollowServiceChanges() throws Exception {
        service("late", "{\"selector\":{\"app\":\"late\"},\"ports\":[{\"port\":80}]}");
        String ip = clusterIp("late");
        await("late appears", () -> query("late.shop.svc.cluster.local.", Type.A, false),
                m -> answers(m).equals(List.of("A " + ip)));
        client.delete(Resource.SERVICES, "shop", "late", null);
        await("late disappears", () -> query("late.shop.svc.cluster.local.", Type.A, false),
                m -> m.getRcode() == Rcode.NXDOMAIN);
    }

    @Test
    void otherNamesAreForwardedToTheUpstream() throws Exception {
        Message m = query("example.test.", Type.A, false);
        assertEquals(List.of("A 192.0.2.1"), answers(m));
        assertFalse(m.getHeader().getFlag(Flags.AA));
        assertEquals(Rcode.NXDOMAIN, query("missing.test.", Type.A, false).getRcode(), "the upstream's NXDOMAIN passes through");
        assertTrue(upstream.queries.get() >= 2);
    }

    @Test
    void aSilentUpstreamEndsInServfailAfterTheTimeout() throws Exception {
        try (TinyUpstream silent = new TinyUpstream(true);
             ClusterDns lonely = ClusterDns.start(client, new DnsConfig("127.0.0.1", 0, "cluster.local",
                     List.of(silent.address()), Duration.ofMillis(300), 5))) {
            SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), lonely.port()));
            r.setTimeout(Duration.ofSeconds(5));
            long t0 = System.nanoTime();
            Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("example.test."), Type.A, DClass.IN)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(Rcode.SERVFAIL, m.getRcode());
            assertTrue(ms >= 250 && ms < 3000, "answered after the 300 ms timeout, took " + ms + " ms");
            assertEquals(1, silent.queries.get());
            // The cluster domain still answers without any upstream.
            Message own = r.send(Message.newQuery(Record.newRecord(Name.fromString("web.shop.svc.cluster.local."),
                    Type.A, DClass.IN)));
            assertEquals(List.of("A " + clusterIp("web")), answers(own));
        }
    }

    @Test
    void busyboxNslookupResolvesAServiceOnPort53() throws Exception {
        Path busybox = Path.of("/bin/busybox");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(busybox), "no busybox");
        ClusterDns on53;
        try {
            on53 = ClusterDns.start(client, new DnsConfig("127.0.0.53", 53, "cluster.local", List.of(upstream.address()),
                    Duration.ofSeconds(1), 5));
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("cannot bind 127.0.0.53:53 here: " + e.getMessage());
            return;
        }
        try (on53) {
            Process p = new ProcessBuilder(busybox.toString(), "nslookup", "-type=a", "web.shop.svc.cluster.local",
                    "127.0.0.53").redirectErrorStream(true).start();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("Address: " + clusterIp("web")), out);
        }
    }

}
