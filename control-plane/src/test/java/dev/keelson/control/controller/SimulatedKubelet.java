package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for node agents in control-plane tests (the real one is the node-agent module): it
 * registers nodes and moves every pod bound to them to Running and Ready with an IP and running container
 * statuses, except pods
 * whose image starts with {@code bad/}, which stay Pending with an image pull error, as a broken
 * rollout would. Pods being deleted are removed at once, as a kubelet would after they stop.
 * Pods whose image starts with {@code job/} run to completion (Succeeded); {@code job/flaky} fails
 * its first pod with exit code 1. Each node renews its {@code kube-node-lease} Lease every second
 * until {@link #stop(String)} makes it go silent (a dead node: its pods are left as they are).
 */
public final class SimulatedKubelet implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KubeClient client;
    private final Informer pods;
    private final AtomicInteger ips = new AtomicInteger(2);
    private final java.util.Set<String> alive = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicInteger flakyFailures = new AtomicInteger();
    private final Thread heartbeats;

    /** Registers {@code nodes} and starts acting as their kubelet. */
    public SimulatedKubelet(KubeClient client, String... nodes) {
        this.client = client;
        for (String n : nodes) {
            ObjectNode node = MAPPER.createObjectNode();
            node.put("apiVersion", "v1").put("kind", "Node");
            node.putObject("metadata").put("name", n).putObject("labels").put("kubernetes.io/hostname", n);
            ObjectNode status = node.putObject("status");
            status.putObject("allocatable").put("cpu", "4").put("memory", "8Gi").put("pods", "110");
            status.putObject("capacity").put("cpu", "4").put("memory", "8Gi").put("pods", "110");
            String t = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            status.putArray("conditions").addObject().put("type", "Ready").put("status", "True").put("reason", "KubeletReady")
                    .put("message", "kubelet is posting ready status").put("lastHeartbeatTime", t).put("lastTransitionTime", t);
            client.create(Resource.NODES, null, node);
            alive.add(n);
        }
        heartbeats = Thread.ofVirtual().start(this::heartbeat);
        pods = new Informer(client, Resource.PODS, null, null, new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode o) {
                run(o);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode o) {
                run(o);
            }

            @Override
            public void onDelete(ObjectNode o) {}
        }).start();
    }

    /** The node stops renewing its lease and handling its pods. */
    void stop(String node) {
        alive.remove(node);
    }

    private void heartbeat() {
        while (!Thread.currentThread().isInterrupted()) {
            for (String n : alive) {
                String now = Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
                try {
                    ObjectNode lease = client.get(Resource.LEASES, "kube-node-lease", n);
                    ((ObjectNode) lease.get("spec")).put("renewTime", now);
                    client.update(Resource.LEASES, lease, null);
                } catch (ApiException e) {
                    if (e.notFound()) {
                        ObjectNode lease = MAPPER.createObjectNode();
                        lease.put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
                        lease.putObject("metadata").put("name", n).put("namespace", "kube-node-lease");
                        lease.putObject("spec").put("holderIdentity", n).put("leaseDurationSeconds", 40).put("renewTime", now);
                        Calls.unlessGoneOrStale(() -> client.create(Resource.LEASES, "kube-node-lease", lease));
                    }
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void run(ObjectNode pod) {
        String node = pod.path("spec").path("nodeName").asText("");
        if (node.isEmpty() || !alive.contains(node)) {
            return;
        }
        String ns = pod.path("metadata").path("namespace").asText();
        String name = pod.path("metadata").path("name").asText();
        try {
            if (pod.path("metadata").has("deletionTimestamp")) {
                ObjectNode opts = MAPPER.createObjectNode();
                opts.put("gracePeriodSeconds", 0);
                client.delete(Resource.PODS, ns, name, opts);
                return;
            }
            if (!pod.path("status").path("phase").asText("").isEmpty() && pod.path("status").has("startTime")) {
                return;
            }
            String image = pod.path("spec").path("containers").path(0).path("image").asText();
            boolean bad = image.startsWith("bad/");
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            ObjectNode updated = pod.deepCopy();
            ObjectNode status = updated.putObject("status");
            if (image.startsWith("job/")) {
                boolean fail = image.equals("job/flaky") && flakyFailures.getAndIncrement() == 0;
                status.put("phase", fail ? "Failed" : "Succeeded").put("startTime", now).put("hostIP", "192.168.0.1");
                status.putArray("containerStatuses").addObject().put("name", "c").put("ready", false).put("restartCount", 0)
                        .put("image", image).put("imageID", "").putObject("state").putObject("terminated")
                        .put("exitCode", fail ? 1 : 0).put("reason", fail ? "Error" : "Completed")
                        .put("startedAt", now).put("finishedAt", now);
                client.update(Resource.PODS, updated, "status");
                return;
            }
            status.put("phase", bad ? "Pending" : "Running").put("startTime", now).put("hostIP", "192.168.0.1");
            if (!bad) {
                String ip = "10.244.0." + ips.getAndIncrement();
                status.put("podIP", ip).putArray("podIPs").addObject().put("ip", ip);
            }
            // Container statuses are what kubectl's READY column counts ("1/1").
            var containers = status.putArray("containerStatuses");
            for (var c : pod.path("spec").path("containers")) {
                ObjectNode cs = containers.addObject();
                cs.put("name", c.path("name").asText()).put("image", c.path("image").asText())
                        .put("imageID", "").put("ready", !bad).put("restartCount", 0).put("started", !bad);
                if (bad) {
                    cs.putObject("state").putObject("waiting").put("reason", "ImagePullBackOff")
                            .put("message", "Back-off pulling image \"" + c.path("image").asText() + "\"");
                } else {
                    cs.put("containerID", "containerd://" + name + "-" + c.path("name").asText());
                    cs.putObject("state").putObject("running").put("startedAt", now);
                }
            }
            var conds = status.putArray("conditions");
            conds.addObject().put("type", "PodScheduled").put("status", "True").put("lastTransitionTime", now);
            conds.addObject().put("type", "Ready").put("status", bad ? "False" : "True").put("lastTransitionTime", now);
            conds.addObject().put("type", "ContainersReady").put("status", bad ? "False" : "True").put("lastTransitionTime", now);
            client.update(Resource.PODS, updated, "status");
        } catch (ApiException e) {
            if (!e.notFound() && !e.conflict()) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        heartbeats.interrupt();
        pods.close();
    }
}
