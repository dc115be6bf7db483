package dev.keelson.netns.route;

import dev.keelson.linux.rtnetlink.RouteAttrs;

/**
 * Which routes {@link Routes#list(RouteFilter)} returns. Zero in a field means "any".
 *
 * <pre>{@code
 * RouteFilter.table(100).withFamily(Flags.AF_INET).withOif(eth0)
 * }</pre>
 *
 * @param family   AF_INET, AF_INET6, or 0 for both
 * @param table    a table id, or 0 (RT_TABLE_UNSPEC) for every table
 * @param oif      an outgoing interface index (single-path routes), or 0
 * @param protocol an RTPROT_* value, or 0
 * @param type     an RTN_* value, or 0
 */
public record RouteFilter(int family, int table, int oif, int protocol, int type) {
    /** Every route of every table, IPv4 and IPv6. */
    public static final RouteFilter ALL = new RouteFilter(0, 0, 0, 0, 0);

    /** Every route of table {@code id}. */
    public static RouteFilter table(int id) {
        return new RouteFilter(0, id, 0, 0, 0);
    }

    /** The main table, which is what {@code ip route} shows. */
    public static RouteFilter main() {
        return table(RouteAttrs.RT_TABLE_MAIN);
    }

    public RouteFilter withFamily(int f) {
        return new RouteFilter(f, table, oif, protocol, type);
    }

    public RouteFilter withTable(int t) {
        return new RouteFilter(family, t, oif, protocol, type);
    }

    public RouteFilter withOif(int ifindex) {
        return new RouteFilter(family, table, ifindex, protocol, type);
    }

    public RouteFilter withProtocol(int p) {
        return new RouteFilter(family, table, oif, p, type);
    }

    public RouteFilter withType(int t) {
        return new RouteFilter(family, table, oif, protocol, t);
    }
}
