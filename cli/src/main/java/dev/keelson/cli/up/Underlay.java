package dev.keelson.cli.up;

import dev.keelson.linux.rtnetlink.RouteAttrs;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.netns.link.Bridge;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.Veth;
import dev.keelson.netns.route.Route;
import dev.keelson.netns.route.Routes;
import dev.keelson.netns.sysctl.Sysctls;
import java.net.InetAddress;

/**
 * The network that joins the nodes of a multi-node cluster, made entirely inside namespaces Keelson
 * pins (the host's is never touched). For {@code host-gw}, one L2 segment, like the machines of one
 * rack:
 * <pre>
 *   netns keelson-CLUSTER-underlay:  bridge underlay0 ── node1 ── node2 ── … (veth host ends)
 *                                                         │        │
 *   netns keelson-CLUSTER-nodeK:                        eth0 172.30.0.K/24, ip_forward=1
 * </pre>
 * For {@code vxlan}, a routed network where nodes share no L2 segment (so a route via another node's
 * address is impossible, and only an overlay joins the pod networks): the underlay namespace is a
 * router with a point-to-point veth per node.
 * <pre>
 *   netns keelson-CLUSTER-underlay:  ip_forward=1; veth nodeK 169.254.1.1/32, route 172.30.0.K/32 dev nodeK
 *   netns keelson-CLUSTER-nodeK:     eth0 172.30.0.K/32, route 169.254.1.1 dev eth0 scope link,
 *                                    route 172.30.0.0/24 via 169.254.1.1
 * </pre>
 * Each veth is created in the underlay with its peer made directly inside the node's namespace
 * (no move: moving a link costs ≈ 15 ms of kernel work). Nothing needs deleting: when the pins go
 * and no process is inside, the kernel frees the namespaces with their veths and the bridge.
 */
final class Underlay {
    /** The underlay bridge's name, inside the underlay namespace. */
    static final String BRIDGE = "underlay0";
    /** The node's interface on the underlay, inside each node namespace. */
    static final String NODE_LINK = "eth0";

    private Underlay() {
    }

    /** The underlay router's address on every node's link (vxlan). */
    static final String ROUTER = "169.254.1.1";

    /** Makes the bridge in {@code underlay} and sets it up; for a routed underlay, turns on forwarding instead. */
    static void prepare(NetNamespace underlay, boolean routed) {
        if (routed) {
            Sysctls.of(underlay).setIpForward(true);
            return;
        }
        try (Rtnetlink rtnl = Rtnetlink.open(underlay)) {
            Links links = new Links(rtnl);
            links.ensure(Bridge.named(BRIDGE));
            links.setUp(BRIDGE);
        }
    }

    /**
     * Plugs node {@code k} (namespace {@code node}) into the underlay: veth {@code nodeK} on the
     * bridge, {@code eth0} with 172.30.0.K/24 in the node, both up; forwarding on in the node, which
     * routes between its pods' bridge and the underlay.
     */
    static void attach(NetNamespace underlay, NetNamespace node, int k, boolean routed) {
        if (routed) {
            attachRouted(underlay, node, k);
            return;
        }
        String port = "node" + k;
        try (Rtnetlink rtnl = Rtnetlink.open(underlay)) {
            Links links = new Links(rtnl);
            links.add(Veth.named(port).peer(NODE_LINK, node));
            links.setMaster(port, BRIDGE);
            links.setUp(port);
        }
        try (Rtnetlink rtnl = Rtnetlink.open(node)) {
            Links links = new Links(rtnl);
            new Addresses(rtnl).ensure(Address.of(links.indexOf(NODE_LINK),
                    ClusterLayout.underlayIp(k) + "/" + ClusterLayout.underlayPrefixLength()));
            links.setUp(NODE_LINK);
        }
        Sysctls.of(node).setIpForward(true);
    }

    /** Node {@code k} on the router: a point-to-point veth, a /32 at each end, a host route each way. */
    private static void attachRouted(NetNamespace underlay, NetNamespace node, int k) {
        String port = "node" + k;
        InetAddress nodeIp = InetAddresses.parse(ClusterLayout.underlayIp(k));
        InetAddress router = InetAddresses.parse(ROUTER);
        try (Rtnetlink rtnl = Rtnetlink.open(underlay)) {
            Links links = new Links(rtnl);
            links.add(Veth.named(port).peer(NODE_LINK, node));
            links.setUp(port);
            int index = links.indexOf(port);
            new Addresses(rtnl).ensure(Address.of(index, ROUTER + "/32"));
            new Routes(rtnl).replace(Route.to(IpPrefix.of(nodeIp, 32)).withOif(index).withScope(RouteAttrs.RT_SCOPE_LINK));
        }
        try (Rtnetlink rtnl = Rtnetlink.open(node)) {
            Links links = new Links(rtnl);
            int index = links.indexOf(NODE_LINK);
            new Addresses(rtnl).ensure(Address.of(index, ClusterLayout.underlayIp(k) + "/32"));
            links.setUp(NODE_LINK);
            Routes routes = new Routes(rtnl);
            routes.replace(Route.to(IpPrefix.of(router, 32)).withOif(index).withScope(RouteAttrs.RT_SCOPE_LINK));
            routes.replace(Route.to(ClusterLayout.underlayNetwork()).withGateway(router).withOif(index));
        }
        Sysctls.of(node).setIpForward(true);
    }
}
