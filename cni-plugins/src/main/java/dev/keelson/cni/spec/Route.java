package dev.keelson.cni.spec;

/**
 * A route of a result or IPAM config: {@code dst} (CIDR), optional {@code gw}, and the 1.1.0
 * attributes {@code mtu}, {@code advmss}, {@code priority}, {@code table}, {@code scope}. Null
 * means absent; like the reference, zero {@code mtu}/{@code advmss}/{@code priority} are not
 * printed, while {@code table} and {@code scope} are printed whenever set.
 */
public record Route(String dst, String gw, Integer mtu, Integer advmss, Integer priority, Integer table, Integer scope) {
    public Route {
        dst = Cidr.canonical(dst);
        gw = gw == null || gw.isEmpty() ? null : Cidr.canonicalIp(gw);
    }

    /** A route to {@code dst} via {@code gw} (null for none). */
    public static Route of(String dst, String gw) {
        return new Route(dst, gw, null, null, null, null, null);
    }
}
