package dev.keelson.cni.plugins.hostlocal;

import dev.keelson.cni.ipam.hostlocal.AddResult;
import dev.keelson.cni.ipam.hostlocal.Allocation;
import dev.keelson.cni.ipam.hostlocal.IpamException;
import dev.keelson.cni.spec.Cidr;
import dev.keelson.cni.spec.CniArgs;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.Dns;
import dev.keelson.cni.spec.GoJson;
import dev.keelson.cni.spec.IpConfig;
import dev.keelson.cni.spec.Result;
import dev.keelson.cni.spec.Route;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Between the allocator's types and the spec's: results, errors and CNI_ARGS {@code IP=}. */
final class Translate {
    private Translate() {
    }

    /**
     * The allocator's outcome as a result without interfaces: each address carries no interface
     * index, because IPAM does not know which interface the calling plugin will create.
     */
    static Result result(AddResult r) {
        List<IpConfig> ips = new ArrayList<>();
        for (Allocation a : r.ips()) {
            ips.add(new IpConfig(null, a.cidr(), a.gateway() == null ? null : text(a.gateway())));
        }
        List<Route> routes = new ArrayList<>();
        for (dev.keelson.cni.ipam.hostlocal.Route rt : r.routes()) {
            routes.add(Route.of(rt.dst().toString(), rt.gateway() == null ? null : text(rt.gateway())));
        }
        var d = r.dns();
        return Result.of(List.of(), ips, routes, new Dns(d.nameservers(), d.domain(), d.search(), d.options()));
    }

    /** The same code and message; the allocator's messages are already the reference's. */
    static CniException error(IpamException e) {
        return new CniException(e.code(), e.getMessage(), "", e);
    }

    /**
     * CNI_ARGS: only {@code IP} beyond the common keys, as the reference's IPAM args. {@code IP}
     * may be an address or a CIDR (the prefix is ignored, as the reference's {@code ip.ParseIP}
     * does), or several separated by commas as later reference releases accept; empty means none.
     * A bad value is code 4 with the reference's wording.
     */
    static List<InetAddress> requestedIps(CniArgs args) {
        args.requireKnown("IP");
        List<InetAddress> out = new ArrayList<>();
        for (String one : args.ips()) {
            try {
                String addr = one.indexOf('/') >= 0 ? Cidr.canonical(one) : Cidr.canonicalIp(one);
                int slash = addr.indexOf('/');
                out.add(InetAddress.ofLiteral(slash < 0 ? addr : addr.substring(0, slash)));
            } catch (IllegalArgumentException e) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "ARGS: error parsing value of pair "
                        + GoJson.goQuoted("IP=" + args.get("IP").orElse("")) + ": invalid IP address " + one);
            }
        }
        return out;
    }

    /** Go's text form of an address (the spec layer's canonical form). */
    private static String text(InetAddress a) {
        return Cidr.canonicalIp(a.getHostAddress());
    }
}
