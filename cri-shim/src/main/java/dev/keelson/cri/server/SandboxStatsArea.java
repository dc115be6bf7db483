package dev.keelson.cri.server;

import dev.keelson.cri.api.v1.LinuxPodSandboxStats;
import dev.keelson.cri.api.v1.ListMetricDescriptorsRequest;
import dev.keelson.cri.api.v1.ListMetricDescriptorsResponse;
import dev.keelson.cri.api.v1.ListPodSandboxMetricsRequest;
import dev.keelson.cri.api.v1.ListPodSandboxMetricsResponse;
import dev.keelson.cri.api.v1.ListPodSandboxStatsRequest;
import dev.keelson.cri.api.v1.ListPodSandboxStatsResponse;
import dev.keelson.cri.api.v1.NetworkInterfaceUsage;
import dev.keelson.cri.api.v1.NetworkUsage;
import dev.keelson.cri.api.v1.PodSandboxAttributes;
import dev.keelson.cri.api.v1.PodSandboxStats;
import dev.keelson.cri.api.v1.PodSandboxStatsFilter;
import dev.keelson.cri.api.v1.PodSandboxStatsRequest;
import dev.keelson.cri.api.v1.PodSandboxStatsResponse;
import dev.keelson.cri.api.v1.ProcessUsage;
import dev.keelson.cri.api.v1.RuntimeServiceGrpc;
import dev.keelson.cri.container.CgroupStats;
import dev.keelson.cri.container.ContainerManager;
import dev.keelson.cri.container.ContainerRecord;
import dev.keelson.cri.sandbox.Cgroups;
import dev.keelson.cri.sandbox.SandboxManager;
import dev.keelson.cri.sandbox.SandboxRecord;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.link.LinkCounters;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * PodSandboxStats and ListPodSandboxStats for READY sandboxes: CPU and memory of the pod's cgroup
 * ({@code PARENT/POD}, cgroup v1: pause and every container), the number of processes in it and its
 * child cgroups, the traffic counters of the pod namespace's interfaces (an RTM_GETLINK dump with
 * statistics, through a netlink socket opened in that namespace; {@code eth0} is the default
 * interface, {@code lo} is left out), and the stats of its running containers.
 *
 * <p>ListMetricDescriptors and ListPodSandboxMetrics (the Prometheus-style metrics a kubelet asks for
 * when it takes all stats from the runtime) answer UNIMPLEMENTED with the reason: the kubelet then
 * uses these summary stats.
 */
public final class SandboxStatsArea implements RuntimeServiceGrpc.AsyncService, CriArea {
    /** The interface the CNI plugins name in the pod (CNI_IFNAME). */
    static final String DEFAULT_INTERFACE = "eth0";
    static final String NO_METRICS = "%s is not implemented: keelson serves pod and container usage through"
            + " PodSandboxStats, ListPodSandboxStats and ListContainerStats, not as metric descriptors";

    private final SandboxManager sandboxes;
    private final ContainerManager containers;

    public SandboxStatsArea(SandboxManager sandboxes, ContainerManager containers) {
        this.sandboxes = sandboxes;
        this.containers = containers;
    }

    @Override
    public String name() {
        return "sandbox stats";
    }

    @Override
    public Set<String> rpcs() {
        return Set.of("PodSandboxStats", "ListPodSandboxStats", "ListMetricDescriptors", "ListPodSandboxMetrics");
    }

    @Override
    public List<ServerServiceDefinition> services() {
        return List.of(RuntimeServiceGrpc.bindService(this));
    }

    @Override
    public void podSandboxStats(PodSandboxStatsRequest req, StreamObserver<PodSandboxStatsResponse> out) {
        PodArea.answer(out, () -> {
            SandboxRecord r = sandboxes.get(req.getPodSandboxId());
            if (!r.state().equals(SandboxRecord.READY)) {
                throw new IllegalStateException("pod sandbox " + r.id() + " is not ready: no stats");
            }
            return PodSandboxStatsResponse.newBuilder().setStats(stats(r)).build();
        });
    }

