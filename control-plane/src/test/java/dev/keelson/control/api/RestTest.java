package dev.keelson.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Create, get, list, update, delete over HTTP, with the Status bodies Kubernetes clients rely on. */
class RestTest {
    static TestApi api;

    @BeforeAll
    static void start() throws Exception {
        api = new TestApi();
        api.namespace("rest");
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    static void assertStatus(TestApi.Reply r, int code, String reason, String message) {
        assertEquals(code, r.code(), r.text());
        JsonNode s = r.json();
        assertEquals("Status", s.path("kind").asText(), r.text());
        assertEquals("Failure", s.path("status").asText());
        assertEquals(reason, s.path("reason").asText(), r.text());
        assertEquals(code, s.path("code").asInt());
        if (message != null) {
            assertEquals(message, s.path("message").asText());
        }
    }

    static String deployment(String name, int replicas) {
        return """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s","labels":{"app":"%s"}},
             "spec":{"replicas":%d,"selector":{"matchLabels":{"app":"%s"}},
                     "template":{"metadata":{"labels":{"app":"%s"}},
                                 "spec":{"containers":[{"name":"c","image":"nginx:1"}]}}},
             "status":{"replicas":99}}""".formatted(name, name, replicas, name, name);
    }

    @Test
    void createSetsServerOwnedMetadataAndIgnoresStatus() throws Exception {
        TestApi.Reply r = api.post("/apis/apps/v1/namespaces/rest/deployments", deployment("web", 2));
        assertEquals(201, r.code(), r.text());
        JsonNode d = r.json();
        JsonNode meta = d.path("metadata");
        assertEquals("rest", meta.path("namespace").asText());
        assertEquals(36, meta.path("uid").asText().length());
        assertTrue(meta.path("creationTimestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertEquals(1, meta.path("generation").asInt());
        assertEquals(Long.toString(api.store.revision()), meta.path("resourceVersion").asText());
        assertFalse(d.path("status").has("replicas"), "status from a create body is dropped");
        TestApi.Reply got = api.get("/apis/apps/v1/namespaces/rest/deployments/web");
        assertEquals(d, got.json());
    }

    @Test
    void generateNameAddsFiveRandomCharacters() throws Exception {
        TestApi.Reply r = api.post("/api/v1/namespaces/rest/configmaps", "{\"metadata\":{\"generateName\":\"gen-\"}}");
        assertEquals(201, r.code(), r.text());
        assertTrue(r.json().path("metadata").path("name").asText().matches("gen-[bcdfghjklmnpqrstvwxz2456789]{5}"));
    }

    @Test
    void errorsAreStatusObjectsWithKubernetesWording() throws Exception {
        assertStatus(api.get("/api/v1/namespaces/rest/configmaps/none"), 404, "NotFound", "configmaps \"none\" not found");
        assertStatus(api.get("/apis/apps/v1/namespaces/rest/deployments/none"), 404, "NotFound",
                "deployments.apps \"none\" not found");
        assertStatus(api.post("/api/v1/namespaces/ghost/configmaps", "{\"metadata\":{\"name\":\"x\"}}"), 404, "NotFound",
                "namespaces \"ghost\" not found");
        api.post("/api/v1/namespaces/rest/configmaps", "{\"metadata\":{\"name\":\"dup\"}}");
        assertStatus(api.post("/api/v1/namespaces/rest/configmaps", "{\"metadata\":{\"name\":\"dup\"}}"), 409,
                "AlreadyExists", "configmaps \"dup\" already exists");
        TestApi.Reply bad = api.post("/api/v1/namespaces/rest/configmaps", "{\"metadata\":{\"name\":\"Bad_Name\"}}");
        assertStatus(bad, 422, "Invalid", null);
        assertTrue(bad.json().path("message").asText().startsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: "
                + "Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"), bad.text());
        JsonNode cause = bad.json().path("details").path("causes").get(0);
        assertEquals("FieldValueInvalid", cause.path("reason").asText());
        assertEquals("metadata.name", cause.path("field").asText());
        TestApi.Reply missing = api.post("/api/v1/namespaces/rest/configmaps", "{\"metadata\":{}}");
        assertStatus(missing, 422, "Invalid", null);
        assertEquals("FieldValueRequired", missing.json().path("details").path("causes").get(0).path("reason").asText());
        assertStatus(api.post("/api/v1/namespaces/rest/configmaps", "{not json"), 400, "BadRequest", null);
        assertStatus(api.post("/api/v1/namespaces/rest/configmaps",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"k\"}}"), 400, "BadRequest", null);
        assertStatus(api.send(api.request("/api/v1/namespaces/rest/configmaps").header("Content-Type", "text/html")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("<p>")).build()), 415, "UnsupportedMediaType", null);
        assertStatus(api.send(api.request("/api/v1/namespaces/rest/configmaps")
                .header("Content-Type", "application/vnd.kubernetes.protobuf")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build()),
                415, "UnsupportedMediaType", null);
    }

    @Test
    void yamlBodiesAreAccepted() throws Exception {
        TestApi.Reply r = api.send(api.request("/api/v1/namespaces/rest/configmaps")
                .header("Content-Type", "application/yaml")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("metadata:\n  name: from-yaml\ndata:\n  k: v\n"))
                .build());
        assertEquals(201, r.code(), r.text());
        assertEquals("v", r.json().path("data").path("k").asText());
    }

