package dev.keelson.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The discovery documents, plain and aggregated (with the Content-Type kubectl checks). */
class DiscoveryTest {
    static final String KUBECTL_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    static TestApi api;

    @BeforeAll
    static void start() throws Exception {
        api = new TestApi();
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(value)) {
                return n;
            }
        }
        return null;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void legacyAndGroupDocuments() throws Exception {
        JsonNode api0 = api.get("/api").json();
        assertEquals("APIVersions", api0.path("kind").asText());
        assertEquals(List.of("v1"), texts(api0.path("versions")));
        JsonNode groups = api.get("/apis").json();
        assertEquals("APIGroupList", groups.path("kind").asText());
        for (String g : List.of("apps", "batch", "coordination.k8s.io", "discovery.k8s.io", "autoscaling")) {
            assertNotNull(find(groups.path("groups"), "name", g), g);
        }
        JsonNode autoscaling = find(groups.path("groups"), "name", "autoscaling");
        assertEquals("autoscaling/v2", autoscaling.path("preferredVersion").path("groupVersion").asText());
        JsonNode apps = api.get("/apis/apps").json();
        assertEquals("APIGroup", apps.path("kind").asText());
        assertEquals("apps", apps.path("name").asText());
        assertEquals(404, api.get("/apis/nope.example.com").code());
    }

    @Test
    void resourceListsDescribeEachResourceAndSubresource() throws Exception {
        JsonNode v1 = api.get("/api/v1").json();
        assertEquals("APIResourceList", v1.path("kind").asText());
        assertEquals("v1", v1.path("groupVersion").asText());
        JsonNode pods = find(v1.path("resources"), "name", "pods");
        assertEquals("pod", pods.path("singularName").asText());
        assertTrue(pods.path("namespaced").asBoolean());
        assertEquals("Pod", pods.path("kind").asText());
        assertEquals(List.of("po"), texts(pods.path("shortNames")));
        assertEquals(List.of("all"), texts(pods.path("categories")));
        assertTrue(texts(pods.path("verbs")).containsAll(List.of("get", "list", "watch", "create", "update", "patch",
                "delete", "deletecollection")));
        assertFalse(pods.path("storageVersionHash").asText().isEmpty());
        for (String sub : List.of("pods/status", "pods/binding", "pods/eviction", "pods/log")) {
            assertNotNull(find(v1.path("resources"), "name", sub), sub);
        }
        assertEquals("policy", find(v1.path("resources"), "name", "pods/eviction").path("group").asText());
        JsonNode ns = find(v1.path("resources"), "name", "namespaces");
        assertFalse(ns.path("namespaced").asBoolean());
        for (String[] sn : new String[][] {{"services", "svc"}, {"endpoints", "ep"}, {"nodes", "no"}, {"configmaps", "cm"},
                {"namespaces", "ns"}, {"serviceaccounts", "sa"}, {"events", "ev"}}) {
            assertEquals(List.of(sn[1]), texts(find(v1.path("resources"), "name", sn[0]).path("shortNames")), sn[0]);
        }
        JsonNode apps = api.get("/apis/apps/v1").json();
        JsonNode scale = find(apps.path("resources"), "name", "deployments/scale");
        assertEquals("autoscaling", scale.path("group").asText());
        assertEquals("v1", scale.path("version").asText());
        assertEquals("Scale", scale.path("kind").asText());
        assertEquals(List.of("deploy"), texts(find(apps.path("resources"), "name", "deployments").path("shortNames")));
        assertEquals(List.of("hpa"), texts(find(api.get("/apis/autoscaling/v2").json().path("resources"), "name",
                "horizontalpodautoscalers").path("shortNames")));
        assertEquals(404, api.get("/apis/apps/v2").code());
    }

    @Test
    void aggregatedDiscoveryAnswersWithItsOwnContentType() throws Exception {
        TestApi.Reply legacy = api.get("/api", KUBECTL_ACCEPT);
        assertEquals("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", legacy.contentType());
        JsonNode list = legacy.json();
        assertEquals("APIGroupDiscoveryList", list.path("kind").asText());
        assertEquals("apidiscovery.k8s.io/v2", list.path("apiVersion").asText());
        JsonNode core = list.path("items").get(0);
        assertFalse(core.path("metadata").has("name"), "the legacy group has no name");
        JsonNode v1 = core.path("versions").get(0);
        assertEquals("v1", v1.path("version").asText());
        assertEquals("Current", v1.path("freshness").asText());
        JsonNode pods = find(v1.path("resources"), "resource", "pods");
        assertEquals("Namespaced", pods.path("scope").asText());
        assertEquals("Pod", pods.path("responseKind").path("kind").asText());
        assertEquals("pod", pods.path("singularResource").asText());
        assertNotNull(find(pods.path("subresources"), "subresource", "status"));
        assertEquals("Cluster", find(v1.path("resources"), "resource", "nodes").path("scope").asText());

        TestApi.Reply named = api.get("/apis", KUBECTL_ACCEPT);
        assertEquals(legacy.contentType(), named.contentType());
        JsonNode apps = find(named.json().path("items"), "metadata", null);
        for (JsonNode item : named.json().path("items")) {
            if (item.path("metadata").path("name").asText().equals("apps")) {
                apps = item;
            }
        }
        JsonNode deployments = find(apps.path("versions").get(0).path("resources"), "resource", "deployments");
        JsonNode scale = find(deployments.path("subresources"), "subresource", "scale");
        assertEquals("autoscaling", scale.path("responseKind").path("group").asText());
        assertEquals("Scale", scale.path("responseKind").path("kind").asText());

        TestApi.Reply plain = api.get("/apis", "application/json");
        assertEquals("application/json", plain.contentType());
        assertEquals("APIGroupList", plain.json().path("kind").asText());
    }
}
