package dev.keelson.cli.up;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.link.Bridge;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.Veth;
import dev.keelson.netns.sysctl.Sysctls;

/**
 * The network that joins the nodes of a multi-node cluster, like the L2 segment of machines in one
 * rack, made entirely inside namespaces Keelson pins (the host's is never touched):
 * <pre>
 *   netns keelson-CLUSTER-underlay:  bridge underlay0 ── node1 ── node2 ── … (veth host ends)
 *                                                         │        │
 *   netns keelson-CLUSTER-nodeK:                        eth0 172.30.0.K/24, ip_forward=1
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

    /** Makes the bridge in {@code underlay} and sets it up. */
    static void prepare(NetNamespace underlay) {
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
    static void attach(NetNamespace underlay, NetNamespace node, int k) {
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
}
