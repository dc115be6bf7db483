package dev.keelson.bench.api;

import java.nio.charset.StandardCharsets;

/**
 * The objects the control-plane benchmarks create, as ready JSON bytes: a pod shaped like a small
 * real workload (one container, requests, labels) and a node with allocatable resources and the
 * Ready condition, as a kubelet registers it. Built from text so that making 10,000 of them costs
 * nothing measurable next to the requests.
 */
public final class PodManifests {
    private PodManifests() {
    }

    /** The namespace object {@code name}. */
    public static byte[] namespace(String name) {
        return utf8("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}");
    }

    /** A pending pod {@code namespace/name} requesting 100m CPU and 128Mi memory. */
    public static byte[] pod(String namespace, String name) {
        return utf8("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\""
                + namespace + "\",\"labels\":{\"app\":\"bench\",\"tier\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"app\","
                + "\"image\":\"registry.k8s.io/pause:3.9\",\"ports\":[{\"containerPort\":8080}],"
                + "\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"},\"limits\":{\"memory\":\"256Mi\"}}}],"
                + "\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":1}}");
    }

    /** A Ready node {@code name} with 32 CPUs, 128Gi memory and room for 110 pods. */
    public static byte[] node(String name) {
        return utf8("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{"
                + "\"kubernetes.io/hostname\":\"" + name + "\",\"kubernetes.io/os\":\"linux\","
                + "\"topology.kubernetes.io/zone\":\"zone-" + Math.floorMod(name.hashCode(), 3) + "\"}},"
                + "\"status\":{\"capacity\":{\"cpu\":\"32\",\"memory\":\"128Gi\",\"pods\":\"110\"},"
                + "\"allocatable\":{\"cpu\":\"32\",\"memory\":\"128Gi\",\"pods\":\"110\"},"
                + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\"}]}}");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
