package dev.keelson.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Resource;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * PersistentVolumes, claims and StorageClasses through kubectl: static binding to the smallest
 * fitting volume with {@code kubectl get pv,pvc} columns, the default class {@code standard}
 * (WaitForFirstConsumer) provisioning a volume on the node the scheduler picked, reclaim of
 * released volumes, and validation errors.
 */
class KubectlStorageTest extends KubectlSuite {

    private static String pv(String name, String size, String cls, String policy) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolume\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"capacity\":{\"storage\":\"" + size + "\"},\"accessModes\":[\"ReadWriteOnce\",\"ReadOnlyMany\"],"
                + "\"storageClassName\":\"" + cls + "\",\"persistentVolumeReclaimPolicy\":\"" + policy + "\","
                + "\"hostPath\":{\"path\":\"/srv/" + name + "\"}}}";
    }

    private static String pvc(String name, String cls, String size) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolumeClaim\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{" + (cls == null ? "" : "\"storageClassName\":\"" + cls + "\",")
                + "\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"" + size + "\"}}}}";
    }

    private static void assertMatches(String regex, String text) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(text).find(), () -> "expected /" + regex + "/ in:\n" + text);
    }

    @Test
    void claimBindsToTheSmallestFittingVolumeAndGetShowsBoth() {
        String ns = cluster.ensureNamespace("pv-" + kubectl.tag());
        String cls = "manual-" + kubectl.tag();
        String small = "small-" + kubectl.tag();
        String big = "big-" + kubectl.tag();
        kubectl.okWithInput(pv(big, "5Gi", cls, "Retain"), "create", "-f", "-");
        kubectl.okWithInput(pv(small, "1Gi", cls, "Retain"), "create", "-f", "-");
        kubectl.okWithInput(pvc("data", cls, "500Mi"), "-n", ns, "create", "-f", "-");
        Cluster.await("claim bound", () -> cluster.client.get(Resource.PERSISTENTVOLUMECLAIMS, ns, "data"),
                c -> c.path("status").path("phase").asText().equals("Bound"));
        JsonNode claim = cluster.client.get(Resource.PERSISTENTVOLUMECLAIMS, ns, "data");
        assertEquals(small, claim.path("spec").path("volumeName").asText());
        assertEquals("yes", claim.path("metadata").path("annotations").path("pv.kubernetes.io/bind-completed").asText());
        JsonNode volume = Cluster.await("volume bound", () -> cluster.client.get(Resource.PERSISTENTVOLUMES, null, small),
                v -> v.path("status").path("phase").asText().equals("Bound"));
        assertEquals(claim.path("metadata").path("uid").asText(), volume.path("spec").path("claimRef").path("uid").asText());

        String pvs = kubectl.ok("get", "pv", small, big).out();
        assertMatches("^NAME\\s+CAPACITY\\s+ACCESS MODES\\s+RECLAIM POLICY\\s+STATUS\\s+CLAIM\\s+STORAGECLASS\\s+"
                + "VOLUMEATTRIBUTESCLASS\\s+REASON\\s+AGE$", pvs);
        assertMatches("^" + small + "\\s+1Gi\\s+RWO,ROX\\s+Retain\\s+Bound\\s+" + ns + "/data\\s+" + cls
                + "\\s+<unset>\\s+\\d+s$", pvs);
        assertMatches("^" + big + "\\s+5Gi\\s+RWO,ROX\\s+Retain\\s+Available\\s+" + cls + "\\s+<unset>\\s+\\d+s$", pvs);
        String pvcs = kubectl.ok("-n", ns, "get", "pvc").out();
        assertMatches("^NAME\\s+STATUS\\s+VOLUME\\s+CAPACITY\\s+ACCESS MODES\\s+STORAGECLASS\\s+VOLUMEATTRIBUTESCLASS\\s+AGE$",
                pvcs);
        assertMatches("^data\\s+Bound\\s+" + small + "\\s+1Gi\\s+RWO,ROX\\s+" + cls + "\\s+<unset>\\s+\\d+s$", pvcs);

        // the claim goes: a Retain volume is Released and kept
        kubectl.ok("-n", ns, "delete", "pvc", "data");
        Cluster.await("volume released", () -> cluster.client.get(Resource.PERSISTENTVOLUMES, null, small),
                v -> v.path("status").path("phase").asText().equals("Released"));
        kubectl.ok("delete", "pv", small, big);
    }

    @Test
    void defaultClassProvisionsOnTheScheduledNodeAndDeletesWhenReleased() {
        String ns = cluster.ensureNamespace("sc-" + kubectl.tag());
        String classes = kubectl.ok("get", "storageclass").out();
        assertMatches("^NAME\\s+PROVISIONER\\s+RECLAIMPOLICY\\s+VOLUMEBINDINGMODE\\s+ALLOWVOLUMEEXPANSION\\s+AGE$", classes);
        assertMatches("^standard \\(default\\)\\s+keelson\\.dev/local-path\\s+Delete\\s+WaitForFirstConsumer\\s+false\\s+\\d+", classes);

        kubectl.okWithInput(pvc("cache", null, "64Mi"), "-n", ns, "create", "-f", "-");
        JsonNode claim = cluster.client.get(Resource.PERSISTENTVOLUMECLAIMS, ns, "cache");
        assertEquals("standard", claim.path("spec").path("storageClassName").asText(), "default class admission");
        assertEquals("Filesystem", claim.path("spec").path("volumeMode").asText());
        String waiting = kubectl.ok("-n", ns, "get", "pvc", "cache").out();
        assertMatches("^cache\\s+Pending\\s+standard\\s+<unset>\\s+\\d+s$", waiting);

        kubectl.okWithInput("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"user\"},\"spec\":{"
                + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/data\"}]}],"
                + "\"volumes\":[{\"name\":\"v\",\"persistentVolumeClaim\":{\"claimName\":\"cache\"}}]}}", "-n", ns, "create", "-f", "-");
        JsonNode pod = Cluster.await("pod scheduled", () -> cluster.client.get(Resource.PODS, ns, "user"),
                p -> !p.path("spec").path("nodeName").asText("").isEmpty());
        String node = pod.path("spec").path("nodeName").asText();
        claim = Cluster.await("claim bound", () -> cluster.client.get(Resource.PERSISTENTVOLUMECLAIMS, ns, "cache"),
                c -> c.path("status").path("phase").asText().equals("Bound"));
        assertEquals(node, claim.path("metadata").path("annotations").path("volume.kubernetes.io/selected-node").asText());
        String pvName = "pvc-" + claim.path("metadata").path("uid").asText();
        assertEquals(pvName, claim.path("spec").path("volumeName").asText());
        JsonNode pv = cluster.client.get(Resource.PERSISTENTVOLUMES, null, pvName);
        assertEquals(node, pv.path("spec").path("nodeAffinity").path("required").path("nodeSelectorTerms").path(0)
                .path("matchExpressions").path(0).path("values").path(0).asText());
        assertEquals("keelson.dev/local-path", pv.path("metadata").path("annotations").path("pv.kubernetes.io/provisioned-by").asText());
        assertEquals(cluster.dir.resolve("local-path").resolve(pvName).toString(),
                pv.path("spec").path("hostPath").path("path").asText());
        assertMatches("^" + pvName + "\\s+64Mi\\s+RWO\\s+Delete\\s+Bound\\s+" + ns + "/cache\\s+standard\\s+",
                kubectl.ok("get", "pv", pvName).out());

        kubectl.ok("-n", ns, "delete", "pod", "user", "--grace-period=0", "--force");
        kubectl.ok("-n", ns, "delete", "pvc", "cache");
        Cluster.await("provisioned volume deleted", () -> {
            try {
                cluster.client.get(Resource.PERSISTENTVOLUMES, null, pvName);
                return Cluster.MAPPER.getNodeFactory().booleanNode(false);
            } catch (ApiException e) {
                return Cluster.MAPPER.getNodeFactory().booleanNode(e.notFound());
            }
        }, JsonNode::asBoolean);
    }

    @Test
    void invalidClaimsAndVolumesAreRejectedWithKubernetesWording() {
        String ns = cluster.ensureNamespace("bad-" + kubectl.tag());
        String noModes = "{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolumeClaim\",\"metadata\":{\"name\":\"x\"},"
                + "\"spec\":{\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}";
        String err = kubectl.failsWithInput(noModes, "-n", ns, "create", "-f", "-").err();
        assertTrue(err.contains("spec.accessModes: Required value: at least 1 access mode is required"), err);
        String local = "{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolume\",\"metadata\":{\"name\":\"l-" + kubectl.tag()
                + "\"},\"spec\":{\"capacity\":{\"storage\":\"1Gi\"},\"accessModes\":[\"ReadWriteOnce\"],"
                + "\"local\":{\"path\":\"/mnt/disk\"}}}";
        err = kubectl.failsWithInput(local, "create", "-f", "-").err();
        assertTrue(err.contains("spec.nodeAffinity: Required value: Local volumes require node affinity"), err);
    }
}