    @Test
    void staleUpdateGetsTheExactConflictMessageAndGenerationFollowsSpec() throws Exception {
        ObjectNode d = (ObjectNode) api.post("/apis/apps/v1/namespaces/rest/deployments", deployment("conflicted", 1)).json();
        String rv = d.path("metadata").path("resourceVersion").asText();
        ObjectNode change = d.deepCopy();
        change.withObjectProperty("spec").put("replicas", 3);
        change.withObjectProperty("status").put("replicas", 7);
        TestApi.Reply ok = api.put("/apis/apps/v1/namespaces/rest/deployments/conflicted", change.toString());
        assertEquals(200, ok.code(), ok.text());
        assertEquals(2, ok.json().path("metadata").path("generation").asInt());
        assertFalse(ok.json().path("status").has("replicas"), "status is not written through the main resource");
        assertTrue(Long.parseLong(ok.json().path("metadata").path("resourceVersion").asText()) > Long.parseLong(rv));

        ObjectNode labelOnly = (ObjectNode) ok.json().deepCopy();
        labelOnly.withObjectProperty("metadata").withObjectProperty("labels").put("tier", "front");
        TestApi.Reply labelled = api.put("/apis/apps/v1/namespaces/rest/deployments/conflicted", labelOnly.toString());
        assertEquals(2, labelled.json().path("metadata").path("generation").asInt(), "metadata changes keep generation");

        assertStatus(api.put("/apis/apps/v1/namespaces/rest/deployments/conflicted", change.toString()), 409, "Conflict",
                "Operation cannot be fulfilled on deployments.apps \"conflicted\": the object has been modified; "
                        + "please apply your changes to the latest version and try again");

        ObjectNode status = (ObjectNode) labelled.json().deepCopy();
        status.withObjectProperty("status").put("replicas", 3).put("readyReplicas", 3);
        status.withObjectProperty("spec").put("replicas", 50);
        TestApi.Reply st = api.put("/apis/apps/v1/namespaces/rest/deployments/conflicted/status", status.toString());
        assertEquals(200, st.code(), st.text());
        assertEquals(3, st.json().path("status").path("readyReplicas").asInt());
        assertEquals(3, st.json().path("spec").path("replicas").asInt(), "status writes leave spec alone");
        assertEquals(2, st.json().path("metadata").path("generation").asInt());
    }

    @Test
    void nameInBodyMustMatchTheUrl() throws Exception {
        api.post("/api/v1/namespaces/rest/configmaps", "{\"metadata\":{\"name\":\"named\"}}");
        assertStatus(api.put("/api/v1/namespaces/rest/configmaps/named", "{\"metadata\":{\"name\":\"other\"}}"), 400,
                "BadRequest", "the name of the object (other) does not match the name on the URL (named)");
    }

    @Test
    void dryRunWritesNothing() throws Exception {
        long before = api.store.revision();
        TestApi.Reply r = api.post("/api/v1/namespaces/rest/configmaps?dryRun=All", "{\"metadata\":{\"name\":\"dry\"}}");
        assertEquals(201, r.code(), r.text());
        assertEquals(before, api.store.revision());
        assertEquals(404, api.get("/api/v1/namespaces/rest/configmaps/dry").code());
        assertStatus(api.post("/api/v1/namespaces/rest/configmaps?dryRun=Some", "{\"metadata\":{\"name\":\"dry\"}}"),
                400, "BadRequest", null);
    }

