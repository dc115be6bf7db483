package dev.keelson.netns.neigh;

import dev.keelson.linux.rtnetlink.RouteAttrs;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.link.MacAddress;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An ARP (IPv4) or NDP (IPv6) neighbour entry, as {@code ip neigh} shows it.
 *
 * <pre>{@code
 * Neighbour.of(eth0, InetAddresses.parse("10.0.0.2"), MacAddress.parse("02:00:00:00:00:02"))   // nud permanent
 *          .withState(RouteAttrs.NUD_REACHABLE);
 * }</pre>
 *
 * @param ifindex the interface index
 * @param address the neighbour's IP address (NDA_DST)
 * @param lladdr  its link-layer address (NDA_LLADDR), or null (e.g. an incomplete or noarp entry)
 * @param state   NUD_* bits: {@code NUD_PERMANENT}, {@code NUD_REACHABLE}, {@code NUD_STALE}, {@code NUD_NOARP}...
 * @param flags   NTF_* bits, e.g. {@code NTF_ROUTER} for an IPv6 router, {@code NTF_PROXY} for a proxy entry
 */
public record Neighbour(int ifindex, InetAddress address, MacAddress lladdr, int state, int flags) {

    public Neighbour {
        Objects.requireNonNull(address, "address");
    }

    /** A permanent entry: {@code ip neigh add ADDRESS lladdr LLADDR dev IF nud permanent}. */
    public static Neighbour of(int ifindex, InetAddress address, MacAddress lladdr) {
        return new Neighbour(ifindex, address, lladdr, RouteAttrs.NUD_PERMANENT, 0);
    }

    /** As {@link #of(int, InetAddress, MacAddress)} from text. */
    public static Neighbour of(int ifindex, String address, String lladdr) {
        return of(ifindex, InetAddresses.parse(address), MacAddress.parse(lladdr));
    }

    public int family() {
        return InetAddresses.family(address);
    }

    public boolean inState(int nud) {
        return (state & nud) != 0;
    }

    public Neighbour withState(int s) {
        return new Neighbour(ifindex, address, lladdr, s, flags);
    }

    public Neighbour withFlags(int f) {
        return new Neighbour(ifindex, address, lladdr, state, f);
    }

    public Neighbour withLladdr(MacAddress l) {
        return new Neighbour(ifindex, address, l, state, flags);
    }

    /** {@code 10.0.0.2 lladdr 02:00:00:00:00:02 on ifindex 3}, the way errors name an entry. */
    public String describe() {
        return InetAddresses.format(address) + (lladdr != null ? " lladdr " + lladdr : "") + " on ifindex " + ifindex;
    }
}
