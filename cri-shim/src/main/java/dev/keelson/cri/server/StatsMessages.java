package dev.keelson.cri.server;

import dev.keelson.cri.api.v1.ContainerAttributes;
import dev.keelson.cri.api.v1.ContainerStats;
import dev.keelson.cri.api.v1.CpuUsage;
import dev.keelson.cri.api.v1.MemoryUsage;
import dev.keelson.cri.api.v1.UInt64Value;
import dev.keelson.cri.container.CgroupStats;
import dev.keelson.cri.container.ContainerManager;
import dev.keelson.cri.container.ContainerRecord;

/** CRI stats messages from cgroup readings, shared by container stats and pod sandbox stats. */
final class StatsMessages {
    private StatsMessages() {
    }

    /** ContainerStats of {@code r}: attributes always, CPU and memory while its cgroup exists. */
    static ContainerStats container(ContainerManager containers, ContainerRecord r) {
        var c = r.containerConfig();
        ContainerStats.Builder b = ContainerStats.newBuilder().setAttributes(ContainerAttributes.newBuilder().setId(r.id())
                .setMetadata(c.getMetadata()).putAllLabels(c.getLabelsMap()).putAllAnnotations(c.getAnnotationsMap()));
        long now = nowNanos();
        containers.stats(r.id()).ifPresent(s -> b.setCpu(cpu(s, now)).setMemory(memory(s, now)));
        return b.build();
    }

    static CpuUsage cpu(CgroupStats s, long now) {
        return CpuUsage.newBuilder().setTimestamp(now).setUsageCoreNanoSeconds(u64(s.cpuNanos())).build();
    }

    static MemoryUsage memory(CgroupStats s, long now) {
        MemoryUsage.Builder m = MemoryUsage.newBuilder().setTimestamp(now).setWorkingSetBytes(u64(s.workingSetBytes()))
                .setUsageBytes(u64(s.usageBytes())).setRssBytes(u64(s.rssBytes())).setPageFaults(u64(s.pageFaults()))
                .setMajorPageFaults(u64(s.majorPageFaults()));
        if (s.availableBytes() >= 0) {
            m.setAvailableBytes(u64(s.availableBytes()));
        }
        return m.build();
    }

    static UInt64Value u64(long v) {
        return UInt64Value.newBuilder().setValue(v).build();
    }

    /** Wall-clock time in nanoseconds since the epoch, as CRI timestamps are. */
    static long nowNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }
}