    @Test
    void listFiltersByLabelAndFieldSelectors() throws Exception {
        api.namespace("sel");
        String[][] pods = {{"a", "web", "n1", "Running"}, {"b", "web", "n2", "Pending"}, {"c", "db", "n1", "Running"},
                {"d", "", "", "Pending"}};
        for (String[] p : pods) {
            String labels = p[1].isEmpty() ? "{}" : "{\"app\":\"" + p[1] + "\",\"tier\":\"t" + p[0] + "\"}";
            String node = p[2].isEmpty() ? "" : ",\"nodeName\":\"" + p[2] + "\"";
            TestApi.Reply r = api.post("/api/v1/namespaces/sel/pods", "{\"metadata\":{\"name\":\"" + p[0]
                    + "\",\"labels\":" + labels + "},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]" + node + "}}");
            assertEquals(201, r.code(), r.text());
        }
        assertEquals(List.of("a", "b"), names("/api/v1/namespaces/sel/pods?labelSelector=app%3Dweb"));
        assertEquals(List.of("a", "b"), names("/api/v1/namespaces/sel/pods?labelSelector=app%3D%3Dweb"));
        assertEquals(List.of("c", "d"), names("/api/v1/namespaces/sel/pods?labelSelector=app!%3Dweb"));
        assertEquals(List.of("a", "c"), names("/api/v1/namespaces/sel/pods?labelSelector=tier+in+(ta,tc,tz)"));
        assertEquals(List.of("b", "d"), names("/api/v1/namespaces/sel/pods?labelSelector=tier+notin+(ta,tc)"));
        assertEquals(List.of("a", "b", "c"), names("/api/v1/namespaces/sel/pods?labelSelector=app"));
        assertEquals(List.of("d"), names("/api/v1/namespaces/sel/pods?labelSelector=!app"));
        assertEquals(List.of("a", "c"), names("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1"));
        assertEquals(List.of("d"), names("/api/v1/namespaces/sel/pods?fieldSelector=spec.nodeName%3D"));
        assertEquals(List.of("a"), names("/api/v1/namespaces/sel/pods?fieldSelector=spec.nodeName%3Dn1,metadata.name!%3Dc"));
        assertEquals(List.of("a", "b"), names("/api/v1/pods?fieldSelector=metadata.namespace%3Dsel&labelSelector=app%3Dweb"));
        assertStatus(api.get("/api/v1/namespaces/sel/pods?fieldSelector=spec.color%3Dred"), 400, "BadRequest",
                "field label not supported: spec.color");
        assertStatus(api.get("/api/v1/namespaces/sel/pods?labelSelector=app+in+web"), 400, "BadRequest", null);
    }

    private List<String> names(String path) throws Exception {
        TestApi.Reply r = api.get(path);
        assertEquals(200, r.code(), r.text());
        List<String> out = new ArrayList<>();
        r.json().path("items").forEach(i -> out.add(i.path("metadata").path("name").asText()));
        return out;
    }

    @Test
    void pagesWithLimitAndContinueShowOneSnapshot() throws Exception {
        api.namespace("pages");
        for (int i = 0; i < 5; i++) {
            api.post("/api/v1/namespaces/pages/configmaps", "{\"metadata\":{\"name\":\"cm" + i + "\"}}");
        }
        TestApi.Reply first = api.get("/api/v1/namespaces/pages/configmaps?limit=2");
        JsonNode meta = first.json().path("metadata");
        assertEquals(2, first.json().path("items").size());
        assertEquals(3, meta.path("remainingItemCount").asInt());
        String token = meta.path("continue").asText();
        assertFalse(token.isEmpty());
        api.post("/api/v1/namespaces/pages/configmaps", "{\"metadata\":{\"name\":\"cm9\"}}"); // after the snapshot
        TestApi.Reply second = api.get("/api/v1/namespaces/pages/configmaps?limit=2&continue=" + token);
        assertEquals(List.of("cm2", "cm3"), itemNames(second));
        assertEquals(meta.path("resourceVersion").asText(), second.json().path("metadata").path("resourceVersion").asText());
        TestApi.Reply third = api.get("/api/v1/namespaces/pages/configmaps?limit=2&continue="
                + second.json().path("metadata").path("continue").asText());
        assertEquals(List.of("cm4"), itemNames(third), "cm9 was created after the first page");
        assertFalse(third.json().path("metadata").has("continue"));
        assertStatus(api.get("/api/v1/namespaces/pages/configmaps?continue=garbage"), 400, "BadRequest", null);
        assertStatus(api.get("/api/v1/namespaces/pages/configmaps?limit=1&continue=" + token + "&resourceVersion=5"), 400,
                "BadRequest", "specifying resource version is not allowed when using continue");
    }

