package dev.keelson.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.client.Resource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kubectl changing objects: {@code create -f} and the typed {@code create} commands (protobuf
 * bodies from 1.33), client-side and server-side {@code apply}, {@code edit} through an EDITOR
 * script, {@code label}/{@code annotate}, the three {@code patch} types and {@code scale}. Each test
 * checks what kubectl printed and the object the server stored.
 */
class KubectlWriteTest extends KubectlSuite {
    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";


    private String namespace(String test) {
        return cluster.ensureNamespace(test + "-" + kubectl.tag());
    }

    private JsonNode configMap(String ns, String name) {
        return cluster.client.get(Resource.CONFIGMAPS, ns, name);
    }

    @Test
    void createFromAMultiDocumentManifest() {
        String ns = namespace("create-f");
        String manifest = Manifests.deployment("web", 1, "nginx:1.27") + "---\n" + Manifests.configMap("settings", "colour", "blue")
                + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
        String out = kubectl.okWithInput(manifest, "-n", ns, "create", "-f", "-").out();
        assertEquals("deployment.apps/web created\nconfigmap/settings created\nservice/web created\n", out);
        assertEquals("nginx:1.27", cluster.client.get(Resource.DEPLOYMENTS, ns, "web").path("spec").path("template")
                .path("spec").path("containers").path(0).path("image").asText());
        assertEquals("blue", configMap(ns, "settings").path("data").path("colour").asText());
        JsonNode svc = cluster.client.get(Resource.SERVICES, ns, "web");
        assertEquals("ClusterIP", svc.path("spec").path("type").asText());
        assertEquals(80, svc.path("spec").path("ports").path(0).path("targetPort").asInt(), "targetPort defaults to port");

        String again = kubectl.failsWithInput(manifest, "-n", ns, "create", "-f", "-").err();
        assertTrue(again.contains("Error from server (AlreadyExists): error when creating \"STDIN\": deployments.apps \"web\" "
                + "already exists"), again);
    }

    @Test
    void typedCreateCommands() {
        String ns = "typed-" + kubectl.tag();
        assertEquals("namespace/" + ns + " created\n", kubectl.ok("create", "namespace", ns).out());
        assertEquals("Active", cluster.client.get(Resource.NAMESPACES, null, ns).path("status").path("phase").asText());

        assertEquals("configmap/c created\n", kubectl.ok("-n", ns, "create", "configmap", "c", "--from-literal=k=v",
                "--from-literal=n=2").out());
        assertEquals(Map.of("k", "v", "n", "2"), Cluster.MAPPER.convertValue(configMap(ns, "c").path("data"), Map.class));

        assertEquals("secret/s created\n", kubectl.ok("-n", ns, "create", "secret", "generic", "s",
                "--from-literal=password=hunter2").out());
        JsonNode secret = cluster.client.get(Resource.SECRETS, ns, "s");
        assertEquals("Opaque", secret.path("type").asText());
        assertEquals("hunter2", new String(Base64.getDecoder().decode(secret.path("data").path("password").asText()),
                StandardCharsets.UTF_8));

        assertEquals("deployment.apps/d created\n", kubectl.ok("-n", ns, "create", "deployment", "d", "--image=nginx:1.27",
                "--replicas=2").out());
        JsonNode d = cluster.client.get(Resource.DEPLOYMENTS, ns, "d");
        assertEquals(2, d.path("spec").path("replicas").asInt());
        assertEquals("d", d.path("spec").path("selector").path("matchLabels").path("app").asText());
        assertEquals("nginx:1.27", d.path("spec").path("template").path("spec").path("containers").path(0).path("image").asText());
        Cluster.await("d available", () -> cluster.client.get(Resource.DEPLOYMENTS, ns, "d"),
                n -> n.path("status").path("availableReplicas").asInt() == 2);
    }

