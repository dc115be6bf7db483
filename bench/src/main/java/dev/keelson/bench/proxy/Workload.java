package dev.keelson.bench.proxy;

import dev.keelson.netns.addr.InetAddresses;
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
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's Services: N services (TCP 80 to 8080) with 5 endpoints each, in one plain form
 * that every layout generator reads. Nine in ten are ClusterIP-only; every tenth (index ≡ 5 mod 10)
 * is a NodePort service, node port {@code 30000 + index / 10} (30,000 services need 3,000 node
 * ports: the range is wider than Kubernetes' default 30000–32767, as a cluster of that size
 * configures it). Names are zero-padded so that every layout orders
 * them by index: service 0 is the first rule of an iptables KUBE-SERVICES chain and N-1 the last.
 * The first and last services are served by the {@link #REAL_ENDPOINTS} that the backend
 * namespace really answers on; the others point at addresses nobody answers (rules only).
 *
 * @param services the services, by index
 */
record Workload(List<Svc> services) {
    static final String NAMESPACE = "bench";
    static final int PORT = 80;
    static final int TARGET_PORT = 8080;
    static final int ENDPOINTS = 5;
    static final List<String> REAL_ENDPOINTS = List.of("10.200.0.2", "10.200.0.3", "10.200.0.4", "10.200.0.5", "10.200.0.6");

    static final int NODE_PORT_BASE = 30_000;

    /**
     * One service: its name, ClusterIP, node port (0 for ClusterIP-only) and endpoint addresses
     * (all on {@link #TARGET_PORT}).
     */
    record Svc(String name, String vip, int nodePort, List<String> endpoints) {
        Svc {
            endpoints = List.copyOf(endpoints);
        }
    }

    Workload {
        services = List.copyOf(services);
    }

    static Workload of(int n) {
        List<Svc> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(service(i, i == 0 || i == n - 1, isNodePort(i)));
        }
        return new Workload(list);
    }

    /** Whether service {@code i} is one of the 10 % with a NodePort. */
    static boolean isNodePort(int i) {
        return i % 10 == 5;
    }

    private static Svc service(int i, boolean real, boolean nodePort) {
        List<String> eps = new ArrayList<>();
        for (int e = 0; e < ENDPOINTS; e++) {
            eps.add(real ? REAL_ENDPOINTS.get(e) : fakeEndpoint(i * ENDPOINTS + e));
        }
        return new Svc(String.format("s%06d", i), vip(i), nodePort ? NODE_PORT_BASE + i / 10 : 0, eps);
    }

    static String vip(int i) {
        return "172.30." + (i / 250) + "." + (i % 250 + 1);
    }

    private static String fakeEndpoint(int k) {
        return "10." + (100 + k / 62500) + "." + (k / 250 % 250) + "." + (k % 250 + 1);
    }

    Svc first() {
        return services.getFirst();
    }

    Svc last() {
        return services.getLast();
    }

    /** This workload plus one new ClusterIP-only service (a "one-service change"). */
    Workload withOneMoreService() {
        return withOneMore(false);
    }

    /** This workload plus one new NodePort service (the other "one-service change"). */
    Workload withOneMoreNodePortService() {
        return withOneMore(true);
    }

    private Workload withOneMore(boolean nodePort) {
        List<Svc> list = new ArrayList<>(services);
        int i = services.size();
        // index ≡ 5 mod 10 keeps the node port distinct from every existing one (30000 + i / 10)
        list.add(service(nodePort ? i + (15 - i % 10) % 10 : i, false, nodePort));
        return new Workload(list);
    }

    /** This workload with the last endpoint of the middle service replaced (the "one-endpoint change"). */
    Workload withOneEndpointMoved() {
        List<Svc> list = new ArrayList<>(services);
        int mid = services.size() / 2;
        Svc s = list.get(mid);
        List<String> eps = new ArrayList<>(s.endpoints());
        eps.set(eps.size() - 1, "10.250.0." + (1 + eps.size()));
        list.set(mid, new Svc(s.name(), s.vip(), s.nodePort(), eps));
        return new Workload(list);
    }

    /** The same services as Keelson's model. */
    Snapshot snapshot() {
        List<Service> svcs = new ArrayList<>(services.size());
        List<EndpointSlice> slices = new ArrayList<>(services.size());
        for (Svc s : services) {
            ServiceRef ref = new ServiceRef(NAMESPACE, s.name());
            svcs.add(new Service(ref, s.nodePort() == 0 ? ServiceType.ClusterIP : ServiceType.NodePort,
                    List.of(InetAddresses.parse(s.vip())),
                    List.of(new ServicePort("http", Protocol.TCP, PORT, TargetPort.of(TARGET_PORT), s.nodePort())),
                    List.of(), List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.Cluster, TrafficPolicy.Cluster));
            List<Endpoint> eps = new ArrayList<>(ENDPOINTS);
            for (String a : s.endpoints()) {
                eps.add(new Endpoint(List.of(InetAddresses.parse(a)), EndpointConditions.READY, "node-b", null));
            }
            slices.add(new EndpointSlice(s.name() + "-1", ref, AddressType.IPv4, eps,
                    List.of(new EndpointPort("http", Protocol.TCP, TARGET_PORT))));
        }
        return Snapshot.of(svcs, slices);
    }
}
