package dev.keelson.bench;

import dev.keelson.bench.netlink.NetlinkBench;
import dev.keelson.bench.netns.NetnsBench;
import java.util.List;
import java.util.Optional;

/** The benchmark areas there are, in the order {@code keelson bench} lists them. */
public final class BenchAreas {
    private static final List<BenchArea> ALL = List.of(new NetnsBench(), new NetlinkBench(), new dev.keelson.bench.cni.CniBench(), new dev.keelson.bench.proxy.ProxyBench(), new dev.keelson.bench.store.StoreBench(),
            new dev.keelson.bench.api.ApiBench(),
            new dev.keelson.bench.scheduler.SchedulerBench(), new dev.keelson.bench.pods.PodsBench(), new dev.keelson.bench.cri.CriBench());

    private BenchAreas() {
    }

    /** Every area. */
    public static List<BenchArea> all() {
        return ALL;
    }

    /** The area called {@code name} (case-insensitive). */
    public static Optional<BenchArea> find(String name) {
        return ALL.stream().filter(a -> a.name().equalsIgnoreCase(name)).findFirst();
    }
}