    private static List<String> itemNames(TestApi.Reply r) {
        List<String> out = new ArrayList<>();
        r.json().path("items").forEach(i -> out.add(i.path("metadata").path("name").asText()));
        return out;
    }

    @Test
    void resourceVersionExactReadsThePastAndCompactedIsGone() throws Exception {
        api.namespace("past");
        TestApi.Reply one = api.post("/api/v1/namespaces/past/configmaps", "{\"metadata\":{\"name\":\"one\"}}");
        String rv = one.json().path("metadata").path("resourceVersion").asText();
        api.post("/api/v1/namespaces/past/configmaps", "{\"metadata\":{\"name\":\"two\"}}");
        assertEquals(List.of("one", "two"), itemNames(api.get("/api/v1/namespaces/past/configmaps?resourceVersion=0")));
        assertEquals(List.of("one"), itemNames(api.get("/api/v1/namespaces/past/configmaps?resourceVersion=" + rv
                + "&resourceVersionMatch=Exact")));
        assertEquals(List.of("one", "two"), itemNames(api.get("/api/v1/namespaces/past/configmaps?resourceVersion=" + rv
                + "&resourceVersionMatch=NotOlderThan")));
        assertStatus(api.get("/api/v1/namespaces/past/configmaps?resourceVersionMatch=Exact"), 400, "BadRequest", null);
        assertStatus(api.get("/api/v1/namespaces/past/configmaps?resourceVersion=99999999"), 504, "Timeout", null);
        api.store.compact(api.store.revision());
        assertStatus(api.get("/api/v1/namespaces/past/configmaps?resourceVersion=" + rv + "&resourceVersionMatch=Exact"),
                410, "Expired", null);
    }

    @Test
    void finalizersHoldDeletionUntilTheLastIsRemoved() throws Exception {
        TestApi.Reply c = api.post("/api/v1/namespaces/rest/configmaps",
                "{\"metadata\":{\"name\":\"held\",\"finalizers\":[\"example.com/hold\"]}}");
        assertEquals(201, c.code());
        TestApi.Reply d = api.delete("/api/v1/namespaces/rest/configmaps/held");
        assertEquals(200, d.code(), d.text());
        assertTrue(d.json().path("metadata").has("deletionTimestamp"), d.text());
        JsonNode still = api.get("/api/v1/namespaces/rest/configmaps/held").json();
        assertTrue(still.path("metadata").has("deletionTimestamp"));
        ObjectNode release = (ObjectNode) still.deepCopy();
        release.withObjectProperty("metadata").putArray("finalizers");
        assertEquals(200, api.put("/api/v1/namespaces/rest/configmaps/held", release.toString()).code());
        assertEquals(404, api.get("/api/v1/namespaces/rest/configmaps/held").code(), "gone with its last finalizer");
    }

    @Test
    void propagationPoliciesAddGarbageCollectorFinalizers() throws Exception {
        api.post("/apis/apps/v1/namespaces/rest/deployments", deployment("orphaned", 1));
        TestApi.Reply o = api.delete("/apis/apps/v1/namespaces/rest/deployments/orphaned",
                "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Orphan\"}");
        assertEquals("orphan", o.json().path("metadata").path("finalizers").get(0).asText(), o.text());
        api.post("/apis/apps/v1/namespaces/rest/deployments", deployment("fg", 1));
        TestApi.Reply f = api.delete("/apis/apps/v1/namespaces/rest/deployments/fg?propagationPolicy=Foreground");
        assertEquals("foregroundDeletion", f.json().path("metadata").path("finalizers").get(0).asText(), f.text());
        api.post("/apis/apps/v1/namespaces/rest/deployments", deployment("bg", 1));
        TestApi.Reply b = api.delete("/apis/apps/v1/namespaces/rest/deployments/bg?propagationPolicy=Background");
        assertEquals(200, b.code());
        assertEquals("Success", b.json().path("status").asText(), b.text());
        assertEquals(404, api.get("/apis/apps/v1/namespaces/rest/deployments/bg").code());
        assertStatus(api.delete("/apis/apps/v1/namespaces/rest/deployments/bg"), 404, "NotFound",
                "deployments.apps \"bg\" not found");
    }

