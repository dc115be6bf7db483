package dev.keelson.cli.up;

import dev.keelson.linux.rtnetlink.RouteAttrs;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.netns.link.LinkOptions;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.MacAddress;
import dev.keelson.netns.link.Vxlan;
import dev.keelson.netns.neigh.BridgeFdb;
import dev.keelson.netns.neigh.FdbEntry;
import dev.keelson.netns.neigh.Neighbour;
import dev.keelson.netns.neigh.Neighbours;
import dev.keelson.netns.route.Route;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * This node's VXLAN tunnel endpoint and its tables toward the other nodes (see
 * {@link HostGatewayRoutes}). Device {@value #DEVICE}: VNI {@value #VNI}, UDP port {@value #PORT},
 * local address the node's InternalIP on {@link Underlay#NODE_LINK}, no learning, MTU 1450 (the 50
 * bytes of outer IPv4, UDP and VXLAN headers come off the underlay's 1500), MAC derived from the
 * InternalIP ({@link #macOf}); it holds the podCIDR's network address as a /32. For each other node
 * (podCIDR P, InternalIP N): neighbour {@code P.network lladdr mac(N) permanent}, forwarding entry
 * {@code mac(N) dst N self permanent}, and the route {@code P via P.network dev DEVICE onlink}.
 */
final class Vtep implements AutoCloseable {
    static final String DEVICE = "keelson.vxlan";
    static final int VNI = 1;
    static final int PORT = 4789;
    private static final int MTU = 1450;

    private final Rtnetlink rtnl;
    private final int index;

    private Vtep(Rtnetlink rtnl, int index) {
        this.rtnl = rtnl;
        this.index = index;
    }

    /** Makes (or re-makes) the device for {@code layout}'s node and brings it up. */
    static Vtep create(Rtnetlink rtnl, ClusterLayout layout) {
        Links links = new Links(rtnl);
        links.deleteIfExists(DEVICE);
        InetAddress local = InetAddresses.parse(layout.nodeIp());
        links.add(Vxlan.named(DEVICE, VNI).local(local).dstPort(PORT).learning(false).device(Underlay.NODE_LINK)
                .options(LinkOptions.DEFAULTS.withMtu(MTU).withMac(macOf(local))));
        int index = links.indexOf(DEVICE);
        IpPrefix pods = IpPrefix.parse(layout.podCidr()).network();
        new Addresses(rtnl).ensure(Address.of(index, pods.address().getHostAddress() + "/32"));
        links.setUp(DEVICE);
        return new Vtep(rtnl, index);
    }

    /** The VTEP MAC of the node at IPv4 {@code node}: 0e:76 and the address's four bytes (local, unicast). */
    static MacAddress macOf(InetAddress node) {
        if (!(node instanceof Inet4Address)) {
            throw new IllegalArgumentException("the VXLAN overlay needs IPv4 node addresses, not " + node.getHostAddress());
        }
        byte[] ip = node.getAddress();
        return MacAddress.of(new byte[] {0x0e, 0x76, ip[0], ip[1], ip[2], ip[3]});
    }

    /** The route to another node's {@code podCidr}: via its network address on the device, onlink. */
    Route route(IpPrefix podCidr) {
        return Route.to(podCidr).withGateway(podCidr.network().address()).withOif(index)
                .withFlags(RouteAttrs.RTNH_F_ONLINK).withProtocol(HostGatewayRoutes.PROTOCOL);
    }

    /**
     * Makes the device's neighbour and forwarding entries agree with {@code nodes} (podCIDR → the
     * node's InternalIP): replaces every wanted entry, deletes the others.
     */
    void sync(Map<IpPrefix, InetAddress> nodes, Consumer<String> log) {
        Neighbours neigh = new Neighbours(rtnl);
        BridgeFdb fdb = new BridgeFdb(rtnl);
        Map<InetAddress, MacAddress> wantNeigh = new HashMap<>();
        Map<MacAddress, InetAddress> wantFdb = new HashMap<>();
        nodes.forEach((cidr, node) -> {
            MacAddress mac = macOf(node);
            wantNeigh.put(cidr.network().address(), mac);
            wantFdb.put(mac, node);
        });
        for (Neighbour n : neigh.list(index, dev.keelson.linux.Flags.AF_INET)) {
            if (n.inState(RouteAttrs.NUD_PERMANENT) && !java.util.Objects.equals(n.lladdr(), wantNeigh.get(n.address()))) {
                quietly(() -> neigh.delete(n), log, "remove neighbour " + n.describe());
            }
        }
        for (FdbEntry e : fdb.list(index)) {
            if (e.dst() != null && !e.dst().equals(wantFdb.get(e.mac()))) {
                quietly(() -> fdb.delete(e), log, "remove forwarding entry " + e.describe());
            }
        }
        wantFdb.forEach((mac, node) -> quietly(() -> fdb.replace(FdbEntry.tunnel(mac, index, node)), log,
                "add forwarding entry " + mac + " → " + node.getHostAddress()));
        wantNeigh.forEach((gw, mac) -> quietly(() -> neigh.replace(Neighbour.of(index, gw, mac)), log,
                "add neighbour " + gw.getHostAddress() + " " + mac));
    }

    private static void quietly(Runnable step, Consumer<String> log, String what) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.accept("vxlan: cannot " + what + ": " + e.getMessage());
        }
    }

    /** Deletes the device, and with it every neighbour, forwarding entry and route through it. */
    @Override
    public void close() {
        new Links(rtnl).deleteIfExists(DEVICE);
    }
}
