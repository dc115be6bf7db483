package dev.keelson.control.api;

import static dev.keelson.control.api.RestTest.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.model.Cidr;
import dev.keelson.control.model.Ips;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cluster IPs and node ports handed out by the API server, over HTTP, with Kubernetes' error wording. */
class ServiceAllocationTest {
    static TestApi api;
    static final Cidr RANGE = Cidr.parse("10.96.0.0/12");

    @BeforeAll
    static void start() throws Exception {
        api = new TestApi();
        api.namespace("alloc");
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    static String svc(String name, String specExtra) {
        return """
            {"metadata":{"name":"%s"},"spec":{%s"selector":{"app":"x"},"ports":[{"port":80}]}}"""
                .formatted(name, specExtra.isEmpty() ? "" : specExtra + ",");
    }

    static JsonNode create(TestApi a, String ns, String body) throws Exception {
        TestApi.Reply r = a.post("/api/v1/namespaces/" + ns + "/services", body);
        assertEquals(201, r.code(), r.text());
        return r.json();
    }

    @Test
    void createAssignsAFreeIpOfTheServiceRange() throws Exception {
        JsonNode s = create(api, "alloc", svc("plain", ""));
        String ip = s.path("spec").path("clusterIP").asText();
        InetAddress a = InetAddress.getByName(ip);
        assertTrue(RANGE.contains(a), ip);
        assertNotEquals("10.96.0.0", ip);
        assertNotEquals("10.96.0.1", ip, "the kubernetes Service holds the first IP");
        assertEquals("[\"" + ip + "\"]", s.path("spec").path("clusterIPs").toString());
        assertEquals("[\"IPv4\"]", s.path("spec").path("ipFamilies").toString());
        assertEquals(s, api.get("/api/v1/namespaces/alloc/services/plain").json());
    }

    @Test
    void headlessServiceGetsNoIp() throws Exception {
        JsonNode s = create(api, "alloc", svc("headless", "\"clusterIP\":\"None\""));
        assertEquals("None", s.path("spec").path("clusterIP").asText());
        assertEquals("[\"None\"]", s.path("spec").path("clusterIPs").toString());
    }

    @Test
    void requestedIpIsGivenOnceAndMustBeInRange() throws Exception {
        JsonNode s = create(api, "alloc", svc("fixed", "\"clusterIP\":\"10.96.0.10\""));
        assertEquals("10.96.0.10", s.path("spec").path("clusterIP").asText());
        assertStatus(api.post("/api/v1/namespaces/alloc/services", svc("fixed2", "\"clusterIP\":\"10.96.0.10\"")),
                422, "Invalid", "Service \"fixed2\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.10\"}: "
                        + "failed to allocate IP 10.96.0.10: provided IP is already allocated");
        assertStatus(api.post("/api/v1/namespaces/alloc/services", svc("outside", "\"clusterIP\":\"10.0.0.5\"")),
                422, "Invalid", "Service \"outside\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.0.0.5\"}: "
                        + "failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. "
                        + "The range of valid IPs is 10.96.0.0/12");
        assertStatus(api.post("/api/v1/namespaces/alloc/services", svc("bad", "\"clusterIP\":\"10.96.0.x\"")),
                422, "Invalid", null);
        assertEquals(404, api.get("/api/v1/namespaces/alloc/services/fixed2").code(), "nothing was stored");
    }

    @Test
    void deleteFreesTheIpAndNodePorts() throws Exception {
        create(api, "alloc", svc("gone", "\"type\":\"NodePort\",\"clusterIP\":\"10.96.0.20\""));
        JsonNode first = api.get("/api/v1/namespaces/alloc/services/gone").json();
        long np = first.path("spec").path("ports").get(0).path("nodePort").asLong();
        assertEquals(200, api.delete("/api/v1/namespaces/alloc/services/gone").code());
        JsonNode again = create(api, "alloc", svc("gone2", "\"type\":\"NodePort\",\"clusterIP\":\"10.96.0.20\"")
                .replace("{\"port\":80}", "{\"port\":80,\"nodePort\":" + np + "}"));
        assertEquals(np, again.path("spec").path("ports").get(0).path("nodePort").asLong());
    }

    @Test
    void nodePortsAreRandomOrRequestedAndNeverShared() throws Exception {
        JsonNode s = create(api, "alloc", """
            {"metadata":{"name":"np"},"spec":{"type":"NodePort","selector":{"app":"x"},
             "ports":[{"name":"a","port":53,"protocol":"UDP"},{"name":"b","port":53,"protocol":"TCP"},
                      {"name":"c","port":8080,"nodePort":31080}]}}""");
        JsonNode ports = s.path("spec").path("ports");
        long dns = ports.get(0).path("nodePort").asLong();
        assertTrue(dns >= 30000 && dns <= 32767, ports.toString());
        assertEquals(dns, ports.get(1).path("nodePort").asLong(), "one port number shares its node port across protocols");
        assertEquals(31080, ports.get(2).path("nodePort").asLong());
        assertStatus(api.post("/api/v1/namespaces/alloc/services", svc("np2", "\"type\":\"NodePort\"")
                        .replace("{\"port\":80}", "{\"port\":80,\"nodePort\":31080}")),
                422, "Invalid", "Service \"np2\" is invalid: spec.ports[0].nodePort: Invalid value: 31080: "
                        + "provided port is already allocated");
        assertStatus(api.post("/api/v1/namespaces/alloc/services", svc("np3", "\"type\":\"NodePort\"")
                        .replace("{\"port\":80}", "{\"port\":80,\"nodePort\":8080}")),
                422, "Invalid", "Service \"np3\" is invalid: spec.ports[0].nodePort: Invalid value: 8080: "
                        + "provided port is not in the valid range. The range of valid ports is 30000-32767");
        JsonNode lb = create(api, "alloc", svc("lb", "\"type\":\"LoadBalancer\""));
        assertTrue(lb.path("spec").path("ports").get(0).path("nodePort").asLong() >= 30000);
        JsonNode cip = create(api, "alloc", svc("cip", ""));
        assertFalse(cip.path("spec").path("ports").get(0).has("nodePort"));
    }

    @Test
    void clusterIpCannotChangeAndIsKeptWhenLeftOut() throws Exception {
        JsonNode s = create(api, "alloc", svc("upd", "\"type\":\"NodePort\""));
        String ip = s.path("spec").path("clusterIP").asText();
        long np = s.path("spec").path("ports").get(0).path("nodePort").asLong();
        String rv = s.path("metadata").path("resourceVersion").asText();
        // A PUT that leaves both out (as a hand-written manifest does) keeps them.
        TestApi.Reply kept = api.put("/api/v1/namespaces/alloc/services/upd", """
            {"metadata":{"name":"upd","resourceVersion":"%s","labels":{"v":"2"}},
             "spec":{"type":"NodePort","selector":{"app":"x"},"ports":[{"port":80}]}}""".formatted(rv));
        assertEquals(200, kept.code(), kept.text());
        assertEquals(ip, kept.json().path("spec").path("clusterIP").asText());
        assertEquals(np, kept.json().path("spec").path("ports").get(0).path("nodePort").asLong());
        assertStatus(api.put("/api/v1/namespaces/alloc/services/upd", """
            {"metadata":{"name":"upd"},
             "spec":{"type":"NodePort","clusterIP":"10.96.0.99","selector":{"app":"x"},"ports":[{"port":80}]}}"""),
                422, "Invalid", "Service \"upd\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.99\"}: "
                        + "may not change once set");
        // NodePort → ClusterIP gives the node port back.
        TestApi.Reply demoted = api.patch("/api/v1/namespaces/alloc/services/upd", "application/merge-patch+json",
                "{\"spec\":{\"type\":\"ClusterIP\",\"externalTrafficPolicy\":null}}");
        assertEquals(200, demoted.code(), demoted.text());
        assertFalse(demoted.json().path("spec").path("ports").get(0).has("nodePort"), demoted.text());
        create(api, "alloc", svc("reuse", "\"type\":\"NodePort\"")
                .replace("{\"port\":80}", "{\"port\":80,\"nodePort\":" + np + "}"));
    }

    @Test
    void concurrentCreatesNeverShareAnIpAndStopWhenTheRangeIsFull() throws Exception {
        Path dir = Files.createTempDirectory("keelson-alloc-");
        // A /27 has 30 usable addresses; the kubernetes Service holds the first.
        try (TestApi small = new TestApi(dir, true, c -> c.withServiceCidrs(List.of("10.100.0.0/27")))) {
            small.namespace("race");
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<TestApi.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String body = svc("s" + i, "");
                replies.add(pool.submit((Callable<TestApi.Reply>) () -> small.post("/api/v1/namespaces/race/services", body)));
            }
            pool.shutdown();
            Set<String> ips = new HashSet<>();
            int created = 0;
            for (Future<TestApi.Reply> f : replies) {
                TestApi.Reply r = f.get();
                if (r.code() == 201) {
                    created++;
                    assertTrue(ips.add(r.json().path("spec").path("clusterIP").asText()), "IP handed out twice");
                } else {
                    assertStatus(r, 500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full");
                }
            }
            assertEquals(29, created);
            assertFalse(ips.contains("10.100.0.1") || ips.contains("10.100.0.0") || ips.contains("10.100.0.31"), ips.toString());
        }
    }

    @Test
    void concurrentRequestsForOneIpHaveOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<TestApi.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String body = svc("want" + i, "\"clusterIP\":\"10.96.1.1\"");
            replies.add(pool.submit(() -> api.post("/api/v1/namespaces/alloc/services", body)));
        }
        pool.shutdown();
        int won = 0;
        for (Future<TestApi.Reply> f : replies) {
            TestApi.Reply r = f.get();
            if (r.code() == 201) {
                won++;
            } else {
                assertEquals(422, r.code(), r.text());
            }
        }
        assertEquals(1, won);
    }

    @Test
    void allocationsSurviveRestartAndOrphansAreRepaired() throws Exception {
        Path dir = Files.createTempDirectory("keelson-alloc-");
        TestApi first = new TestApi(dir, false, c -> c);
        first.namespace("keep");
        create(first, "keep", svc("held", "\"clusterIP\":\"10.96.2.2\""));
        // A record whose Service never got written (a crash between the two writes), from long ago.
        first.store.create("/registry/ranges/serviceips/10.96.3.3", "keep/ghost/uid\n1000".getBytes(StandardCharsets.UTF_8), 0);
        // And a Service whose record is missing (a store from before allocation records).
        create(first, "keep", svc("unrecorded", "\"clusterIP\":\"10.96.4.4\""));
        first.store.delete("/registry/ranges/serviceips/10.96.4.4", 0);
        first.close();
        try (TestApi second = new TestApi(dir, true, c -> c)) {
            assertStatus(second.post("/api/v1/namespaces/keep/services", svc("dup", "\"clusterIP\":\"10.96.2.2\"")),
                    422, "Invalid", null);
            assertStatus(second.post("/api/v1/namespaces/keep/services", svc("dup2", "\"clusterIP\":\"10.96.4.4\"")),
                    422, "Invalid", null);
            JsonNode freed = create(second, "keep", svc("ghost2", "\"clusterIP\":\"10.96.3.3\""));
            assertEquals("10.96.3.3", freed.path("spec").path("clusterIP").asText());
        }
    }

    @Test
    void kubernetesServicePointsAtTheApiServer() throws Exception {
        JsonNode svc = api.get("/api/v1/namespaces/default/services/kubernetes").json();
        assertEquals("10.96.0.1", svc.path("spec").path("clusterIP").asText(), svc.toString());
        JsonNode port = svc.path("spec").path("ports").get(0);
        assertEquals(443, port.path("port").asInt());
        assertEquals(api.server.port(), port.path("targetPort").asInt());
        JsonNode ep = api.get("/api/v1/namespaces/default/endpoints/kubernetes").json();
        assertEquals("127.0.0.1", ep.path("subsets").get(0).path("addresses").get(0).path("ip").asText(), ep.toString());
        assertEquals(api.server.port(), ep.path("subsets").get(0).path("ports").get(0).path("port").asInt());
        JsonNode slice = api.get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes").json();
        assertEquals("kubernetes", slice.path("metadata").path("labels").path("kubernetes.io/service-name").asText());
        assertEquals("127.0.0.1", slice.path("endpoints").get(0).path("addresses").get(0).asText(), slice.toString());
        assertEquals(api.server.port(), slice.path("ports").get(0).path("port").asInt());
    }

    @Test
    void kubernetesServiceFollowsTheServerAcrossRestarts() throws Exception {
        Path dir = Files.createTempDirectory("keelson-alloc-");
        TestApi first = new TestApi(dir, false, c -> c);
        String uid = first.get("/api/v1/namespaces/default/services/kubernetes").json().path("metadata").path("uid").asText();
        first.close();
        try (TestApi second = new TestApi(dir, true, c -> c.withAdvertiseAddress("192.0.2.7"))) {
            JsonNode svc = second.get("/api/v1/namespaces/default/services/kubernetes").json();
            assertEquals(uid, svc.path("metadata").path("uid").asText(), "the same Service, re-pointed");
            assertEquals(second.server.port(), svc.path("spec").path("ports").get(0).path("targetPort").asInt());
            JsonNode slice = second.get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes").json();
            assertEquals("192.0.2.7", slice.path("endpoints").get(0).path("addresses").get(0).asText());
            assertEquals(second.server.port(), slice.path("ports").get(0).path("port").asInt());
        }
    }

    @Test
    void dualStackServicesGetOneIpPerFamily() throws Exception {
        Path dir = Files.createTempDirectory("keelson-alloc-");
        try (TestApi dual = new TestApi(dir, true, c -> c.withServiceCidrs(List.of("10.96.0.0/16", "fd00:10:96::/112")))) {
            dual.namespace("dual");
            JsonNode s = create(dual, "dual", svc("both", "\"ipFamilyPolicy\":\"PreferDualStack\""));
            JsonNode ips = s.path("spec").path("clusterIPs");
            assertEquals(2, ips.size(), s.toString());
            assertEquals("[\"IPv4\",\"IPv6\"]", s.path("spec").path("ipFamilies").toString());
            InetAddress v6 = InetAddress.getByName(ips.get(1).asText());
            assertTrue(Cidr.parse("fd00:10:96::/112").contains(v6));
            assertEquals(Ips.format(v6), ips.get(1).asText(), "IPv6 in its compressed form");
            JsonNode six = create(dual, "dual", svc("six", "\"ipFamilies\":[\"IPv6\"],\"clusterIP\":\"fd00:10:96::a\""));
            assertEquals("fd00:10:96::a", six.path("spec").path("clusterIP").asText());
            assertEquals("[\"IPv6\"]", six.path("spec").path("ipFamilies").toString());
        }
        assertStatus(api.post("/api/v1/namespaces/alloc/services", svc("need2", "\"ipFamilyPolicy\":\"RequireDualStack\"")),
                422, "Invalid", "Service \"need2\" is invalid: spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": "
                        + "this cluster is not configured for dual-stack services");
    }
}
