package dev.keelson.control.api;

import static dev.keelson.control.api.RestTest.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.patch.Patches;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PATCH dispatch. The patch algorithms live in the patch package; the tests that need them run
 * once it is in the build (they are skipped while {@link Patches} is the contract stub).
 */
class PatchTest {
    static TestApi api;

    @BeforeAll
    static void start() throws Exception {
        api = new TestApi();
        api.namespace("pt");
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    static boolean patchesImplemented() {
        try {
            Patches.mergePatch(Json.object(), Json.object());
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    @Test
    void unknownPatchTypesAreUnsupportedMediaType() throws Exception {
        api.post("/api/v1/namespaces/pt/configmaps", "{\"metadata\":{\"name\":\"u\"}}");
        assertStatus(api.patch("/api/v1/namespaces/pt/configmaps/u", "application/json", "{}"), 415,
                "UnsupportedMediaType", null);
        assertStatus(api.patch("/api/v1/namespaces/pt/configmaps/u", "application/apply-patch+yaml",
                "metadata:\n  name: u\n"), 422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: "
                + "Required value: is required for apply patch");
        assertStatus(api.patch("/api/v1/namespaces/pt/configmaps/absent", "application/merge-patch+json", "{}"), 404,
                "NotFound", "configmaps \"absent\" not found");
    }

    @Test
    void mergeJsonAndStrategicPatchesGoThroughTheUpdatePath() throws Exception {
        assumeTrue(patchesImplemented(), "the patch package is not in this build yet");
        api.post("/apis/apps/v1/namespaces/pt/deployments", RestTest.deployment("p", 1));
        TestApi.Reply m = api.patch("/apis/apps/v1/namespaces/pt/deployments/p", "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"x\":\"y\"}},\"spec\":{\"replicas\":2},\"status\":{\"replicas\":9}}");
        assertEquals(200, m.code(), m.text());
        assertEquals("y", m.json().path("metadata").path("labels").path("x").asText());
        assertEquals(2, m.json().path("metadata").path("generation").asInt());
        assertEquals(0, m.json().path("status").path("replicas").asInt(), "status is ignored on the main resource");
        TestApi.Reply j = api.patch("/apis/apps/v1/namespaces/pt/deployments/p", "application/json-patch+json",
                "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":5}]");
        assertEquals(5, j.json().path("spec").path("replicas").asInt(), j.text());
        TestApi.Reply s = api.patch("/apis/apps/v1/namespaces/pt/deployments/p", "application/strategic-merge-patch+json",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:2\"}]}}}}");
        assertEquals("nginx:2", s.json().path("spec").path("template").path("spec").path("containers").get(0)
                .path("image").asText(), s.text());
        TestApi.Reply stale = api.patch("/apis/apps/v1/namespaces/pt/deployments/p", "application/merge-patch+json",
                "{\"metadata\":{\"resourceVersion\":\"1\"},\"spec\":{\"replicas\":1}}");
        assertStatus(stale, 409, "Conflict", null);
        TestApi.Reply st = api.patch("/apis/apps/v1/namespaces/pt/deployments/p/status", "application/merge-patch+json",
                "{\"status\":{\"readyReplicas\":4}}");
        assertEquals(4, st.json().path("status").path("readyReplicas").asInt(), st.text());
        TestApi.Reply sc = api.patch("/apis/apps/v1/namespaces/pt/deployments/p/scale", "application/merge-patch+json",
                "{\"spec\":{\"replicas\":7}}");
        assertEquals(7, sc.json().path("spec").path("replicas").asInt(), sc.text());
    }

    @Test
    void serverSideApplyCreatesThenUpdates() throws Exception {
        assumeTrue(patchesImplemented(), "the patch package is not in this build yet");
        String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: one\n";
        TestApi.Reply created = api.patch("/api/v1/namespaces/pt/configmaps/applied?fieldManager=tester",
                "application/apply-patch+yaml", cm);
        assertEquals(201, created.code(), created.text());
        JsonNode mf = created.json().path("metadata").path("managedFields").get(0);
        assertEquals("tester", mf.path("manager").asText());
        assertEquals("Apply", mf.path("operation").asText());
        TestApi.Reply updated = api.patch("/api/v1/namespaces/pt/configmaps/applied?fieldManager=tester",
                "application/apply-patch+yaml", cm.replace("one", "two"));
        assertEquals(200, updated.code(), updated.text());
        assertEquals("two", updated.json().path("data").path("k").asText());
        TestApi.Reply conflict = api.patch("/api/v1/namespaces/pt/configmaps/applied?fieldManager=other",
                "application/apply-patch+yaml", cm.replace("one", "three"));
        assertStatus(conflict, 409, "Conflict", null);
        assertEquals("FieldManagerConflict", conflict.json().path("details").path("causes").get(0).path("reason").asText());
    }
}
