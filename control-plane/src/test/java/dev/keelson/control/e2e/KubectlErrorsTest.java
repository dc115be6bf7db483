package dev.keelson.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.control.client.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bad input through kubectl: a wrong token (401), invalid objects (422 with Kubernetes' field
 * error wording), an unknown field (1.33: the server's strict decoding error; 1.20: its own
 * client-side validation against the served OpenAPI), and a stale {@code replace} (409). In each
 * case the store is unchanged.
 */
class KubectlErrorsTest extends KubectlSuite {

    @Test
    void aWrongTokenIsUnauthorized() throws Exception {
        String ns = cluster.ensureNamespace("auth-" + kubectl.tag());
        Path bad = cluster.dir.resolve("wrong-token-" + kubectl.tag() + ".kubeconfig");
        String config = Files.readString(cluster.server.kubeconfig());
        String wrong = config.replaceAll("(?m)^(\\s*token:\\s*).*$", "$1not-a-valid-token");
        assertTrue(!wrong.equals(config), "the admin kubeconfig has a token line");
        Files.writeString(bad, wrong);
        kubectl.ok("-n", ns, "get", "configmaps");  // discovery cached with the good token

        // With discovery cached, the GET itself is refused.
        Kubectl.Result get = kubectl.run(bad, Map.of(), "", "-n", ns, "get", "configmaps");
        assertEquals(1, get.exit(), get.all());
        assertTrue(get.err().contains("error: You must be logged in to the server (Unauthorized)"), get.err());
        Kubectl.Result create = kubectl.run(bad, Map.of(), "", "-n", ns, "create", "configmap", "nope", "--from-literal=a=b");
        assertEquals(1, create.exit(), create.all());
        assertTrue(create.err().contains("Unauthorized"), create.err());

        // With an empty cache, discovery is refused first; 1.33 words the 401 from its Status reason.
        Kubectl.Result fresh = kubectl.run(bad, Map.of(), "", "--cache-dir=" + cluster.dir.resolve("no-cache-" + kubectl.tag()),
                "-n", ns, "get", "configmaps");
        assertEquals(1, fresh.exit(), fresh.all());
        String expected = kubectl.atLeast133()
                ? "error: You must be logged in to the server (the server has asked for the client to provide credentials)"
                : "error: You must be logged in to the server (Unauthorized)";
        assertTrue(fresh.err().contains(expected), fresh.err());
        assertNull(cluster.find(Resource.CONFIGMAPS, ns, "nope"));
    }

    @Test
    void anInvalidObjectIsRefusedWithItsFieldErrors() {
        String ns = cluster.ensureNamespace("invalid-" + kubectl.tag());
        Kubectl.Result name = kubectl.failsWithInput(Manifests.configMap("Bad_Name", "a", "b"), "-n", ns, "create", "-f", "-");
        assertTrue(name.err().contains("The ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": "
                + "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
                + "start and end with an alphanumeric character"), name.err());

        String deployment = Manifests.deployment("broken", 1, "nginx:1.27").replace("replicas: 1", "replicas: -1")
                .replace("      labels:\n        app: broken\n    spec:", "      labels:\n        app: other\n    spec:");
        Kubectl.Result d = kubectl.failsWithInput(deployment, "-n", ns, "create", "-f", "-");
        assertTrue(d.err().contains("The Deployment \"broken\" is invalid: \n"
                + "* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
                + "* spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not "
                + "match template `labels`"), d.err());
        assertNull(cluster.find(Resource.DEPLOYMENTS, ns, "broken"));
        assertEquals(0, cluster.client.list(Resource.CONFIGMAPS, ns, null).path("items").size());
    }

    @Test
    void anUnknownFieldIsRejected() {
        String ns = cluster.ensureNamespace("unknown-" + kubectl.tag());
        String manifest = Manifests.configMap("extra", "a", "b") + "bogus: 1\n";
        Kubectl.Result r = kubectl.failsWithInput(manifest, "-n", ns, "create", "-f", "-");
        if (kubectl.atLeast133()) {
            // 1.33 finds fieldValidation in the served OpenAPI and leaves the check to the server.
            assertTrue(r.err().contains("Error from server (BadRequest): error when creating \"STDIN\": ConfigMap in version "
                    + "\"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"bogus\""), r.err());
        } else {
            // 1.20 validates on the client against the served OpenAPI v2 (protobuf).
            assertTrue(r.err().contains("ValidationError(ConfigMap): unknown field \"bogus\" in io.k8s.api.core.v1.ConfigMap"),
                    r.err());
        }
        assertNull(cluster.find(Resource.CONFIGMAPS, ns, "extra"));
    }

    @Test
    void aStaleReplaceConflicts() throws Exception {
        String ns = cluster.ensureNamespace("stale-" + kubectl.tag());
        kubectl.okWithInput(Manifests.configMap("settings", "colour", "blue"), "-n", ns, "create", "-f", "-");
        Path stale = cluster.dir.resolve("stale-" + kubectl.tag() + ".yaml");
        // What "get -o yaml" printed (managedFields included), edited later: kubectl sends its resourceVersion back.
        String yaml = kubectl.atLeast133()
                ? kubectl.ok("-n", ns, "get", "configmap", "settings", "-o", "yaml", "--show-managed-fields").out()
                : kubectl.ok("-n", ns, "get", "configmap", "settings", "-o", "yaml").out();
        assertTrue(yaml.contains("managedFields:"), yaml);
        Files.writeString(stale, yaml.replace("colour: blue", "colour: red"));
        kubectl.ok("-n", ns, "label", "configmap", "settings", "changed=meanwhile");

        Kubectl.Result r = kubectl.fails("-n", ns, "replace", "-f", stale.toString());
        assertTrue(r.err().contains("Error from server (Conflict): error when replacing \"" + stale + "\": Operation cannot be "
                + "fulfilled on configmaps \"settings\": the object has been modified; please apply your changes to the latest "
                + "version and try again"), r.err());
        assertEquals("blue", cluster.client.get(Resource.CONFIGMAPS, ns, "settings").path("data").path("colour").asText());

        // Without the stale resourceVersion the same replace goes through.
        kubectl.ok("-n", ns, "label", "configmap", "settings", "changed-");
        Files.writeString(stale, Files.readString(stale).replaceAll("(?m)^  resourceVersion: .*\\n", ""));
        assertEquals("configmap/settings replaced\n", kubectl.ok("-n", ns, "replace", "-f", stale.toString()).out());
        assertEquals("red", cluster.client.get(Resource.CONFIGMAPS, ns, "settings").path("data").path("colour").asText());
    }
}
