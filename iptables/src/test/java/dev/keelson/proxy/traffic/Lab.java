package dev.keelson.proxy.traffic;

import dev.keelson.linux.Flags;
import dev.keelson.linux.rtnetlink.RouteAttrs;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.Veth;
import dev.keelson.netns.route.Route;
import dev.keelson.netns.route.Routes;
import dev.keelson.netns.sysctl.Sysctls;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The routed topology the traffic tests run in: a client, a node and backend namespaces, joined
 * by veth pairs (no bridge, so hairpin traffic needs nothing but the node's NAT).
 *
 * <pre>
 *   client (eth0 192.168.50.2..N/24) ── cli 192.168.50.1/24 ┐
 *                                                           node (ip_forward=1, default via client)
 *   be1 (eth0 10.244.1.2/24) ── be1 10.244.1.1/24 ──────────┤
 *   be2 (eth0 10.244.2.2/24) ── be2 10.244.2.1/24 ──────────┤
 *   be3 (eth0 10.244.3.2/24) ── be3 10.244.3.1/24 ──────────┘
 * </pre>
 *
 * The same in IPv6 on the same links: client fd00:50::2..N/64, node fd00:50::1/64, backend i
 * fd00:244:i::2/64 behind fd00:244:i::1/64 (all without duplicate address detection, so they are
 * usable at once).
 *
 * The node's default route points at the client only so that locally generated packets to a
 * ClusterIP have a route before DNAT re-routes them (as a real node's default route does).
 */
final class Lab implements AutoCloseable {
    static final InetAddress NODE_IP = InetAddresses.parse("192.168.50.1");
    static final InetAddress NODE_IP6 = InetAddresses.parse("fd00:50::1");
    /** Extra client addresses, for affinity across several clients. */
    static final int CLIENT_ADDRESSES = 8;

    final NetNamespace client;
    final NetNamespace node;
    final List<NetNamespace> backends = new ArrayList<>();
    private final List<NetNamespace> all = new ArrayList<>();

    Lab(String tag, int backendCount) {
        try {
            client = track(NetNamespace.create(tag + "-client"));
            node = track(NetNamespace.create(tag + "-node"));
            for (int i = 1; i <= backendCount; i++) {
                backends.add(track(NetNamespace.create(tag + "-be" + i)));
            }
            wire();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private NetNamespace track(NetNamespace ns) {
        all.add(ns);
        return ns;
    }

    /** The client namespace's {@code i}-th address (0 = 192.168.50.2). */
    static InetAddress clientIp(int i) {
        return InetAddresses.parse("192.168.50." + (2 + i));
    }

    /** The client namespace's {@code i}-th IPv6 address (0 = fd00:50::2). */
    static InetAddress clientIp6(int i) {
        return InetAddresses.parse("fd00:50::" + Integer.toHexString(2 + i));
    }

    /** Backend {@code i}'s (1-based) IPv6 address. */
    static InetAddress backendIp6(int i) {
        return InetAddresses.parse("fd00:244:" + i + "::2");
    }

    /** Backend {@code i}'s (1-based) address. */
    static InetAddress backendIp(int i) {
        return InetAddresses.parse("10.244." + i + ".2");
    }

    /** The node's address on the link to backend {@code i} (what a masqueraded packet comes from). */
    static InetAddress nodeSideOf(int i) {
        return InetAddresses.parse("10.244." + i + ".1");
    }

    private void wire() {
        try (Rtnetlink n = Rtnetlink.open(node); Rtnetlink c = Rtnetlink.open(client)) {
            Links links = new Links(n);
            links.setUp("lo");
            links.add(Veth.named("cli").peer("eth0", client).up());
            new Addresses(n).add(Address.of(links.indexOf("cli"), "192.168.50.1/24"));
            new Addresses(n).add(v6(links.indexOf("cli"), "fd00:50::1/64"));
            Links clientLinks = new Links(c);
            clientLinks.setUp("lo");
            clientLinks.setUp("eth0");
            int eth0 = clientLinks.indexOf("eth0");
            for (int i = 0; i < CLIENT_ADDRESSES; i++) {
                new Addresses(c).add(Address.of(eth0, clientIp(i).getHostAddress() + "/24"));
                new Addresses(c).add(v6(eth0, clientIp6(i).getHostAddress() + "/64"));
            }
            new Routes(c).add(Route.defaultRoute(Flags.AF_INET).withGateway(NODE_IP));
            new Routes(c).add(Route.defaultRoute(Flags.AF_INET6).withGateway(NODE_IP6));
            for (int i = 1; i <= backends.size(); i++) {
                wireBackend(n, links, i);
            }
            new Routes(n).add(Route.defaultRoute(Flags.AF_INET).withGateway(clientIp(0)));
            new Routes(n).add(Route.defaultRoute(Flags.AF_INET6).withGateway(clientIp6(0)));
        }
        Sysctls sysctls = Sysctls.of(node);
        sysctls.setIpForward(true);
        sysctls.set("net.ipv6.conf.all.forwarding", "1");
        // A client's packet to a ClusterIP with no endpoints is forwarded back out the link it came
        // in on (the node's default route), so the kernel first sends an ICMP redirect; that uses
        // the per-host ICMP rate-limit token (icmp_ratelimit, net/ipv4/icmp.c) and the reject's
        // port-unreachable that follows is then suppressed (IcmpOutRateLimitHost), leaving the
        // client to time out. Routers that forward on one link turn redirects off; so does the lab.
        sysctls.set("net.ipv4.conf.all.send_redirects", "0");
        sysctls.set("net.ipv4.conf.cli.send_redirects", "0");
    }

    private void wireBackend(Rtnetlink n, Links links, int i) {
        NetNamespace be = backends.get(i - 1);
        links.add(Veth.named("be" + i).peer("eth0", be).up());
        new Addresses(n).add(Address.of(links.indexOf("be" + i), "10.244." + i + ".1/24"));
        new Addresses(n).add(v6(links.indexOf("be" + i), "fd00:244:" + i + "::1/64"));
        try (Rtnetlink b = Rtnetlink.open(be)) {
            Links bl = new Links(b);
            bl.setUp("lo");
            bl.setUp("eth0");
            new Addresses(b).add(Address.of(bl.indexOf("eth0"), backendIp(i).getHostAddress() + "/24"));
            new Addresses(b).add(v6(bl.indexOf("eth0"), backendIp6(i).getHostAddress() + "/64"));
            new Routes(b).add(Route.defaultRoute(Flags.AF_INET).withGateway(nodeSideOf(i)));
            new Routes(b).add(Route.defaultRoute(Flags.AF_INET6).withGateway(InetAddresses.parse("fd00:244:" + i + "::1")));
        }
    }

    private static Address v6(int ifindex, String cidr) {
        return Address.of(ifindex, cidr).withFlags(RouteAttrs.IFA_F_NODAD);
    }

    @Override
    public void close() {
        for (NetNamespace ns : all.reversed()) {
            try {
                ns.delete();
            } catch (RuntimeException ignored) {
                // best effort: the next test uses other names' fresh namespaces anyway
            }
        }
    }
}