    @Test
    void applyCreatesConfiguresAndLeavesUnchanged() throws Exception {
        String ns = namespace("apply");
        assertEquals("configmap/app created\n", kubectl.okWithInput(Manifests.configMap("app", "k", "one"), "-n", ns,
                "apply", "-f", "-").out());
        JsonNode created = configMap(ns, "app");
        JsonNode last = Cluster.MAPPER.readTree(created.path("metadata").path("annotations").path(LAST_APPLIED).asText());
        assertEquals("one", last.path("data").path("k").asText());
        assertEquals(ns, last.path("metadata").path("namespace").asText());

        assertEquals("configmap/app unchanged\n", kubectl.okWithInput(Manifests.configMap("app", "k", "one"), "-n", ns,
                "apply", "-f", "-").out());
        assertEquals(created.path("metadata").path("resourceVersion"), configMap(ns, "app").path("metadata")
                .path("resourceVersion"), "an unchanged apply writes nothing");

        assertEquals("configmap/app configured\n", kubectl.okWithInput(Manifests.configMap("app", "k", "two"), "-n", ns,
                "apply", "-f", "-").out());
        JsonNode changed = configMap(ns, "app");
        assertEquals("two", changed.path("data").path("k").asText());
        assertTrue(changed.path("metadata").path("annotations").path(LAST_APPLIED).asText().contains("\"k\":\"two\""));

        // A key dropped from the manifest is removed: it is in the last-applied annotation, not in the new one.
        String twoKeys = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  k: two\n  extra: x\n";
        kubectl.okWithInput(twoKeys, "-n", ns, "apply", "-f", "-");
        assertEquals("x", configMap(ns, "app").path("data").path("extra").asText());
        kubectl.okWithInput(Manifests.configMap("app", "k", "two"), "-n", ns, "apply", "-f", "-");
        assertFalse(configMap(ns, "app").path("data").has("extra"), configMap(ns, "app").toString());
    }

    @Test
    void serverSideApplyConflictsAndForceConflicts() {
        String ns = namespace("ssa");
        assertEquals("configmap/owned serverside-applied\n", kubectl.okWithInput(Manifests.configMap("owned", "k", "one"),
                "-n", ns, "apply", "--server-side", "-f", "-").out());
        JsonNode managed = configMap(ns, "owned").path("metadata").path("managedFields");
        assertEquals(1, managed.size(), managed.toString());
        assertEquals("kubectl", managed.path(0).path("manager").asText());
        assertEquals("Apply", managed.path(0).path("operation").asText());
        assertTrue(managed.path(0).path("fieldsV1").path("f:data").has("f:k"), managed.toString());

        Kubectl.Result conflict = kubectl.failsWithInput(Manifests.configMap("owned", "k", "two"), "-n", ns, "apply",
                "--server-side", "--field-manager=other", "-f", "-");
        assertTrue(conflict.err().contains("Apply failed with 1 conflict: conflict with \"kubectl\": .data.k"), conflict.err());
        assertEquals("one", configMap(ns, "owned").path("data").path("k").asText(), "a conflict changes nothing");

        kubectl.okWithInput(Manifests.configMap("owned", "k", "two"), "-n", ns, "apply", "--server-side",
                "--field-manager=other", "--force-conflicts", "-f", "-");
        JsonNode forced = configMap(ns, "owned");
        assertEquals("two", forced.path("data").path("k").asText());
        JsonNode entries = forced.path("metadata").path("managedFields");
        assertEquals(1, entries.size(), "kubectl lost its only field, so its entry is gone: " + entries);
        assertEquals("other", entries.path(0).path("manager").asText());
    }

