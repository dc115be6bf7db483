package dev.keelson.bench.pods;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.bench.Progress;
import dev.keelson.bench.Samples;
import dev.keelson.bench.runtime.GuardedRun;
import dev.keelson.bench.runtime.Mounts;
import dev.keelson.bench.runtime.PrivateContainerd;
import dev.keelson.bench.runtime.ProcessTree;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of the pods benchmark: a {@code keelson up} cluster, a private containerd with a second
 * node agent, then alternating timed Deployments on the two nodes, the memory of each side while 30
 * pods run, and Service propagation on Keelson's node. Everything is removed in {@link #close()}.
 */
final class PodsRun implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KEELSON = "keelson";
    static final String CONTAINERD = "containerd";

    private final PodsPlan plan;
    private final Progress line;
    private final Path dir;
    private final NetnsDirectory pins;
    private KeelsonUp up;
    private PrivateContainerd containerd;
    private ContainerdNode containerdNode;
    private String containerdNodeName;

    final PodsResults results = new PodsResults();

    PodsRun(PodsPlan plan, Progress line) throws Exception {
        this.plan = plan;
        this.line = line;
        long pid = ProcessHandle.current().pid();
        this.dir = Files.createTempDirectory("keelson-bench-pods-");
        this.pins = NetnsDirectory.of(Path.of("/run/keelson/bench-pods-" + pid));
    }

    void measure() throws Exception {
        String cluster = "bench" + ProcessHandle.current().pid();
        line.update("pods: starting keelson up (cluster " + cluster + ")");
        up = KeelsonUp.start(cluster, dir.resolve("keelson"), 300);
        line.end();
        KubeClient client = up.client();
        results.containerdMissing = PrivateContainerd.unavailable();
        if (results.containerdMissing == null) {
            try {
                line.update("pods: starting containerd in a namespace of its own, importing the images");
                Path pause = Path.of(System.getProperty("keelson.libexec"), "keelson-pause");
                containerd = PrivateContainerd.start(dir.resolve("containerd"), pins, "cbr0", "10.245.0.0/24", "10.245.0.1",
                        pause, Workloads.IMAGE);
                String node = cluster + "-containerd";
                containerdNodeName = node;
                containerdNode = ContainerdNode.start(node, up.kubeconfig(), containerd, "10.245.0.0/24", "10.245.0.1",
                        dir.resolve("containerd-node"));
                awaitNode(client, node);
            } catch (Exception e) {
                results.containerdMissing = "containerd could not be run: " + e.getMessage();
            }
            line.end();
        }
        List<String> contenders = results.containerdMissing == null ? List.of(KEELSON, CONTAINERD) : List.of(KEELSON);
        for (String c : contenders) {
            startup(client, c, "warmup-" + c, plan.warmupPods(), null, false);
        }
        for (int r = 0; r < plan.rounds(); r++) {
            for (int k = 0; k < contenders.size(); k++) {
                String c = contenders.get((k + r) % contenders.size());
                boolean last = r == plan.rounds() - 1;
                startup(client, c, c + "-" + r, plan.pods(), c.equals(KEELSON) ? results.keelsonPods : results.containerdPods, last);
            }
        }
        for (int r = 0; r < plan.singlePods(); r++) {
            for (int k = 0; k < contenders.size(); k++) {
                String c = contenders.get((k + r) % contenders.size());
                single(client, c, "single-" + c + "-" + r, c.equals(KEELSON) ? results.keelsonSingle : results.containerdSingle);
            }
        }
        line.update("pods: echo server for the Services");
        client.create(Resource.DEPLOYMENTS, Workloads.NAMESPACE,
                Workloads.deployment("echo", up.nodeName(), 1, "httpd", "-f", "-p", "8080"));
        try (ReadyWatch w = ReadyWatch.open(client, "echo", null)) {
            w.awaitReady(1, READY_TIMEOUT, n -> { });
        }
        try (NetNamespace node = NetnsDirectory.system().open(up.nodeNetns())) {
            ServiceReach.measure(client, node, "keelson0", "echo", plan.services(), results.services, line::update);
        }
        line.end();
        deleteAndWait(client, "echo");
    }

    private void awaitNode(KubeClient client, String node) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!KeelsonUp.nodeReady(client, node)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + node + " not Ready within 2 min; containerd log:\n" + containerd.logTail());
            }
            Thread.sleep(200);
        }
    }

    /**
     * Creates Deployment {@code name} of {@code pods} sleeping pods on {@code contender}'s node, waits
     * for all to be Ready, records per-pod latencies into {@code into} (null: untimed), takes the
     * memory figures when {@code memory}, then deletes it and waits until the runtime is empty.
     */
    private void startup(KubeClient client, String contender, String name, int pods, Samples into, boolean memory)
            throws Exception {
        String node = contender.equals(KEELSON) ? up.nodeName() : containerdNodeName;
        String phase = "pods: " + name + " (" + pods + " pods on " + contender + "): ";
        ObjectNode list = client.list(Resource.PODS, Workloads.NAMESPACE, "labelSelector=bench%3D" + name);
        String rv = list.path("metadata").path("resourceVersion").asText();
        try (ReadyWatch w = ReadyWatch.open(client, name, rv)) {
            line.update(phase + "creating the Deployment");
            long start = System.nanoTime();
            client.create(Resource.DEPLOYMENTS, Workloads.NAMESPACE, Workloads.deployment(name, node, pods, "sleep", "3600"));
            w.awaitReady(pods, READY_TIMEOUT, n -> line.update(phase + n + "/" + pods + " Ready"));
            if (into != null) {
                w.ready().forEach((pod, at) -> into.add(at - w.seen().get(pod)));
                (contender.equals(KEELSON) ? results.keelsonTotal : results.containerdTotal).add(w.lastReady() - start);
            }
        }
        if (memory) {
            takeMemory(contender);
        }
        line.update(phase + "deleting");
        deleteAndWait(client, name);
        line.end();
    }

    /** One bare pod on an otherwise idle node: create request → Ready on the watch; then it is deleted. */
    private void single(KubeClient client, String contender, String name, Samples into) throws Exception {
        String node = contender.equals(KEELSON) ? up.nodeName() : containerdNodeName;
        line.update("pods: one pod at a time on " + contender + ": " + name);
        ObjectNode list = client.list(Resource.PODS, Workloads.NAMESPACE, "labelSelector=bench%3D" + name);
        try (ReadyWatch w = ReadyWatch.open(client, name, list.path("metadata").path("resourceVersion").asText())) {
            long start = System.nanoTime();
            client.create(Resource.PODS, Workloads.NAMESPACE, Workloads.pod(name, name, node));
            w.awaitReady(1, READY_TIMEOUT, n -> { });
            into.add(w.lastReady() - start);
        }
        client.delete(Resource.PODS, Workloads.NAMESPACE, name, null);
        awaitGone(client, name);
    }

    private void takeMemory(String contender) throws Exception {
        // let the pods' start-up garbage settle as a long-running node would
        Thread.sleep(5_000);
        if (contender.equals(KEELSON)) {
            var jvms = up.jvms();
            results.keelsonJvmMib = ProcessTree.rssMib(jvms);
            results.jvmDetail = String.join("; ", jvms.stream().map(p -> String.format("%.0f MiB", p.rssKib() / 1024.0)).toList());
            var shims = up.shims();
            results.keelsonShims = shims.size();
            results.keelsonShimMib = ProcessTree.rssMib(shims);
        } else {
            results.containerdMib = ProcessTree.rssMib(ProcessTree.all().filter(p -> p.pid() == containerd.pid()).toList());
            var shims = ProcessTree.all().filter(p -> containerd.shimPids().contains(p.pid())).toList();
            results.containerdShims = shims.size();
            results.containerdShimMib = ProcessTree.rssMib(shims);
        }
    }

    /** Deletes Deployment {@code name} and waits until its pods are gone from the API (their containers removed). */
    private void deleteAndWait(KubeClient client, String name) throws Exception {
        ObjectNode options = JSON.createObjectNode().put("propagationPolicy", "Background");
        client.delete(Resource.DEPLOYMENTS, Workloads.NAMESPACE, name, options);
        awaitGone(client, name);
    }

    private static void awaitGone(KubeClient client, String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            int left = client.list(Resource.PODS, Workloads.NAMESPACE, "labelSelector=bench%3D" + name).path("items").size();
            if (left == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bench pods: " + left + " pods of " + name + " still exist 3 min after the delete");
            }
            Thread.sleep(250);
        }
    }

    /** Stops the containerd node, containerd and the cluster; removes the scratch directory and the namespace pins. */
    @Override
    public void close() throws IOException {
        List<Exception> failures = new ArrayList<>();
        GuardedRun.closeAll(failures, containerdNode, containerd, up);
        try {
            pins.destroy();
            Mounts.deleteTree(dir);
        } catch (Exception e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            Exception first = failures.getFirst();
            IOException thrown = first instanceof IOException io ? io : new IOException("bench pods cleanup: " + first.getMessage(), first);
            failures.subList(1, failures.size()).forEach(thrown::addSuppressed);
            throw thrown;
        }
    }

    /** The scratch directory (logs live here until {@link #close()}). */
    Path dir() {
        return dir;
    }
}
