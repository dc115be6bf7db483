package dev.keelson.bench.pods;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The objects the pods benchmark creates: the sleeping Deployment, the echo server and its Services. */
final class Workloads {
    static final String NAMESPACE = "default";
    /** The image both runtimes have imported (no registry). */
    static final String IMAGE = "keelson.local/busybox:1.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Workloads() {
    }

    /**
     * A Deployment of {@code replicas} busybox pods running {@code args} on node {@code node}, labelled
     * {@code bench=NAME}. A 1 s grace period: busybox as PID 1 ignores SIGTERM, so deleting would
     * otherwise wait the default 30 s per pod.
     */
    static ObjectNode deployment(String name, String node, int replicas, String... args) {
        ObjectNode d = JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
        d.putObject("metadata").put("name", name);
        ObjectNode spec = d.putObject("spec").put("replicas", replicas);
        spec.putObject("selector").putObject("matchLabels").put("bench", name);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("bench", name);
        ObjectNode pod = template.putObject("spec").put("terminationGracePeriodSeconds", 1);
        pod.putObject("nodeSelector").put("kubernetes.io/hostname", node);
        ObjectNode c = pod.putArray("containers").addObject().put("name", "main").put("image", IMAGE)
                .put("imagePullPolicy", "Never");
        var command = c.putArray("command");
        for (String a : args) {
            command.add(a);
        }
        return d;
    }

    /** A bare pod {@code name} labelled {@code bench=label} sleeping on node {@code node}. */
    static ObjectNode pod(String name, String label, String node) {
        ObjectNode d = deployment(label, node, 1, "sleep", "3600");
        ObjectNode template = (ObjectNode) d.path("spec").path("template");
        ObjectNode p = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        p.set("metadata", template.get("metadata").deepCopy());
        ((ObjectNode) p.get("metadata")).put("name", name);
        p.set("spec", template.get("spec").deepCopy());
        return p;
    }

    /** A ClusterIP Service {@code name} on port 80 for the pods labelled {@code bench=target}, port 8080. */
    static ObjectNode service(String name, String target) {
        ObjectNode s = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Service");
        s.putObject("metadata").put("name", name);
        ObjectNode spec = s.putObject("spec").put("type", "ClusterIP");
        spec.putObject("selector").put("bench", target);
        spec.putArray("ports").addObject().put("name", "http").put("port", 80).put("targetPort", 8080).put("protocol", "TCP");
        return s;
    }
}