    @Test
    void editRunsTheEditorAndSendsItsChange() throws Exception {
        String ns = namespace("edit");
        kubectl.okWithInput(Manifests.configMap("settings", "colour", "blue"), "-n", ns, "create", "-f", "-");
        Path editor = cluster.dir.resolve("editor-" + kubectl.tag() + ".sh");
        Files.writeString(editor, "#!/bin/sh\nsed -i 's/colour: blue/colour: green/' \"$1\"\n");
        Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("EDITOR", editor.toString(), "KUBE_EDITOR", editor.toString());

        assertEquals("configmap/settings edited\n", kubectl.okWithEnv(env, "-n", ns, "edit", "configmap", "settings").out());
        JsonNode edited = configMap(ns, "settings");
        assertEquals("green", edited.path("data").path("colour").asText());
        boolean byEdit = false;
        for (JsonNode e : edited.path("metadata").path("managedFields")) {
            byEdit |= e.path("manager").asText().equals("kubectl-edit") && e.path("fieldsV1").path("f:data").has("f:colour");
        }
        assertTrue(byEdit, edited.path("metadata").path("managedFields").toString());

        Kubectl.Result again = kubectl.okWithEnv(env, "-n", ns, "edit", "configmap", "settings");
        assertTrue(again.err().contains("Edit cancelled, no changes made."), again.all());
    }

    @Test
    void labelAndAnnotateWithOverwriteAndRemoval() {
        String ns = namespace("label");
        kubectl.okWithInput(Manifests.configMap("settings", "colour", "blue"), "-n", ns, "create", "-f", "-");
        assertEquals("configmap/settings labeled\n", kubectl.ok("-n", ns, "label", "configmap", "settings", "tier=web").out());
        Kubectl.Result refused = kubectl.fails("-n", ns, "label", "configmap", "settings", "tier=db");
        assertTrue(refused.err().contains("'tier' already has a value (web), and --overwrite is false"), refused.err());
        kubectl.ok("-n", ns, "label", "configmap", "settings", "tier=db", "--overwrite");
        assertEquals("db", configMap(ns, "settings").path("metadata").path("labels").path("tier").asText());

        assertEquals("configmap/settings annotated\n", kubectl.ok("-n", ns, "annotate", "configmap", "settings",
                "owner=team-a").out());
        kubectl.fails("-n", ns, "annotate", "configmap", "settings", "owner=team-b");
        kubectl.ok("-n", ns, "annotate", "configmap", "settings", "owner=team-b", "--overwrite");
        assertEquals("team-b", configMap(ns, "settings").path("metadata").path("annotations").path("owner").asText());

        String unlabeled = kubectl.ok("-n", ns, "label", "configmap", "settings", "tier-").out();
        assertEquals("configmap/settings " + (kubectl.atLeast133() ? "unlabeled" : "labeled") + "\n", unlabeled);
        kubectl.ok("-n", ns, "annotate", "configmap", "settings", "owner-");
        JsonNode meta = configMap(ns, "settings").path("metadata");
        // Like kube-apiserver (Go omitempty maps), the emptied maps are gone, and so are their owners.
        assertFalse(meta.has("labels"), meta.toString());
        assertFalse(meta.has("annotations"), meta.toString());
        assertFalse(meta.path("managedFields").toString().contains("f:labels"), meta.toString());
    }

