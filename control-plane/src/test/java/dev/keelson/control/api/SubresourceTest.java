package dev.keelson.control.api;

import static dev.keelson.control.api.RestTest.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** scale, status, binding, eviction and log. */
class SubresourceTest {
    static TestApi api;

    @BeforeAll
    static void start() throws Exception {
        api = new TestApi();
        api.namespace("sub");
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    static void pod(String name, String extra) throws Exception {
        TestApi.Reply r = api.post("/api/v1/namespaces/sub/pods", "{\"metadata\":{\"name\":\"" + name
                + "\"},\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"busybox\"}]" + extra + "}}");
        assertEquals(201, r.code(), r.text());
    }

    @Test
    void scaleReadsAndWritesReplicas() throws Exception {
        api.post("/apis/apps/v1/namespaces/sub/deployments", RestTest.deployment("scaled", 2));
        TestApi.Reply s = api.get("/apis/apps/v1/namespaces/sub/deployments/scaled/scale");
        assertEquals(200, s.code(), s.text());
        JsonNode scale = s.json();
        assertEquals("autoscaling/v1", scale.path("apiVersion").asText());
        assertEquals("Scale", scale.path("kind").asText());
        assertEquals(2, scale.path("spec").path("replicas").asInt());
        assertEquals("app=scaled", scale.path("status").path("selector").asText());
        ObjectNode up = (ObjectNode) scale.deepCopy();
        up.withObjectProperty("spec").put("replicas", 4);
        TestApi.Reply put = api.put("/apis/apps/v1/namespaces/sub/deployments/scaled/scale", up.toString());
        assertEquals(200, put.code(), put.text());
        assertEquals(4, put.json().path("spec").path("replicas").asInt());
        JsonNode d = api.get("/apis/apps/v1/namespaces/sub/deployments/scaled").json();
        assertEquals(4, d.path("spec").path("replicas").asInt());
        assertEquals(2, d.path("metadata").path("generation").asInt());
        assertStatus(api.put("/apis/apps/v1/namespaces/sub/deployments/scaled/scale", up.toString()), 409, "Conflict", null);
        ObjectNode negative = (ObjectNode) put.json().deepCopy();
        negative.withObjectProperty("spec").put("replicas", -1);
        assertStatus(api.put("/apis/apps/v1/namespaces/sub/deployments/scaled/scale", negative.toString()), 422, "Invalid",
                "Deployment.apps \"scaled\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
        assertStatus(api.get("/api/v1/namespaces/sub/configmaps/x/scale"), 404, "NotFound", null);
    }

    @Test
    void bindingAssignsANodeOnce() throws Exception {
        pod("bindme", "");
        String binding = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"bindme\"},"
                + "\"target\":{\"kind\":\"Node\",\"name\":\"node-a\"}}";
        TestApi.Reply b = api.post("/api/v1/namespaces/sub/pods/bindme/binding", binding);
        assertEquals(201, b.code(), b.text());
        assertEquals("Success", b.json().path("status").asText());
        JsonNode pod = api.get("/api/v1/namespaces/sub/pods/bindme").json();
        assertEquals("node-a", pod.path("spec").path("nodeName").asText());
        JsonNode cond = pod.path("status").path("conditions").get(0);
        assertEquals("PodScheduled", cond.path("type").asText());
        assertEquals("True", cond.path("status").asText());
        assertStatus(api.post("/api/v1/namespaces/sub/pods/bindme/binding", binding.replace("node-a", "node-b")), 409,
                "Conflict", "Operation cannot be fulfilled on pods/binding \"bindme\": pod bindme is already assigned to "
                        + "node \"node-a\"");
    }

    @Test
    void podStatusIsWrittenOnlyThroughStatus() throws Exception {
        pod("stat", "");
        JsonNode p = api.get("/api/v1/namespaces/sub/pods/stat").json();
        assertEquals("Pending", p.path("status").path("phase").asText());
        ObjectNode running = (ObjectNode) p.deepCopy();
        running.withObjectProperty("status").put("phase", "Running").put("podIP", "10.1.2.3");
        assertEquals("Pending", api.put("/api/v1/namespaces/sub/pods/stat", running.toString()).json()
                .path("status").path("phase").asText());
        ObjectNode latest = (ObjectNode) api.get("/api/v1/namespaces/sub/pods/stat/status").json().deepCopy();
        latest.withObjectProperty("status").put("phase", "Running").put("podIP", "10.1.2.3");
        TestApi.Reply st = api.put("/api/v1/namespaces/sub/pods/stat/status", latest.toString());
        assertEquals("Running", st.json().path("status").path("phase").asText(), st.text());
        assertEquals("10.1.2.3", api.get("/api/v1/pods?fieldSelector=status.podIP%3D10.1.2.3").json()
                .path("items").get(0).path("status").path("podIP").asText());
    }

    @Test
    void evictionDeletesThePod() throws Exception {
        pod("evictme", "");
        TestApi.Reply e = api.post("/api/v1/namespaces/sub/pods/evictme/eviction",
                "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"evictme\",\"namespace\":\"sub\"}}");
        assertEquals(201, e.code(), e.text());
        assertEquals(404, api.get("/api/v1/namespaces/sub/pods/evictme").code());
        assertStatus(api.post("/api/v1/namespaces/sub/pods/evictme/eviction",
                "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"evictme\"}}"), 404, "NotFound",
                "pods \"evictme\" not found");
    }

    @Test
    void logsNeedAReachableNode() throws Exception {
        pod("unbound", "");
        assertStatus(api.get("/api/v1/namespaces/sub/pods/unbound/log"), 400, "BadRequest",
                "pod unbound does not have a host assigned");
        assertStatus(api.get("/api/v1/namespaces/sub/pods/unbound/log?container=nope"), 400, "BadRequest",
                "container nope is not valid for pod unbound");
        pod("onnode", ",\"nodeName\":\"quiet\"");
        // A node whose kubelet endpoint is a closed loopback port.
        int closed;
        try (var s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        TestApi.Reply n = api.post("/api/v1/nodes", "{\"metadata\":{\"name\":\"quiet\"},\"status\":{\"addresses\":"
                + "[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}],\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":"
                + closed + "}}}}");
        assertEquals(201, n.code(), n.text());
        TestApi.Reply log = api.get("/api/v1/namespaces/sub/pods/onnode/log?follow=true");
        assertStatus(log, 503, "ServiceUnavailable", null);
        assertTrue(log.json().path("message").asText().contains("node \"quiet\" at 127.0.0.1:" + closed), log.text());
    }
}
