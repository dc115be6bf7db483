package dev.keelson.proxy;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.ipt.IptablesRenderer;
import dev.keelson.proxy.model.AddressType;
import dev.keelson.proxy.model.Endpoint;
import dev.keelson.proxy.model.EndpointConditions;
import dev.keelson.proxy.model.EndpointPort;
import dev.keelson.proxy.model.EndpointSlice;
import dev.keelson.proxy.model.Protocol;
import dev.keelson.proxy.model.Service;
import dev.keelson.proxy.model.ServicePort;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.ServiceType;
import dev.keelson.proxy.model.SessionAffinity;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.proxy.model.TargetPort;
import dev.keelson.proxy.model.TrafficPolicy;
import dev.keelson.proxy.nft.NftRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the rendered full load for N synthetic services x 5 endpoints, for measuring
 * {@code nft -f} / {@code iptables-restore} load time by hand (see README). Not a test:
 * {@code java ... LoadTimeProbe N DIR [affinityEvery]}.
 */
public final class LoadTimeProbe {
    private LoadTimeProbe() {
    }

    public static Snapshot synthetic(int n, int affinityEvery) {
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            ServiceRef ref = new ServiceRef("ns" + s % 10, "svc" + s);
            SessionAffinity aff = affinityEvery > 0 && s % affinityEvery == 0 ? new SessionAffinity(10800) : SessionAffinity.NONE;
            services.add(new Service(ref, ServiceType.ClusterIP,
                    List.of(InetAddresses.parse("172.30." + (s / 250) + "." + (s % 250 + 1))),
                    List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 0)), List.of(), List.of(),
                    List.of(), aff, TrafficPolicy.Cluster, TrafficPolicy.Cluster));
            List<Endpoint> eps = new ArrayList<>();
            for (int e = 0; e < 5; e++) {
                int i = s * 5 + e;
                eps.add(new Endpoint(List.of(InetAddresses.parse("10." + (100 + i / 62500) + "." + (i / 250 % 250) + "." + (i % 250 + 1))),
                        EndpointConditions.READY, "node-b", null));
            }
            slices.add(new EndpointSlice(ref.name() + "-1", ref, AddressType.IPv4, eps,
                    List.of(new EndpointPort("http", Protocol.TCP, 8080))));
        }
        return Snapshot.of(services, slices);
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        int affinityEvery = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        var node = new dev.keelson.proxy.compile.NodeConfig("node-a", List.of(InetAddresses.parse("192.168.1.10")),
                List.of(IpPrefix.parse("10.96.0.0/12")), List.of(IpPrefix.parse("172.30.0.0/16")), false);
        long t0 = System.nanoTime();
        CompiledState st = Compiler.compile(synthetic(n, affinityEvery), node);
        String nft = NftRenderer.full(st);
        String ipt = IptablesRenderer.full(st, Family.V4);
        System.out.printf("compile+render N=%d: %.1f ms%n", n, (System.nanoTime() - t0) / 1e6);
        Files.writeString(dir.resolve("full-" + n + ".nft"), nft);
        Files.writeString(dir.resolve("full-" + n + ".iptables"), ipt);
    }
}
