package dev.keelson.cni.plugins.bridge;

import dev.keelson.cni.spec.IpConfig;
import dev.keelson.cni.spec.Route;
import dev.keelson.netns.addr.IpPrefix;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What ADD derives from the IPAM result before touching the kernel (the reference's
 * {@code calcGateways}): every address belongs to the container interface (result index 2); with
 * {@code isGateway}, an address without a gateway gets the first host of its subnet, and the
 * bridge gets each gateway with the address's prefix length; with {@code isDefaultGateway}, a
 * default route via the family's first gateway is appended unless IPAM already gave one.
 *
 * @param ips the result's addresses
 * @param routes the result's routes (IPAM's, then the added default routes)
 * @param bridgeAddresses gateway addresses for the bridge, {@code ip/len}, IPv4 first
 */
record Gateways(List<IpConfig> ips, List<Route> routes, List<String> bridgeAddresses) {
    /** The index of the container interface in the result: bridge, host veth, container. */
    static final int CONTAINER_INDEX = 2;

    static Gateways of(List<IpConfig> ipamIps, List<Route> ipamRoutes, BridgeConfig conf) {
        List<IpConfig> ips = new ArrayList<>();
        List<Route> routes = new ArrayList<>(ipamRoutes);
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        boolean[] defaultFound = new boolean[2]; // [v4, v6]
        for (IpConfig ip : ipamIps) {
            boolean isV4 = ip.isIpv4();
            IpPrefix prefix = IpPrefix.parse(ip.address());
            String gateway = ip.gateway();
            if (gateway == null && conf.isGateway()) {
                gateway = firstHost(prefix).getHostAddress();
            }
            IpConfig placed = new IpConfig(CONTAINER_INDEX, ip.address(), gateway);
            ips.add(placed);
            int fam = isV4 ? 0 : 1;
            if (conf.isDefaultGateway() && !defaultFound[fam]) {
                String any = isV4 ? "0.0.0.0/0" : "::/0";
                defaultFound[fam] = routes.stream().anyMatch(r -> r.gw() != null && r.dst().equals(any));
                if (!defaultFound[fam]) {
                    routes.add(Route.of(any, placed.gateway()));
                    defaultFound[fam] = true;
                }
            }
            if (conf.isGateway()) {
                (isV4 ? v4 : v6).add(placed.gateway() + "/" + prefix.length());
            }
        }
        List<String> bridge = new ArrayList<>(v4);
        bridge.addAll(v6);
        return new Gateways(ips, routes, bridge);
    }

    /** The subnet's network address plus one (the reference's {@code calcGatewayIP}). */
    static InetAddress firstHost(IpPrefix p) {
        byte[] b = p.network().address().getAddress();
        for (int i = b.length - 1; i >= 0; i--) {
            if (++b[i] != 0) {
                break;
            }
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
