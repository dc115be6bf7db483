package dev.keelson.cni.ipam.hostlocal;

import java.net.InetAddress;

/**
 * One validated range: a subnet and the inclusive span {@code rangeStart..rangeEnd} handed out from
 * it, minus the gateway. Built only by {@link #of}, which fills the reference's defaults.
 *
 * @param subnet the subnet, host bits clear
 * @param rangeStart first address handed out (inclusive)
 * @param rangeEnd last address handed out (inclusive)
 * @param gateway the gateway, never handed out
 */
public record IpRange(Cidr subnet, InetAddress rangeStart, InetAddress rangeEnd, InetAddress gateway) {

    /**
     * Validates a range as written and fills the defaults: gateway = first host, rangeStart = first
     * host, rangeEnd = last host (for IPv4 the broadcast address is excluded; IPv6 has none).
     * Subnets with fewer than four addresses (/31, /32, /127, /128) are refused, as the reference
     * does, since they leave nothing once network, gateway and broadcast are taken.
     */
    static IpRange of(Cidr subnet, InetAddress start, InetAddress end, InetAddress gateway) throws IpamException {
        int bits = subnet.familyMismatch() ? 128 : Ips.bits(subnet.address());
        if (subnet.prefixLength() > bits - 2) {
            throw invalid("Network " + subnet + " too small to allocate from");
        }
        if (subnet.familyMismatch()) {
            throw invalid("IPNet IP and Mask version mismatch");
        }
        InetAddress net = Ips.network(subnet.address(), subnet.prefixLength());
        if (!net.equals(subnet.address())) {
            throw invalid("Network has host bits set. For a subnet mask of length " + subnet.prefixLength()
                    + " the network address is " + Ips.format(net));
        }
        InetAddress gw = gateway != null ? gateway : Ips.next(net);
        InetAddress s = start != null ? start : Ips.next(net);
        // As in the reference, the start is checked against the end as written, so an inverted
        // span is reported as a bad RangeStart.
        if (start != null && !within(subnet, null, end, start)) {
            throw invalid("RangeStart " + Ips.format(start) + " not in network " + subnet);
        }
        InetAddress e = end;
        if (end != null) {
            if (!within(subnet, s, null, end)) {
                throw invalid("RangeEnd " + Ips.format(end) + " not in network " + subnet);
            }
        } else {
            byte[] last = Ips.broadcast(net, subnet.prefixLength()).getAddress();
            if (last.length == 4) {
                last[3]--;
            }
            e = Ips.of(last);
        }
        return new IpRange(subnet, s, e, gw);
    }

    /** Whether {@code a} is in the subnet and inside {@code rangeStart..rangeEnd}. */
    public boolean contains(InetAddress a) {
        return within(subnet, rangeStart, rangeEnd, a);
    }

    /** Whether the two ranges share an address (same family, spans intersect). */
    boolean overlaps(IpRange o) {
        return Ips.sameFamily(rangeStart, o.rangeStart)
                && (contains(o.rangeStart) || contains(o.rangeEnd) || o.contains(rangeStart) || o.contains(rangeEnd));
    }

    /** {@code start-end}, as the reference prints a range in its messages. */
    @Override
    public String toString() {
        return Ips.format(rangeStart) + "-" + Ips.format(rangeEnd);
    }

    private static boolean within(Cidr subnet, InetAddress lo, InetAddress hi, InetAddress a) {
        return Ips.inSubnet(a, subnet.address(), subnet.prefixLength())
                && (lo == null || Ips.compare(a, lo) >= 0)
                && (hi == null || Ips.compare(a, hi) <= 0);
    }

    private static IpamException invalid(String message) {
        return new IpamException(IpamException.INVALID_CONFIG, message);
    }
}