    @Override
    public void listPodSandboxStats(ListPodSandboxStatsRequest req, StreamObserver<ListPodSandboxStatsResponse> out) {
        PodArea.answer(out, () -> {
            PodSandboxStatsFilter f = req.getFilter();
            ListPodSandboxStatsResponse.Builder b = ListPodSandboxStatsResponse.newBuilder();
            for (SandboxRecord r : sandboxes.list()) {
                if (r.state().equals(SandboxRecord.READY) && (f.getId().isEmpty() || r.id().startsWith(f.getId()))
                        && PodArea.matches(r.podConfig().getLabelsMap(), f.getLabelSelectorMap())) {
                    b.addStats(stats(r));
                }
            }
            return b.build();
        });
    }

    @Override
    public void listMetricDescriptors(ListMetricDescriptorsRequest req, StreamObserver<ListMetricDescriptorsResponse> out) {
        out.onError(Status.UNIMPLEMENTED.withDescription(NO_METRICS.formatted("ListMetricDescriptors")).asRuntimeException());
    }

    @Override
    public void listPodSandboxMetrics(ListPodSandboxMetricsRequest req, StreamObserver<ListPodSandboxMetricsResponse> out) {
        out.onError(Status.UNIMPLEMENTED.withDescription(NO_METRICS.formatted("ListPodSandboxMetrics")).asRuntimeException());
    }

    private PodSandboxStats stats(SandboxRecord r) {
        var md = r.podConfig();
        long now = StatsMessages.nowNanos();
        LinuxPodSandboxStats.Builder linux = LinuxPodSandboxStats.newBuilder()
                .setProcess(ProcessUsage.newBuilder().setTimestamp(now).setProcessCount(StatsMessages.u64(processes(r.cgroup()))));
        CgroupStats.read(Cgroups.ROOT, r.cgroup()).ifPresent(s -> linux.setCpu(StatsMessages.cpu(s, now))
                .setMemory(StatsMessages.memory(s, now)));
        if (r.netns() != null) {
            linux.setNetwork(network(Path.of(r.netns()), now));
        }
        for (ContainerRecord c : containers.ofPod(r.id())) {
            if (c.state().equals(ContainerRecord.RUNNING)) {
                linux.addContainers(StatsMessages.container(containers, c));
            }
        }
        return PodSandboxStats.newBuilder().setAttributes(PodSandboxAttributes.newBuilder().setId(r.id())
                .setMetadata(md.getMetadata()).putAllLabels(md.getLabelsMap()).putAllAnnotations(md.getAnnotationsMap()))
                .setLinux(linux).build();
    }

    /** The counters of every interface but {@code lo} in the pod's namespace. */
    static NetworkUsage network(Path netns, long now) {
        List<LinkCounters> links;
        try (NetNamespace ns = NetNamespace.open(netns); Rtnetlink rtnl = Rtnetlink.open(ns)) {
            links = LinkCounters.list(rtnl);
        }
        NetworkUsage.Builder b = NetworkUsage.newBuilder().setTimestamp(now);
        for (LinkCounters l : links) {
            if (l.name().equals("lo")) {
                continue;
            }
            NetworkInterfaceUsage u = NetworkInterfaceUsage.newBuilder().setName(l.name())
                    .setRxBytes(StatsMessages.u64(l.rxBytes())).setRxErrors(StatsMessages.u64(l.rxErrors()))
                    .setTxBytes(StatsMessages.u64(l.txBytes())).setTxErrors(StatsMessages.u64(l.txErrors())).build();
            b.addInterfaces(u);
            if (l.name().equals(DEFAULT_INTERFACE)) {
                b.setDefaultInterface(u);
            }
        }
        return b.build();
    }

    /** Processes in the pod's cgroup and below it ({@code cgroup.procs} of each, in the cpuacct hierarchy). */
    static long processes(String relative) {
        Path top = Cgroups.ROOT.resolve("cpuacct").resolve(relative.replaceFirst("^/+", ""));
        if (!Files.isDirectory(top)) {
            return 0;
        }
        try (Stream<Path> tree = Files.walk(top)) {
            long n = 0;
            for (Path procs : tree.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
                try (Stream<String> lines = Files.lines(procs)) {
                    n += lines.filter(l -> !l.isBlank()).count();
                } catch (IOException gone) {
                    // a container's cgroup removed while walking: its processes are gone
                }
            }
            return n;
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
