package dev.keelson.node.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.backend.NftBackend;
import dev.keelson.proxy.backend.RuleBackend;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.conntrack.Conntrack;
import dev.keelson.proxy.model.EndpointSlice;
import dev.keelson.proxy.model.Manifests;
import dev.keelson.proxy.model.ModelException;
import dev.keelson.proxy.model.Service;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.sync.Proxier;
import dev.keelson.proxy.sync.SyncMetrics;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Service proxy on a node (kube-proxy's job): Informers on Services and EndpointSlices in all
 * namespaces feed the keelson-proxy {@link Proxier}, one object at a time (O(log n) snapshot
 * updates, bursts coalesced into one sync per {@code minSyncInterval}), which programs the
 * {@code inet keelson} nftables table (by default) in the namespace the backend was opened in.
 * Endpoints whose {@code nodeName} is this node count as local for {@code Local} traffic
 * policies. Closing stops the watches and removes the table.
 *
 * <pre>
 *   API ──watch services──────► Informer ─┐
 *       ──watch endpointslices► Informer ─┴► Proxier.upsert…/remove… ──► nft table "keelson"
 * </pre>
 */
public final class NodeProxy implements AutoCloseable {

    /**
     * Settings.
     *
     * @param backend opens the rule backend; it binds to the network namespace of the calling thread
     * @param conntrack opens the conntrack socket for stale-UDP cleanup (null: no cleanup)
     * @param clusterCidrs pod CIDRs: traffic from outside them to a ClusterIP is masqueraded
     * @param serviceCidrs service CIDRs: unallocated addresses in them are dropped (may be empty)
     * @param minSyncInterval at most one sync per this interval (kube-proxy: 1 s)
     * @param masqueradeAll masquerade every connection to a ClusterIP (kube-proxy {@code --masquerade-all}):
     *     needed where pods share a bridge without br_netfilter, or a backend's reply to a pod on the
     *     same bridge would be switched past the node and never un-DNATed
     */
    public record Options(Supplier<RuleBackend> backend, Supplier<Conntrack> conntrack, List<String> clusterCidrs,
                          List<String> serviceCidrs, Duration minSyncInterval, boolean masqueradeAll) {
        public Options {
            clusterCidrs = List.copyOf(clusterCidrs);
            serviceCidrs = List.copyOf(serviceCidrs);
        }

        /** nftables in the caller's namespace, conntrack cleanup on, kube-proxy's 1 s interval. */
        public static Options nftables(List<String> clusterCidrs, List<String> serviceCidrs) {
            return new Options(NftBackend::open, Conntrack::open, clusterCidrs, serviceCidrs, Duration.ofSeconds(1), false);
        }

        public Options withMinSyncInterval(Duration d) {
            return new Options(backend, conntrack, clusterCidrs, serviceCidrs, d, masqueradeAll);
        }

        public Options withMasqueradeAll(boolean on) {
            return new Options(backend, conntrack, clusterCidrs, serviceCidrs, minSyncInterval, on);
        }
    }

    private final Proxier proxier;
    private final Informer services;
    private final Informer slices;
    private final Consumer<String> log;

    private NodeProxy(Proxier proxier, Informer services, Informer slices, Consumer<String> log) {
        this.proxier = proxier;
        this.services = services;
        this.slices = slices;
        this.log = log;
    }

    /**
     * Opens the backend (on the calling thread, so in its network namespace), starts the sync loop
     * and the watches.
     */
    public static NodeProxy start(KubeClient client, String nodeName, List<InetAddress> nodeIps, Options options,
                                  Consumer<String> log) throws InterruptedException {
        NodeConfig node = new NodeConfig(nodeName, nodeIps, options.clusterCidrs().stream().map(IpPrefix::parse).toList(),
                options.serviceCidrs().stream().map(IpPrefix::parse).toList(), options.masqueradeAll());
        Conntrack ct = null;
        if (options.conntrack() != null) {
            try {
                ct = options.conntrack().get();
            } catch (RuntimeException e) {
                log.accept("proxy: conntrack cleanup off: " + e.getMessage());
            }
        }
        Proxier proxier = new Proxier(options.backend().get(), node,
                new Proxier.Options(options.minSyncInterval(), Duration.ofHours(1), ct != null), ct);
        proxier.start();
        Informer services = new Informer(client, Resource.SERVICES, null, null,
                Informer.Handler.of(o -> service(proxier, o, log), o -> proxier.removeService(ref(o)))).start();
        Informer slices = new Informer(client, Resource.ENDPOINTSLICES, null, null,
                Informer.Handler.of(o -> slice(proxier, o, log), o -> removeSlice(proxier, o))).start();
        if (!services.awaitSynced(Duration.ofSeconds(30)) || !slices.awaitSynced(Duration.ofSeconds(30))) {
            log.accept("proxy: services or endpoint slices not listed within 30 s; still trying");
        }
        log.accept("proxy: programming Services for node " + nodeName);
        return new NodeProxy(proxier, services, slices, log);
    }

    private static void removeSlice(Proxier proxier, ObjectNode o) {
        String svc = o.path("metadata").path("labels").path("kubernetes.io/service-name").asText("");
        if (!svc.isEmpty()) {
            proxier.removeSlice(new ServiceRef(o.path("metadata").path("namespace").asText(), svc),
                    o.path("metadata").path("name").asText());
        }
    }

    private static ServiceRef ref(JsonNode o) {
        return new ServiceRef(o.path("metadata").path("namespace").asText(), o.path("metadata").path("name").asText());
    }

    private static void service(Proxier proxier, ObjectNode o, Consumer<String> log) {
        try {
            Service s = Manifests.service(o);
            if (s == null) {
                proxier.removeService(ref(o)); // now ExternalName: nothing to proxy
            } else {
                proxier.upsertService(s);
            }
        } catch (ModelException e) {
            log.accept("proxy: Service " + ref(o) + " not programmed: " + e.getMessage());
            proxier.removeService(ref(o));
        }
    }

    private static void slice(Proxier proxier, ObjectNode o, Consumer<String> log) {
        try {
            EndpointSlice s = Manifests.slice(o);
            if (s != null) {
                proxier.upsertSlice(s);
            }
        } catch (ModelException e) {
            log.accept("proxy: EndpointSlice " + ref(o) + " not programmed: " + e.getMessage());
        }
    }

    /** The engine (for {@code show}, {@code trace} and tests). */
    public Proxier proxier() {
        return proxier;
    }

    /** Sync counters. */
    public SyncMetrics metrics() {
        return proxier.metrics();
    }

    /** Stops the watches and the loop and removes the rules from the kernel. */
    @Override
    public void close() {
        services.close();
        slices.close();
        try {
            proxier.flush();
        } catch (RuntimeException e) {
            log.accept("proxy: removing the rules failed: " + e.getMessage());
        }
        proxier.close();
    }
}
