package dev.keelson.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.client.Resource;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.netns.route.Route;
import dev.keelson.netns.route.RouteFilter;
import dev.keelson.netns.route.Routes;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Routing between nodes' pod networks, in this node's network namespace, from the Nodes'
 * {@code spec.podCIDR} and InternalIP. Two backends, as flannel has them:
 * <ul>
 * <li>host-gw: a route to every other Node's podCIDR via that Node's InternalIP, which sits on the
 *     shared underlay segment;</li>
 * <li>vxlan ({@link Vtep}): one VXLAN device ({@value Vtep#DEVICE}, VNI {@value Vtep#VNI}, UDP 4789,
 *     no learning) holding the podCIDR's network address; for every other Node a route to its podCIDR
 *     via that Node's network address on the device (onlink), a permanent neighbour entry giving that
 *     address the Node's VTEP MAC, and a forwarding entry sending that MAC to the Node's InternalIP.
 *     A VTEP MAC is derived from the Node's InternalIP, so nothing beyond the Node object is
 *     exchanged.</li>
 * </ul>
 * Level-triggered: every Node event recomputes the whole set and makes the tables agree, adding
 * what is missing and deleting entries of Nodes that are gone or moved. The routes carry protocol
 * {@value #PROTOCOL} so that only Keelson's own are ever deleted ({@code ip route show proto 99}).
 */
final class HostGatewayRoutes implements NodeAddon {
    /** The RTPROT value of these routes: unassigned in iproute2's rt_protos, so it marks them as ours. */
    static final int PROTOCOL = 99;

    private final boolean vxlan;

    HostGatewayRoutes(boolean vxlan) {
        this.vxlan = vxlan;
    }

    @Override
    public String name() {
        return vxlan ? "VXLAN overlay to the other nodes' pods" : "host-gateway routes to the other nodes' pods";
    }

    @Override
    public AutoCloseable start(Context context) throws Exception {
        KubeClient client = new KubeClient(Kubeconfig.load(context.kubeconfig()), "keelson-routes");
        Rtnetlink rtnl = Rtnetlink.open(); // this process runs in the node's namespace
        Vtep vtep = vxlan ? Vtep.create(rtnl, context.layout()) : null;
        Programmer p = new Programmer(new Routes(rtnl), vtep, context.nodeName(), context.log());
        Informer nodes = new Informer(client, Resource.NODES, null, null, null);
        nodes.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode o) {
                p.sync(nodes);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode o) {
                if (!old.path("spec").path("podCIDR").equals(o.path("spec").path("podCIDR"))
                        || !old.path("status").path("addresses").equals(o.path("status").path("addresses"))) {
                    p.sync(nodes);
                }
            }

            @Override
            public void onDelete(ObjectNode o) {
                p.sync(nodes);
            }
        });
        nodes.start();
        nodes.awaitSynced(Duration.ofSeconds(30));
        p.sync(nodes);
        return () -> {
            nodes.close();
            p.removeAll();
            if (vtep != null) {
                vtep.close();
            }
            rtnl.close();
        };
    }

    /** Makes the routing table agree with the Nodes; serialized, as informer events and the first sync may race. */
    static final class Programmer {
        private final Routes routes;
        private final Vtep vtep;
        private final String self;
        private final Consumer<String> log;

        /** With {@code vtep} null, host-gw routes; else VXLAN routes over it. */
        Programmer(Routes routes, Vtep vtep, String self, Consumer<String> log) {
            this.routes = routes;
            this.vtep = vtep;
            this.self = self;
            this.log = log;
        }

        synchronized void sync(Informer nodes) {
            Map<IpPrefix, InetAddress> want = new HashMap<>();
            for (ObjectNode n : nodes.list()) {
                String name = n.path("metadata").path("name").asText();
                String cidr = n.path("spec").path("podCIDR").asText("");
                String ip = internalIp(n.path("status").path("addresses"));
                if (!name.equals(self) && !cidr.isEmpty() && ip != null) {
                    try {
                        want.put(IpPrefix.parse(cidr).network(), InetAddress.getByName(ip));
                    } catch (Exception e) {
                        log.accept("routes: node " + name + ": podCIDR " + cidr + " or address " + ip + " unusable: " + e.getMessage());
                    }
                }
            }
            if (vtep != null) {
                vtep.sync(want, log);
            }
            Set<IpPrefix> have = new HashSet<>();
            for (Route r : routes.list(RouteFilter.main().withProtocol(PROTOCOL))) {
                InetAddress node = want.get(r.dst());
                if (node != null && route(r.dst(), node).gateway().equals(r.gateway())) {
                    have.add(r.dst());
                } else {
                    delete(r);
                }
            }
            want.forEach((dst, node) -> {
                if (!have.contains(dst)) {
                    Route r = route(dst, node);
                    try {
                        routes.replace(r);
                        log.accept("routes: " + dst + " via " + r.gateway().getHostAddress() + (vtep != null ? " on " + Vtep.DEVICE
                                + " (node " + node.getHostAddress() + ")" : ""));
                    } catch (RuntimeException e) {
                        log.accept("routes: cannot add " + dst + " via " + r.gateway().getHostAddress() + ": " + e.getMessage());
                    }
                }
            });
        }

        /** The route to {@code podCidr} of the Node at {@code node}. */
        private Route route(IpPrefix podCidr, InetAddress node) {
            return vtep == null ? Route.to(podCidr).withGateway(node).withProtocol(PROTOCOL) : vtep.route(podCidr);
        }

        synchronized void removeAll() {
            routes.list(RouteFilter.main().withProtocol(PROTOCOL)).forEach(this::delete);
        }

        private void delete(Route r) {
            try {
                routes.delete(r);
                log.accept("routes: removed " + r.describe());
            } catch (RuntimeException e) {
                log.accept("routes: cannot remove " + r.describe() + ": " + e.getMessage());
            }
        }

        private static String internalIp(JsonNode addresses) {
            for (JsonNode a : addresses) {
                if (a.path("type").asText().equals("InternalIP")) {
                    return a.path("address").asText();
                }
            }
            return null;
        }
    }
}
