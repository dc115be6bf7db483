package dev.keelson.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.client.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * kubectl driving workloads through the controllers: {@code delete --wait} whose dependents the
 * garbage collector removes (foreground cascade: the Deployment goes last), {@code delete -f},
 * and a rollout with {@code rollout status}, {@code rollout history} and {@code rollout undo} while
 * the Deployment and ReplicaSet controllers run and the simulated kubelet makes pods ready.
 */
class KubectlLifecycleTest extends KubectlSuite {
    private static final String REVISION = "deployment.kubernetes.io/revision";


    private String namespaceWith(String test, int replicas) {
        String ns = cluster.ensureNamespace(test + "-" + kubectl.tag());
        kubectl.okWithInput(Manifests.deployment("web", replicas, "nginx:1.27"), "-n", ns, "apply", "-f", "-");
        Cluster.await("web available", () -> cluster.client.get(Resource.DEPLOYMENTS, ns, "web"),
                d -> d.path("status").path("availableReplicas").asInt() == replicas);
        return ns;
    }

    private int count(Resource r, String ns) {
        return cluster.client.list(r, ns, null).path("items").size();
    }

    @Test
    void deleteWaitsUntilTheDeploymentAndItsDependentsAreGone() {
        String ns = namespaceWith("delete", 2);
        assertEquals(1, count(Resource.REPLICASETS, ns));
        assertEquals(2, count(Resource.PODS, ns));
        String out = kubectl.ok("-n", ns, "delete", "deployment", "web", "--cascade=foreground", "--wait=true",
                "--timeout=30s").out();
        assertEquals("deployment.apps \"web\" deleted\n", out);
        // --wait returned only once the Deployment was gone, and with foreground cascade that is after its dependents.
        assertNull(cluster.find(Resource.DEPLOYMENTS, ns, "web"));
        assertEquals(0, count(Resource.REPLICASETS, ns));
        assertEquals(0, count(Resource.PODS, ns));

        Kubectl.Result missing = kubectl.fails("-n", ns, "delete", "deployment", "web");
        assertTrue(missing.err().contains("Error from server (NotFound): deployments.apps \"web\" not found"), missing.err());
    }

    @Test
    void deleteFromTheManifestRemovesEveryObjectInIt() throws Exception {
        String ns = cluster.ensureNamespace("delete-f-" + kubectl.tag());
        Path manifest = cluster.dir.resolve("delete-f-" + kubectl.tag() + ".yaml");
        Files.writeString(manifest, Manifests.deployment("web", 1, "nginx:1.27") + "---\n"
                + Manifests.configMap("settings", "colour", "blue"));
        kubectl.ok("-n", ns, "create", "-f", manifest.toString());
        Cluster.await("web available", () -> cluster.client.get(Resource.DEPLOYMENTS, ns, "web"),
                d -> d.path("status").path("availableReplicas").asInt() == 1);
        String out = kubectl.ok("-n", ns, "delete", "-f", manifest.toString(), "--wait=true").out();
        assertEquals("deployment.apps \"web\" deleted\nconfigmap \"settings\" deleted\n", out);
        assertNull(cluster.find(Resource.DEPLOYMENTS, ns, "web"));
        assertNull(cluster.find(Resource.CONFIGMAPS, ns, "settings"));
        // Background cascade: the garbage collector removes the ReplicaSet and its pods afterwards.
        Cluster.await("dependents collected", () -> Cluster.MAPPER.getNodeFactory().numberNode(
                count(Resource.REPLICASETS, ns) + count(Resource.PODS, ns)), n -> n.asInt() == 0);
    }

    @Test
    void rolloutStatusHistoryAndUndo() {
        String ns = namespaceWith("rollout", 3);
        assertTrue(kubectl.ok("-n", ns, "rollout", "status", "deployment/web", "--timeout=30s").out()
                .contains("deployment \"web\" successfully rolled out"));

        assertEquals("deployment.apps/web image updated\n", kubectl.ok("-n", ns, "set", "image", "deployment/web",
                "web=nginx:1.28").out());
        String status = kubectl.ok("-n", ns, "rollout", "status", "deployment/web", "--timeout=30s").out();
        assertTrue(status.endsWith("deployment \"web\" successfully rolled out\n"), status);
        JsonNode d = cluster.client.get(Resource.DEPLOYMENTS, ns, "web");
        assertEquals("2", d.path("metadata").path("annotations").path(REVISION).asText());
        assertEquals(3, d.path("status").path("updatedReplicas").asInt());

        String history = kubectl.ok("-n", ns, "rollout", "history", "deployment/web").out();
        assertTrue(Pattern.compile("^REVISION\\s+CHANGE-CAUSE\\n1\\s+<none>\\n2\\s+<none>$", Pattern.MULTILINE)
                .matcher(history).find(), history);
        String second = kubectl.ok("-n", ns, "rollout", "history", "deployment/web", "--revision=2").out();
        assertTrue(Pattern.compile("^\\s+Image:\\s+nginx:1\\.28$", Pattern.MULTILINE).matcher(second).find(), second);

        assertEquals("deployment.apps/web rolled back\n", kubectl.ok("-n", ns, "rollout", "undo", "deployment/web").out());
        kubectl.ok("-n", ns, "rollout", "status", "deployment/web", "--timeout=30s");
        JsonNode undone = Cluster.await("rolled back", () -> cluster.client.get(Resource.DEPLOYMENTS, ns, "web"),
                n -> n.path("status").path("updatedReplicas").asInt() == 3 && n.path("status").path("replicas").asInt() == 3
                        && "3".equals(n.path("metadata").path("annotations").path(REVISION).asText()));
        assertEquals("nginx:1.27", undone.path("spec").path("template").path("spec").path("containers").path(0)
                .path("image").asText());
        // The undo re-used revision 1's ReplicaSet (now revision 3) rather than making a third one.
        JsonNode sets = cluster.client.list(Resource.REPLICASETS, ns, null).path("items");
        assertEquals(2, sets.size(), sets.toString());
        for (JsonNode rs : sets) {
            String image = rs.path("spec").path("template").path("spec").path("containers").path(0).path("image").asText();
            assertEquals(image.equals("nginx:1.27") ? "3" : "2", rs.path("metadata").path("annotations").path(REVISION).asText());
            assertEquals(image.equals("nginx:1.27") ? 3 : 0, rs.path("spec").path("replicas").asInt());
        }
        history = kubectl.ok("-n", ns, "rollout", "history", "deployment/web").out();
        assertTrue(Pattern.compile("^2\\s+<none>\\n3\\s+<none>$", Pattern.MULTILINE).matcher(history).find(), history);
        for (JsonNode pod : cluster.client.list(Resource.PODS, ns, null).path("items")) {
            if (!pod.path("metadata").has("deletionTimestamp")) {
                assertEquals("nginx:1.27", pod.path("spec").path("containers").path(0).path("image").asText());
            }
        }
    }
}
