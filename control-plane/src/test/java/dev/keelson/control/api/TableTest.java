package dev.keelson.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Server-side printing: the Table representation kubectl get asks for. */
class TableTest {
    static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
            + "g=meta.k8s.io,application/json";
    static TestApi api;

    @BeforeAll
    static void start() throws Exception {
        api = new TestApi();
        api.namespace("tab");
        api.post("/api/v1/namespaces/tab/pods", "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"nodeName\":\"n1\","
                + "\"containers\":[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"b\",\"image\":\"y\"}]}}");
        var p = api.get("/api/v1/namespaces/tab/pods/p").json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) p).putObject("status").put("phase", "Running")
                .put("podIP", "10.0.0.7").putArray("containerStatuses")
                .add(Json.object().put("name", "a").put("ready", true).put("restartCount", 2))
                .add(Json.object().put("name", "b").put("ready", false).put("restartCount", 1));
        TestApi.Reply put = api.put("/api/v1/namespaces/tab/pods/p/status", p.toString());
        assertEquals(200, put.code(), put.text());
        api.post("/apis/apps/v1/namespaces/tab/deployments", RestTest.deployment("web", 3));
        api.post("/api/v1/namespaces/tab/services", "{\"metadata\":{\"name\":\"svc\"},\"spec\":{\"type\":\"ClusterIP\","
                + "\"clusterIP\":\"10.96.0.10\",\"selector\":{\"app\":\"web\"},\"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\"},"
                + "{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\"}]}}");
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    static List<String> columns(JsonNode table) {
        List<String> out = new ArrayList<>();
        table.path("columnDefinitions").forEach(c -> out.add(c.path("name").asText() + ":" + c.path("priority").asInt()));
        return out;
    }

    @Test
    void podsPrintReadyStatusRestartsAndWideColumns() throws Exception {
        TestApi.Reply r = api.get("/api/v1/namespaces/tab/pods?includeObject=Object", TABLE);
        assertEquals(200, r.code(), r.text());
        assertEquals("application/json;as=Table;v=v1;g=meta.k8s.io", r.contentType());
        JsonNode t = r.json();
        assertEquals("Table", t.path("kind").asText());
        assertEquals("meta.k8s.io/v1", t.path("apiVersion").asText());
        assertEquals(List.of("Name:0", "Ready:0", "Status:0", "Restarts:0", "Age:0", "IP:1", "Node:1", "Nominated Node:1",
                "Readiness Gates:1"), columns(t));
        JsonNode cells = t.path("rows").get(0).path("cells");
        assertEquals("p", cells.get(0).asText());
        assertEquals("1/2", cells.get(1).asText());
        assertEquals("Running", cells.get(2).asText());
        assertEquals("3", cells.get(3).asText());
        assertTrue(cells.get(4).asText().matches("\\d+s"), cells.toString());
        assertEquals("10.0.0.7", cells.get(5).asText());
        assertEquals("n1", cells.get(6).asText());
        assertEquals("<none>", cells.get(7).asText());
        assertEquals("Pod", t.path("rows").get(0).path("object").path("kind").asText());
        assertFalse(t.path("metadata").path("resourceVersion").asText().isEmpty());
    }

    @Test
    void includeObjectChoosesWhatRowsCarry() throws Exception {
        JsonNode meta = api.get("/api/v1/namespaces/tab/pods/p", TABLE).json().path("rows").get(0).path("object");
        assertEquals("PartialObjectMetadata", meta.path("kind").asText());
        assertEquals("p", meta.path("metadata").path("name").asText());
        JsonNode none = api.get("/api/v1/namespaces/tab/pods/p?includeObject=None", TABLE).json().path("rows").get(0);
        assertFalse(none.has("object"));
        assertEquals(400, api.get("/api/v1/namespaces/tab/pods/p?includeObject=All", TABLE).code());
    }

    @Test
    void deploymentsAndServicesHaveTheirOwnColumns() throws Exception {
        JsonNode d = api.get("/apis/apps/v1/namespaces/tab/deployments", TABLE).json();
        assertEquals(List.of("Name:0", "Ready:0", "Up-to-date:0", "Available:0", "Age:0", "Containers:1", "Images:1",
                "Selector:1"), columns(d));
        JsonNode dc = d.path("rows").get(0).path("cells");
        assertEquals("0/3", dc.get(1).asText());
        assertEquals("c", dc.get(5).asText());
        assertEquals("nginx:1", dc.get(6).asText());
        assertEquals("app=web", dc.get(7).asText());
        JsonNode s = api.get("/api/v1/namespaces/tab/services", TABLE).json();
        assertEquals(List.of("Name:0", "Type:0", "Cluster-IP:0", "External-IP:0", "Port(s):0", "Age:0", "Selector:1"),
                columns(s));
        JsonNode sc = s.path("rows").get(0).path("cells");
        assertEquals("ClusterIP", sc.get(1).asText());
        assertEquals("10.96.0.10", sc.get(2).asText());
        assertEquals("<none>", sc.get(3).asText());
        assertEquals("80/TCP,53/UDP", sc.get(4).asText());
        JsonNode ns = api.get("/api/v1/namespaces", TABLE).json();
        assertEquals(List.of("Name:0", "Status:0", "Age:0"), columns(ns));
    }

    @Test
    void metadataOnlyListsAndUnacceptableMediaTypes() throws Exception {
        TestApi.Reply r = api.get("/api/v1/namespaces/tab/pods",
                "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json");
        JsonNode list = r.json();
        assertEquals("PartialObjectMetadataList", list.path("kind").asText());
        assertEquals("PartialObjectMetadata", list.path("items").get(0).path("kind").asText());
        assertFalse(list.path("items").get(0).has("spec"));
        TestApi.Reply pb = api.get("/api/v1/namespaces/tab/pods", "application/vnd.kubernetes.protobuf");
        RestTest.assertStatus(pb, 406, "NotAcceptable", null);
    }
}
