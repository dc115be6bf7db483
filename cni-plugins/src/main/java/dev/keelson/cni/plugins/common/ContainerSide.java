package dev.keelson.cni.plugins.common;

import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.IpConfig;
import dev.keelson.cni.spec.Route;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.route.Routes;
import dev.keelson.netns.sysctl.IpFamily;
import dev.keelson.netns.sysctl.Sysctls;
import java.util.List;

/**
 * The container interface's L3 setup, in the reference's order ({@code ipam.ConfigureIface}):
 * sysctls, addresses, up, then routes; a route without a gateway goes via the first gateway of
 * its family, if any.
 */
public final class ContainerSide {
    private ContainerSide() {
    }

    /** Configures the interface without duplicate address detection (the reference's default). */
    public static void configure(NetNamespace pod, Rtnetlink inPod, String ifName, List<IpConfig> ips, List<Route> routes) {
        configure(pod, inPod, ifName, ips, routes, false);
    }

    /**
     * Configures the interface. With {@code enableDad} (the bridge's {@code enabledad}), IPv6
     * duplicate address detection runs ({@code accept_dad=1}, {@code enhanced_dad=1}), and the
     * routes are added once no address is tentative any more, so the container never starts with
     * an unusable address; a duplicate fails the ADD naming the address. Without it
     * {@code accept_dad=0}: the address is ours by IPAM, and no DAD delay is paid.
     */
    public static void configure(NetNamespace pod, Rtnetlink inPod, String ifName, List<IpConfig> ips, List<Route> routes,
                                 boolean enableDad) {
        boolean v6 = ips.stream().anyMatch(ip -> !ip.isIpv4());
        pod.execute(() -> podSysctls(ifName, v6, enableDad)); // one visit to the pod namespace for all of them
        apply(inPod, ifName, new Links(inPod).indexOf(ifName), ips, routes, enableDad);
    }

    /**
     * The whole container side in one visit to the pod namespace, for a plugin that has no
     * netlink handle there yet: a socket is opened inside, the interface read, and with addresses
     * it is configured as {@link #configure(NetNamespace, Rtnetlink, String, List, List, boolean)}
     * does; without, it is only brought up when {@code up}. Returns the interface as read back
     * (its MAC is the result's).
     */
    public static Link configureInside(NetNamespace pod, String ifName, List<IpConfig> ips, List<Route> routes,
                                       boolean enableDad, boolean up) {
        return pod.run(() -> {
            try (Rtnetlink here = Rtnetlink.open()) {
                Links links = new Links(here);
                Link link = links.get(ifName);
                if (!ips.isEmpty()) {
                    podSysctls(ifName, ips.stream().anyMatch(ip -> !ip.isIpv4()), enableDad);
                    apply(here, ifName, link.index(), ips, routes, enableDad);
                } else if (up) {
                    links.setUp(ifName);
                }
                return link;
            }
        });
    }

    /** Addresses, up, (DAD,) routes through a handle in the pod namespace. */
    private static void apply(Rtnetlink inPod, String ifName, int index, List<IpConfig> ips, List<Route> routes,
                              boolean enableDad) {
        Links links = new Links(inPod);
        Addresses addrs = new Addresses(inPod);
        Routes kernelRoutes = new Routes(inPod);
        boolean v6 = ips.stream().anyMatch(ip -> !ip.isIpv4());
        String v4gw = null;
        String v6gw = null;
        for (IpConfig ip : ips) {
            try {
                addrs.add(Address.of(index, IpPrefix.parse(ip.address())));
            } catch (RuntimeException e) {
                throw new CniException(CniException.INTERNAL, "failed to add IP addr " + ip.address() + " to \"" + ifName
                        + "\": " + e.getMessage(), "", e);
            }
            if (ip.gateway() != null) {
                if (ip.isIpv4() && v4gw == null) {
                    v4gw = ip.gateway();
                } else if (!ip.isIpv4() && v6gw == null) {
                    v6gw = ip.gateway();
                }
            }
        }
        links.setUp(ifName);
        if (enableDad && v6) {
            DadWait.settle(addrs, ifName, index);
        }
        for (Route r : routes) {
            boolean isV4 = r.dst().indexOf(':') < 0;
            String gw = r.gw() != null ? r.gw() : isV4 ? v4gw : v6gw;
            dev.keelson.netns.route.Route k = dev.keelson.netns.route.Route.to(r.dst()).withOif(index);
            if (gw != null) {
                k = k.withGateway(gw);
            }
            try {
                kernelRoutes.add(k);
            } catch (RuntimeException e) {
                throw new CniException(CniException.INTERNAL, "failed to add route '" + r.dst() + " via " + gw + " dev "
                        + ifName + "': " + e.getMessage(), "", e);
            }
        }
    }

    /** Runs on a thread inside the pod namespace. */
    private static void podSysctls(String ifName, boolean v6, boolean enableDad) {
        Sysctls sys = Sysctls.here();
        if (enableDad) {
            // enhanced_dad (RFC 7527, ip-sysctl.rst): a looped-back copy of our own probe is not a duplicate.
            quietly(() -> sys.setInterface(IpFamily.IPV6, ifName, "enhanced_dad", "1"));
            quietly(() -> sys.setInterface(IpFamily.IPV6, ifName, "accept_dad", "1"));
        } else {
            // No DAD: the address is ours by IPAM, and tentative addresses would delay routes.
            quietly(() -> sys.setInterface(IpFamily.IPV6, ifName, "accept_dad", "0"));
        }
        // Announce the new MAC with gratuitous ARP when it comes up.
        quietly(() -> sys.setInterface(IpFamily.IPV4, ifName, "arp_notify", "1"));
        if (v6) {
            for (String i : List.of("lo", ifName)) {
                try {
                    if (!"0".equals(sys.getInterface(IpFamily.IPV6, i, "disable_ipv6"))) {
                        sys.setInterface(IpFamily.IPV6, i, "disable_ipv6", "0");
                    }
                } catch (RuntimeException e) {
                    throw new CniException(CniException.INTERNAL, "failed to enable IPv6 for interface \"" + i + "\": "
                            + e.getMessage(), "", e);
                }
            }
        }
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // The reference ignores these too (e.g. no IPv6 in the pod).
        }
    }
}
