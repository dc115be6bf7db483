package dev.keelson.proxy.traffic;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.compile.Family;
import dev.keelson.proxy.compile.NodeConfig;
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
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The Services of the traffic tests, over the {@link Lab}'s backends. Backend 1 runs on this
 * node ({@code node-a}); the others are said to run on {@code node-b} (they are reachable all
 * the same, which is what lets the Local-policy test see that they are <em>not</em> chosen).
 */
final class TrafficServices {
    static final NodeConfig NODE = new NodeConfig("node-a", List.of(Lab.NODE_IP, Lab.NODE_IP6),
            List.of(IpPrefix.parse("10.244.0.0/16"), IpPrefix.parse("fd00:244::/32")),
            List.of(IpPrefix.parse("10.96.0.0/16"), IpPrefix.parse("fd00:96::/64")), false);

    static final ServiceRef WEB = new ServiceRef("default", "web");
    static final ServiceRef DNS = new ServiceRef("default", "dns");
    static final ServiceRef EMPTY = new ServiceRef("default", "empty");
    static final ServiceRef STICKY = new ServiceRef("default", "sticky");
    static final ServiceRef LOCAL = new ServiceRef("default", "local");
    static final ServiceRef STICKY_NODEPORT = new ServiceRef("default", "sticky-np");
    static final ServiceRef STICKY6 = new ServiceRef("default", "sticky6");

    static final InetSocketAddress WEB_VIP = new InetSocketAddress(InetAddresses.parse("10.96.0.10"), 80);
    static final InetSocketAddress WEB_NODEPORT = new InetSocketAddress(Lab.NODE_IP, 30080);
    static final InetSocketAddress DNS_VIP = new InetSocketAddress(InetAddresses.parse("10.96.0.53"), 53);
    static final InetSocketAddress EMPTY_VIP = new InetSocketAddress(InetAddresses.parse("10.96.0.11"), 80);
    static final InetSocketAddress STICKY_VIP = new InetSocketAddress(InetAddresses.parse("10.96.0.13"), 80);
    static final InetSocketAddress LOCAL_NODEPORT = new InetSocketAddress(Lab.NODE_IP, 30090);
    /** A NodePort service with ClientIP affinity (IPv4). */
    static final InetSocketAddress STICKY_NODEPORT_VIP = new InetSocketAddress(InetAddresses.parse("10.96.0.15"), 80);
    static final InetSocketAddress STICKY_NODEPORT_PORT = new InetSocketAddress(Lab.NODE_IP, 30100);
    /** An IPv6 NodePort service with ClientIP affinity, over the backends' IPv6 addresses. */
    static final InetSocketAddress STICKY6_VIP = new InetSocketAddress(InetAddresses.parse("fd00:96::13"), 80);
    static final InetSocketAddress STICKY6_NODEPORT = new InetSocketAddress(Lab.NODE_IP6, 30101);

    private TrafficServices() {
    }

    /**
     * Every service; {@code web} and {@code dns} are served by the backends numbered in
     * {@code webBackends}, the others by all of {@code 1..backends}.
     */
    static Snapshot snapshot(int backends, List<Integer> webBackends) {
        return snapshot(backends, webBackends, null);
    }

    /** The same, with {@code sticky} and {@code sticky-np} served by {@code stickyBackends} (null: all of them). */
    static Snapshot snapshot(int backends, List<Integer> webBackends, List<Integer> stickyBackends) {
        return snapshot(backends, webBackends, stickyBackends, true);
    }

    /** The same, with ClientIP affinity on {@code sticky-np} only if {@code nodePortAffinity}. */
    static Snapshot snapshot(int backends, List<Integer> webBackends, List<Integer> stickyBackends,
                             boolean nodePortAffinity) {
        List<Integer> every = new ArrayList<>();
        for (int i = 1; i <= backends; i++) {
            every.add(i);
        }
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        add(services, slices, WEB, ServiceType.NodePort, WEB_VIP, Protocol.TCP, NameServers.TCP_PORT, 30080,
                SessionAffinity.NONE, TrafficPolicy.Cluster, webBackends);
        add(services, slices, DNS, ServiceType.ClusterIP, DNS_VIP, Protocol.UDP, NameServers.UDP_PORT, 0,
                SessionAffinity.NONE, TrafficPolicy.Cluster, webBackends);
        add(services, slices, EMPTY, ServiceType.ClusterIP, EMPTY_VIP, Protocol.TCP, NameServers.TCP_PORT, 0,
                SessionAffinity.NONE, TrafficPolicy.Cluster, List.of());
        add(services, slices, STICKY, ServiceType.ClusterIP, STICKY_VIP, Protocol.TCP, NameServers.TCP_PORT, 0,
                new SessionAffinity(600), TrafficPolicy.Cluster, stickyBackends == null ? every : stickyBackends);
        add(services, slices, LOCAL, ServiceType.NodePort, new InetSocketAddress(InetAddresses.parse("10.96.0.14"), 80),
                Protocol.TCP, NameServers.TCP_PORT, LOCAL_NODEPORT.getPort(), SessionAffinity.NONE, TrafficPolicy.Local, every);
        add(services, slices, STICKY_NODEPORT, ServiceType.NodePort, STICKY_NODEPORT_VIP, Protocol.TCP, NameServers.TCP_PORT,
                STICKY_NODEPORT_PORT.getPort(), nodePortAffinity ? new SessionAffinity(600) : SessionAffinity.NONE,
                TrafficPolicy.Cluster,
                stickyBackends == null ? every : stickyBackends);
        add(services, slices, STICKY6, ServiceType.NodePort, STICKY6_VIP, Protocol.TCP, NameServers.TCP_PORT,
                STICKY6_NODEPORT.getPort(), new SessionAffinity(600), TrafficPolicy.Cluster, every);
        return Snapshot.of(services, slices);
    }

    private static void add(List<Service> services, List<EndpointSlice> slices, ServiceRef ref, ServiceType type,
                            InetSocketAddress vip, Protocol proto, int targetPort, int nodePort, SessionAffinity affinity,
                            TrafficPolicy external, List<Integer> backends) {
        services.add(new Service(ref, type, List.of(vip.getAddress()),
                List.of(new ServicePort("p", proto, vip.getPort(), TargetPort.of(targetPort), nodePort)),
                List.of(), List.of(), List.of(), affinity, TrafficPolicy.Cluster, external));
        boolean v6 = Family.of(vip.getAddress()) == Family.V6;
        List<Endpoint> eps = new ArrayList<>();
        for (int i : backends) {
            eps.add(new Endpoint(List.of(v6 ? Lab.backendIp6(i) : Lab.backendIp(i)), EndpointConditions.READY,
                    i == 1 ? "node-a" : "node-b", null));
        }
        slices.add(new EndpointSlice(ref.name() + "-1", ref, Family.of(vip.getAddress()).addressType(), eps,
                List.of(new EndpointPort("p", proto, targetPort))));
    }
}