    @Test
    void podsOnANodeDeleteGracefullyUnboundPodsAtOnce() throws Exception {
        String spec = "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]%s}";
        api.post("/api/v1/namespaces/rest/pods", "{\"metadata\":{\"name\":\"bound\"}," + spec.formatted(
                ",\"nodeName\":\"n1\",\"terminationGracePeriodSeconds\":20") + "}");
        api.post("/api/v1/namespaces/rest/pods", "{\"metadata\":{\"name\":\"loose\"}," + spec.formatted("") + "}");
        TestApi.Reply g = api.delete("/api/v1/namespaces/rest/pods/bound");
        assertEquals(200, g.code(), g.text());
        assertEquals(20, g.json().path("metadata").path("deletionGracePeriodSeconds").asInt(), g.text());
        assertEquals("Terminating", api.get("/api/v1/namespaces/rest/pods/bound",
                "application/json;as=Table;v=v1;g=meta.k8s.io").json().path("rows").get(0).path("cells").get(2).asText());
        TestApi.Reply shorter = api.delete("/api/v1/namespaces/rest/pods/bound?gracePeriodSeconds=5");
        assertEquals(5, shorter.json().path("metadata").path("deletionGracePeriodSeconds").asInt());
        TestApi.Reply now = api.delete("/api/v1/namespaces/rest/pods/bound?gracePeriodSeconds=0");
        assertEquals(200, now.code());
        assertEquals(404, api.get("/api/v1/namespaces/rest/pods/bound").code(), "gracePeriodSeconds=0 is immediate");
        assertEquals(200, api.delete("/api/v1/namespaces/rest/pods/loose").code());
        assertEquals(404, api.get("/api/v1/namespaces/rest/pods/loose").code(), "unbound pods go at once");
    }

    @Test
    void deletePreconditionsAreChecked() throws Exception {
        api.post("/api/v1/namespaces/rest/configmaps", "{\"metadata\":{\"name\":\"pre\"}}");
        assertStatus(api.delete("/api/v1/namespaces/rest/configmaps/pre", "{\"preconditions\":{\"uid\":\"nope\"}}"),
                409, "Conflict", null);
        assertEquals(200, api.get("/api/v1/namespaces/rest/configmaps/pre").code());
    }

    @Test
    void deleteCollectionRemovesWhatTheSelectorMatches() throws Exception {
        api.namespace("coll");
        for (String n : new String[] {"x1", "x2", "y1"}) {
            api.post("/api/v1/namespaces/coll/configmaps", "{\"metadata\":{\"name\":\"" + n + "\",\"labels\":{\"g\":\""
                    + n.charAt(0) + "\"}}}");
        }
        TestApi.Reply r = api.delete("/api/v1/namespaces/coll/configmaps?labelSelector=g%3Dx");
        assertEquals(200, r.code(), r.text());
        assertEquals(List.of("y1"), names("/api/v1/namespaces/coll/configmaps"));
    }

    @Test
    void deletingANamespaceMarksItTerminatingAndBlocksNewContent() throws Exception {
        api.namespace("doomed");
        TestApi.Reply d = api.delete("/api/v1/namespaces/doomed");
        assertEquals(200, d.code());
        assertEquals("Terminating", d.json().path("status").path("phase").asText());
        assertEquals("Terminating", api.get("/api/v1/namespaces/doomed").json().path("status").path("phase").asText());
        assertStatus(api.post("/api/v1/namespaces/doomed/configmaps", "{\"metadata\":{\"name\":\"late\"}}"), 403,
                "Forbidden", "unable to create new content in namespace doomed because it is being terminated");
    }

    @Test
    void secretsAreEncryptedAtRestAndReadBackInTheClear() throws Exception {
        TestApi.Reply r = api.post("/api/v1/namespaces/rest/secrets",
                "{\"metadata\":{\"name\":\"s\"},\"type\":\"Opaque\",\"data\":{\"password\":\"aHVudGVyMg==\"}}");
        assertEquals(201, r.code(), r.text());
        byte[] raw = api.store.get("/registry/core/secrets/rest/s").orElseThrow().value();
        String stored = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(stored.startsWith("k8s:enc:aesgcm:v1:key1:"), stored.substring(0, 30));
        assertFalse(stored.contains("aHVudGVyMg") || stored.contains("password"), "no plaintext at rest");
        assertEquals("aHVudGVyMg==", api.get("/api/v1/namespaces/rest/secrets/s").json().path("data").path("password").asText());
        byte[] cm = api.store.get("/registry/core/namespaces/rest").orElseThrow().value();
        assertTrue(new String(cm, java.nio.charset.StandardCharsets.UTF_8).startsWith("{"), "other kinds stay JSON");
        assertEquals(List.of("s"), names("/api/v1/namespaces/rest/secrets?fieldSelector=type%3DOpaque"));
    }
}
