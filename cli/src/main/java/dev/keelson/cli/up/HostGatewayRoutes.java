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
 * Host-gateway routing between nodes (flannel's {@code host-gw} backend): in this node's network
 * namespace, a route to every other Node's {@code spec.podCIDR} via that Node's InternalIP, which
 * sits on the shared underlay segment. Level-triggered: every Node event recomputes the whole set
 * and makes the table agree, adding what is missing and deleting routes of Nodes that are gone or
 * moved. The routes carry protocol {@value #PROTOCOL} so that only Keelson's own are ever deleted
 * ({@code ip route show proto 99}).
 */
final class HostGatewayRoutes implements NodeAddon {
    /** The RTPROT value of these routes: unassigned in iproute2's rt_protos, so it marks them as ours. */
    static final int PROTOCOL = 99;

    @Override
    public String name() {
        return "host-gateway routes to the other nodes' pods";
    }

    @Override
    public AutoCloseable start(Context context) throws Exception {
        KubeClient client = new KubeClient(Kubeconfig.load(context.kubeconfig()), "keelson-routes");
        Rtnetlink rtnl = Rtnetlink.open(); // this process runs in the node's namespace
        Programmer p = new Programmer(new Routes(rtnl), context.nodeName(), context.log());
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
            rtnl.close();
        };
    }

    /** Makes the routing table agree with the Nodes; serialized, as informer events and the first sync may race. */
    static final class Programmer {
        private final Routes routes;
        private final String self;
        private final Consumer<String> log;

        Programmer(Routes routes, String self, Consumer<String> log) {
            this.routes = routes;
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
            Set<IpPrefix> have = new HashSet<>();
            for (Route r : routes.list(RouteFilter.main().withProtocol(PROTOCOL))) {
                InetAddress gw = want.get(r.dst());
                if (gw != null && gw.equals(r.gateway())) {
                    have.add(r.dst());
                } else {
                    delete(r);
                }
            }
            want.forEach((dst, gw) -> {
                if (!have.contains(dst)) {
                    try {
                        routes.replace(Route.to(dst).withGateway(gw).withProtocol(PROTOCOL));
                        log.accept("routes: " + dst + " via " + gw.getHostAddress());
                    } catch (RuntimeException e) {
                        log.accept("routes: cannot add " + dst + " via " + gw.getHostAddress() + ": " + e.getMessage());
                    }
                }
            });
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
