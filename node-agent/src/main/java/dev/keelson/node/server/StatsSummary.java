package dev.keelson.node.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cri.api.v1.ContainerStats;
import dev.keelson.cri.api.v1.ListContainerStatsRequest;
import dev.keelson.node.cri.CriConnection;
import dev.keelson.node.pod.CriLabels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resource usage of the node and its pods, from CRI {@code ListContainerStats} (cumulative CPU
 * time, working set) and {@code /proc} for the node, in two shapes:
 * <ul>
 *   <li>{@link #summaryJson}: the kubelet's Summary API ({@code /stats/summary}, {@code stats/v1alpha1}):
 *       node and per-pod/per-container {@code cpu.usageNanoCores}, {@code cpu.usageCoreNanoSeconds},
 *       {@code memory.workingSetBytes};</li>
 *   <li>{@link #podMetricsJson}: this node's pods as a {@code metrics.k8s.io/v1beta1 PodMetricsList},
 *       which the API server merges over nodes for the HPA and {@code kubectl top pods}.</li>
 * </ul>
 * CRI reports cumulative CPU time, so a rate needs two samples: each call samples, and the rate is
 * taken against the previous sample when it is at least {@link #MIN_WINDOW} old (otherwise a
 * second sample is taken after that window). Windows therefore cover the time between two scrapes,
 * as metrics-server's do.
 */
public final class StatsSummary {
    static final Duration MIN_WINDOW = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CriConnection cri;
    private final String nodeName;
    private final Map<String, Sample> previous = new HashMap<>();
    private Sample previousNode;

    private record Sample(long nanos, long cpuNanos) {}

    /** One container's usage: CPU rate and time, working set. */
    record Usage(String namespace, String pod, String uid, String container, long nanoCores, long cpuNanos,
                 long workingSet, Instant time, Duration window) {}

    public StatsSummary(CriConnection cri, String nodeName) {
        this.cri = cri;
        this.nodeName = nodeName;
    }

    /** Samples every running container (blocking up to {@link #MIN_WINDOW} the first time). */
    synchronized List<Usage> sample() {
        Map<String, ContainerStats> first = read();
        boolean fresh = first.keySet().stream().anyMatch(id -> {
            Sample p = previous.get(id);
            return p == null || System.nanoTime() - p.nanos() < MIN_WINDOW.toNanos();
        });
        if (fresh) {
            remember(first, System.nanoTime());
            try {
                Thread.sleep(MIN_WINDOW);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            first = read();
        }
        long now = System.nanoTime();
        Instant at = Instant.now();
        List<Usage> out = new java.util.ArrayList<>();
        for (var e : first.entrySet()) {
            ContainerStats s = e.getValue();
            long cpu = s.getCpu().getUsageCoreNanoSeconds().getValue();
            Sample p = previous.get(e.getKey());
            long window = p == null ? 0 : now - p.nanos();
            long rate = window <= 0 ? 0 : Math.max(0, (long) ((cpu - p.cpuNanos()) * 1e9 / window));
            var labels = s.getAttributes().getLabelsMap();
            out.add(new Usage(labels.getOrDefault(CriLabels.POD_NAMESPACE, ""), labels.getOrDefault(CriLabels.POD_NAME, ""),
                    labels.getOrDefault(CriLabels.POD_UID, ""), s.getAttributes().getMetadata().getName(), rate, cpu,
                    s.getMemory().getWorkingSetBytes().getValue(), at, Duration.ofNanos(window)));
        }
        previous.keySet().retainAll(first.keySet());
        remember(first, now);
        return out;
    }

    private Map<String, ContainerStats> read() {
        Map<String, ContainerStats> out = new LinkedHashMap<>();
        for (ContainerStats s : cri.runtime().listContainerStats(ListContainerStatsRequest.getDefaultInstance()).getStatsList()) {
            out.put(s.getAttributes().getId(), s);
        }
        return out;
    }

    private void remember(Map<String, ContainerStats> stats, long nanos) {
        stats.forEach((id, s) -> previous.put(id, new Sample(nanos, s.getCpu().getUsageCoreNanoSeconds().getValue())));
    }

    /** The Summary API document. */
    public byte[] summaryJson() throws IOException {
        List<Usage> usages = sample();
        String now = Instant.now().toString();
        ObjectNode root = JSON.createObjectNode();
        ObjectNode node = root.putObject("node").put("nodeName", nodeName);
        long[] cpu = nodeCpu();
        node.putObject("cpu").put("time", now).put("usageNanoCores", cpu[0]).put("usageCoreNanoSeconds", cpu[1]);
        long[] mem = nodeMemory();
        node.putObject("memory").put("time", now).put("availableBytes", mem[1]).put("usageBytes", mem[0] - mem[1])
                .put("workingSetBytes", mem[0] - mem[1]);
        ArrayNode pods = root.putArray("pods");
        Map<String, ObjectNode> byUid = new LinkedHashMap<>();
        for (Usage u : usages) {
            ObjectNode pod = byUid.computeIfAbsent(u.uid(), uid -> {
                ObjectNode p = pods.addObject();
                p.putObject("podRef").put("name", u.pod()).put("namespace", u.namespace()).put("uid", uid);
                p.putObject("cpu").put("time", now).put("usageNanoCores", 0L).put("usageCoreNanoSeconds", 0L);
                p.putObject("memory").put("time", now).put("workingSetBytes", 0L);
                p.putArray("containers");
                return p;
            });
            ObjectNode c = pod.withArray("containers").addObject().put("name", u.container());
            c.putObject("cpu").put("time", now).put("usageNanoCores", u.nanoCores()).put("usageCoreNanoSeconds", u.cpuNanos());
            c.putObject("memory").put("time", now).put("workingSetBytes", u.workingSet());
            add(pod.withObject("cpu"), "usageNanoCores", u.nanoCores());
            add(pod.withObject("cpu"), "usageCoreNanoSeconds", u.cpuNanos());
            add(pod.withObject("memory"), "workingSetBytes", u.workingSet());
        }
        return JSON.writeValueAsBytes(root);
    }

    /** This node's pods as a PodMetricsList (usage in the units metrics-server uses: {@code n} and {@code Ki}). */
    public byte[] podMetricsJson() throws IOException {
        List<Usage> usages = sample();
        ObjectNode list = JSON.createObjectNode().put("kind", "PodMetricsList").put("apiVersion", "metrics.k8s.io/v1beta1");
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        Map<String, ObjectNode> byUid = new LinkedHashMap<>();
        for (Usage u : usages) {
            ObjectNode item = byUid.computeIfAbsent(u.uid(), uid -> {
                ObjectNode i = items.addObject();
                i.putObject("metadata").put("name", u.pod()).put("namespace", u.namespace());
                i.put("timestamp", u.time().toString()).put("window", Math.max(1, u.window().toSeconds()) + "s");
                i.putArray("containers");
                return i;
            });
            item.withArray("containers").addObject().put("name", u.container()).putObject("usage")
                    .put("cpu", u.nanoCores() + "n").put("memory", (u.workingSet() / 1024) + "Ki");
        }
        return JSON.writeValueAsBytes(list);
    }

    private static void add(ObjectNode o, String field, long v) {
        o.put(field, o.path(field).asLong() + v);
    }

    /** Node CPU: nanocores since the previous call, and cumulative busy time, from {@code /proc/stat}. */
    private synchronized long[] nodeCpu() throws IOException {
        String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
        String[] f = first.trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) { // idle and iowait are not busy
                busy += Long.parseLong(f[i]);
            }
        }
        long busyNanos = busy * (1_000_000_000L / 100); // USER_HZ is 100 on Linux (proc(5))
        long now = System.nanoTime();
        long rate = previousNode == null || now == previousNode.nanos() ? 0
                : Math.max(0, (long) ((busyNanos - previousNode.cpuNanos()) * 1e9 / (now - previousNode.nanos())));
        previousNode = new Sample(now, busyNanos);
        return new long[] {rate, busyNanos};
    }

    /** {@code [MemTotal, MemAvailable]} in bytes. */
    private static long[] nodeMemory() throws IOException {
        long total = 0;
        long available = 0;
        for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (l.startsWith("MemTotal:")) {
                total = Long.parseLong(l.replaceAll("\\D", "")) * 1024;
            } else if (l.startsWith("MemAvailable:")) {
                available = Long.parseLong(l.replaceAll("\\D", "")) * 1024;
            }
        }
        return new long[] {total, available};
    }
}