    @Test
    void patchWithMergeJsonAndStrategicTypes() {
        String ns = namespace("patch");
        kubectl.okWithInput(Manifests.deployment("web", 1, "nginx:1.27"), "-n", ns, "create", "-f", "-");
        kubectl.okWithInput(Manifests.configMap("settings", "colour", "blue"), "-n", ns, "create", "-f", "-");

        assertEquals("configmap/settings patched\n", kubectl.ok("-n", ns, "patch", "configmap", "settings", "--type=merge",
                "-p", "{\"data\":{\"size\":\"9\",\"colour\":null}}").out());
        assertEquals(Map.of("size", "9"), Cluster.MAPPER.convertValue(configMap(ns, "settings").path("data"), Map.class));

        kubectl.ok("-n", ns, "patch", "configmap", "settings", "--type=json", "-p",
                "[{\"op\":\"add\",\"path\":\"/data/shape\",\"value\":\"round\"},{\"op\":\"replace\",\"path\":\"/data/size\",\"value\":\"10\"}]");
        assertEquals(Map.of("size", "10", "shape", "round"), Cluster.MAPPER.convertValue(configMap(ns, "settings").path("data"),
                Map.class));
        Kubectl.Result badPointer = kubectl.fails("-n", ns, "patch", "configmap", "settings", "--type=json", "-p",
                "[{\"op\":\"remove\",\"path\":\"/data/missing\"}]");
        assertTrue(badPointer.err().contains("The request is invalid"), badPointer.err());

        // Strategic merge (the default type) merges containers by name: the image stays, env is added.
        assertEquals("deployment.apps/web patched\n", kubectl.ok("-n", ns, "patch", "deployment", "web", "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"env\":[{\"name\":\"MODE\",\"value\":\"fast\"}]}]}}}}")
                .out());
        JsonNode c = cluster.client.get(Resource.DEPLOYMENTS, ns, "web").path("spec").path("template").path("spec")
                .path("containers");
        assertEquals(1, c.size());
        assertEquals("nginx:1.27", c.path(0).path("image").asText());
        assertEquals("fast", c.path(0).path("env").path(0).path("value").asText());
        assertEquals(80, c.path(0).path("ports").path(0).path("containerPort").asInt());
        // A patch that changes nothing is reported as such (on a ConfigMap: no controller writes its status meanwhile).
        String rv = configMap(ns, "settings").path("metadata").path("resourceVersion").asText();
        assertEquals("configmap/settings patched (no change)\n", kubectl.ok("-n", ns, "patch", "configmap", "settings", "-p",
                "{\"data\":{\"size\":\"10\"}}").out());
        assertEquals(rv, configMap(ns, "settings").path("metadata").path("resourceVersion").asText());
    }

    @Test
    void scaleGoesThroughTheScaleSubresource() {
        String ns = namespace("scale");
        kubectl.okWithInput(Manifests.deployment("web", 1, "nginx:1.27"), "-n", ns, "create", "-f", "-");
        Cluster.await("web available", () -> cluster.client.get(Resource.DEPLOYMENTS, ns, "web"),
                d -> d.path("status").path("availableReplicas").asInt() == 1);
        assertEquals("deployment.apps/web scaled\n", kubectl.ok("-n", ns, "scale", "deployment", "web", "--replicas=3").out());
        assertEquals(3, cluster.client.get(Resource.DEPLOYMENTS, ns, "web").path("spec").path("replicas").asInt());
        JsonNode scale = cluster.client.get(Resource.DEPLOYMENTS, ns, "web", "scale");
        assertEquals("Scale", scale.path("kind").asText());
        assertEquals(3, scale.path("spec").path("replicas").asInt());
        Cluster.await("3 available", () -> cluster.client.get(Resource.DEPLOYMENTS, ns, "web"),
                d -> d.path("status").path("availableReplicas").asInt() == 3);

        Kubectl.Result precondition = kubectl.fails("-n", ns, "scale", "deployment", "web", "--replicas=1",
                "--current-replicas=2");
        assertTrue(precondition.err().contains("Expected replicas to be 2, was 3"), precondition.err());

        // A ReplicaSet scales the same way; its Deployment then puts it back to the desired count.
        String rs = cluster.client.list(Resource.REPLICASETS, ns, null).path("items").path(0).path("metadata").path("name").asText();
        assertEquals("replicaset.apps/" + rs + " scaled\n", kubectl.ok("-n", ns, "scale", "rs", rs, "--replicas=5").out());
        Cluster.await("the Deployment restores 3", () -> cluster.client.get(Resource.REPLICASETS, ns, rs),
                r -> r.path("spec").path("replicas").asInt() == 3 && r.path("metadata").path("generation").asInt() > 2);
    }
}
