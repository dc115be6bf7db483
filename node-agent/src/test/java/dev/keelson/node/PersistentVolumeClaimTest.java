package dev.keelson.node;

import static dev.keelson.node.AgentFixture.MAPPER;
import static dev.keelson.node.AgentFixture.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.Resource;
import dev.keelson.control.controller.ControllerManager;
import dev.keelson.control.scheduler.Profile;
import dev.keelson.control.scheduler.Scheduler;
import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PersistentVolumeClaims end to end: a real API server, the real scheduler and controller manager
 * (binder + local provisioner), Keelson's CRI runtime with runc, and the agent. A pod writes to a
 * claim of the default class, is deleted, and a second pod reads the data back through a read-only
 * mount; a pod whose claim is unbound waits in ContainerCreating until a volume is bound.
 */
@KernelTest
class PersistentVolumeClaimTest {
    @TempDir
    static Path dir;
    static AgentFixture node;
    static Scheduler scheduler;
    static ControllerManager controllers;

    @BeforeAll
    static void start() throws Exception {
        node = AgentFixture.start(dir, AgentFixture.Setup.of("pvc-node", 79)
                .withTimings(AgentFixture.TIMINGS.withSync(Duration.ofSeconds(2))));
        scheduler = new Scheduler(node.client, Profile.defaults(NodeResourcesFit.Strategy.LEAST_ALLOCATED), true)
                .start(Duration.ofSeconds(20));
        controllers = new ControllerManager(node.client, "pvc-test", ControllerManager.Options.DEFAULTS)
                .withLocalPathRoot(dir.resolve("local-path")).start();
        AgentFixture.await("controllers leading", () -> MAPPER.createObjectNode().put("up", controllers.running() > 0),
                o -> o.path("up").asBoolean());
    }

    @AfterAll
    static void stop() throws Exception {
        if (controllers != null) {
            controllers.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static ObjectNode claim(String name, String cls) {
        ObjectNode c = MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "PersistentVolumeClaim");
        c.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode spec = c.putObject("spec");
        if (cls != null) {
            spec.put("storageClassName", cls);
        }
        spec.putArray("accessModes").add("ReadWriteOnce");
        spec.putObject("resources").putObject("requests").put("storage", "16Mi");
        return c;
    }

    private static ObjectNode podWithClaim(String name, String claim, boolean readOnly, String script, boolean schedule) {
        ObjectNode pod = node.pod(name, script);
        ObjectNode spec = (ObjectNode) pod.path("spec");
        if (schedule) {
            spec.remove("nodeName");  // the scheduler picks the node and marks the claim
        }
        spec.putArray("volumes").addObject().put("name", "data").putObject("persistentVolumeClaim")
                .put("claimName", claim).put("readOnly", readOnly);
        ((ObjectNode) spec.path("containers").path(0)).putArray("volumeMounts").addObject().put("name", "data")
                .put("mountPath", "/data");
        return pod;
    }

    @Test
    void dataWrittenThroughAClaimOutlivesThePodAndIsReadBackReadOnly() throws Exception {
        node.client.create(Resource.PERSISTENTVOLUMECLAIMS, "default", claim("notes", null));
        node.client.create(Resource.PODS, "default",
                podWithClaim("writer", "notes", false, "echo persisted > /data/file && sleep 3600", true));
        node.awaitPod("writer running", "writer", p -> running(p, "c"));
        assertEquals("persisted\n", node.exec("writer", "c", "cat", "/data/file"));

        JsonNode claim = node.client.get(Resource.PERSISTENTVOLUMECLAIMS, "default", "notes");
        assertEquals("standard", claim.path("spec").path("storageClassName").asText());
        assertEquals("Bound", claim.path("status").path("phase").asText());
        assertEquals("pvc-node", claim.path("metadata").path("annotations").path("volume.kubernetes.io/selected-node").asText());
        JsonNode pv = node.client.get(Resource.PERSISTENTVOLUMES, null, claim.path("spec").path("volumeName").asText());
        Path hostDir = Path.of(pv.path("spec").path("hostPath").path("path").asText());
        assertTrue(hostDir.startsWith(dir.resolve("local-path")), hostDir.toString());
        assertEquals("persisted\n", Files.readString(hostDir.resolve("file")), "the container wrote into the volume's directory");

        node.deleteAndWait("writer");
        node.client.create(Resource.PODS, "default", podWithClaim("reader", "notes", true, "sleep 3600", true));
        node.awaitPod("reader running", "reader", p -> running(p, "c"));
        assertEquals("persisted\n", node.exec("reader", "c", "cat", "/data/file"));
        assertTrue(node.exec("reader", "c", "grep", " /data ", "/proc/mounts").contains(" ro,"), "readOnly claim mount");
        node.deleteAndWait("reader");

        node.client.delete(Resource.PERSISTENTVOLUMECLAIMS, "default", "notes", null);
        AgentFixture.await("provisioned directory removed with its volume", () -> MAPPER.createObjectNode()
                .put("gone", !Files.exists(hostDir)), o -> o.path("gone").asBoolean());
    }

    @Test
    void aPodWaitsInContainerCreatingUntilItsClaimIsBound() throws Exception {
        node.client.create(Resource.PERSISTENTVOLUMECLAIMS, "default", claim("later", "manual"));
        node.client.create(Resource.PODS, "default", podWithClaim("waiter", "later", false, "sleep 3600", false));
        AgentFixture.await("FailedMount event", () -> MAPPER.createObjectNode().put("events", events("waiter")),
                o -> o.path("events").asText().contains("has non-bound phase"));
        JsonNode waiting = node.get("waiter");
        assertEquals("Pending", waiting.path("status").path("phase").asText());

        Path disk = Files.createDirectories(dir.resolve("disk"));
        Files.writeString(disk.resolve("hello"), "from the volume\n");
        ObjectNode pv = MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "PersistentVolume");
        pv.putObject("metadata").put("name", "manual-disk");
        ObjectNode spec = pv.putObject("spec").put("storageClassName", "manual");
        spec.putObject("capacity").put("storage", "1Gi");
        spec.putArray("accessModes").add("ReadWriteOnce");
        spec.putObject("local").put("path", disk.toString());
        spec.putObject("nodeAffinity").putObject("required").putArray("nodeSelectorTerms").addObject()
                .putArray("matchExpressions").addObject().put("key", "kubernetes.io/hostname").put("operator", "In")
                .putArray("values").add("pvc-node");
        node.client.create(Resource.PERSISTENTVOLUMES, null, pv);
        node.awaitPod("waiter running once the claim is bound", "waiter", p -> running(p, "c"));
        assertEquals("from the volume\n", node.exec("waiter", "c", "cat", "/data/hello"));
        node.deleteAndWait("waiter");
    }

    private static String events(String pod) {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : node.client.list(Resource.EVENTS, "default", null).path("items")) {
            if (e.path("involvedObject").path("name").asText().equals(pod)) {
                b.append(e.path("reason").asText()).append(": ").append(e.path("message").asText()).append('\n');
            }
        }
        return b.toString();
    }
}
