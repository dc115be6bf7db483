package dev.keelson.netns.route;

import static dev.keelson.linux.rtnetlink.RouteAttrs.*;

import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.netns.Rtnetlink;
import java.util.List;
import java.util.Objects;

/**
 * IPv4 and IPv6 routes over rtnetlink (RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE), the equivalent
 * of {@code ip route add|replace|del|show}, in any table.
 *
 * <pre>{@code
 * try (Rtnetlink rtnl = Rtnetlink.open(podNs)) {
 *     Routes routes = new Routes(rtnl);
 *     routes.add(Route.defaultRoute(Flags.AF_INET).withGateway("10.22.0.1").withOif(eth0));
 *     routes.addAll(manyRoutes);                                  // pipelined, 1,000 per datagram
 *     List<Route> t100 = routes.list(RouteFilter.table(100));
 * }
 * }</pre>
 *
 * Errors are typed and carry the kernel's extended ack: {@code AlreadyExistsException} (EEXIST) for
 * a route that is there, {@code NotFoundException} for an unknown interface (ENODEV) or, on delete, a
 * route that is not there (ESRCH), and an {@code ErrnoException} with ENETUNREACH for a gateway that is
 * not on any link (see {@link Route#onlink()}).
 */
public final class Routes {
    /** Requests per datagram in {@link #addAll}: their ACKs must fit the socket's receive buffer. */
    public static final int BATCH = 1000;

    private final Rtnetlink rtnl;

    public Routes(Rtnetlink rtnl) {
        this.rtnl = rtnl;
    }

    /** Adds {@code r}; fails with {@code AlreadyExistsException} if a route with its key is there. */
    public void add(Route r) {
        rtnl.execute("RTM_NEWROUTE", r.describe(), w -> new RouteEncoder().write(w, RTM_NEWROUTE,
                Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, r));
    }

    /** Adds {@code r}, or replaces the route with the same destination, table, tos and metric. */
    public void replace(Route r) {
        rtnl.execute("RTM_NEWROUTE", r.describe(), w -> new RouteEncoder().write(w, RTM_NEWROUTE,
                Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE, r));
    }

    /**
     * Adds {@code r} unless an equal route (same destination, table and metric, the same gateway,
     * interface, type and paths) is there already; returns the route as the kernel lists it. If a
     * different route holds the key, the kernel's EEXIST is rethrown, saying what is there.
     */
    public Route ensure(Route r) {
        try {
            add(r);
        } catch (AlreadyExistsException e) {
            Route there = find(r);
            if (there != null && same(there, r)) {
                return there;
            }
            throw there == null ? e : e.withHint("the table has " + there.describe() + " instead");
        }
        Route there = find(r);
        if (there == null) {
            throw new IllegalStateException("added " + r.describe() + " but the kernel does not list it");
        }
        return there;
    }

    /**
     * Deletes {@code r}. The kernel matches destination and table, and whatever else is set: gateway,
     * interface, metric, type, protocol (unless {@link Route#PROTOCOL_DEFAULT}), scope (unless
     * {@link Route#SCOPE_AUTO}). A route as {@link #list} returned it is matched exactly.
     */
    public void delete(Route r) {
        rtnl.execute("RTM_DELROUTE", r.describe(), w -> new RouteEncoder().write(w, RTM_DELROUTE, Netlink.NLM_F_ACK, r));
    }

    /**
     * Adds every route, {@value #BATCH} requests per datagram, pipelined: only the last request of
     * each datagram asks for an ACK (the kernel reports errors of the others anyway), so a datagram
     * costs one send and about one receive. Stops at the first datagram with an error and throws
     * that error, typed; the routes of earlier datagrams, and those of the failing one that
     * succeeded, stay added (as with {@code ip -batch} without {@code -force}).
     */
    public void addAll(List<Route> routes) {
        addAll(routes, BATCH);
    }

    /** As {@link #addAll(List)} with {@code batch} requests per datagram. */
    public void addAll(List<Route> routes, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch);
        }
        RouteEncoder encoder = new RouteEncoder();
        int n = routes.size();
        for (int from = 0; from < n; from += batch) {
            int start = from;
            int end = Math.min(n, from + batch);
            rtnl.execute("RTM_NEWROUTE", chunkName(routes, start, end), w -> {
                for (int i = start; i < end; i++) {
                    int ack = i == end - 1 ? Netlink.NLM_F_ACK : 0;
                    encoder.write(w, RTM_NEWROUTE, ack | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL,
                            Objects.requireNonNull(routes.get(i), "route"));
                }
            });
        }
    }

    private static String chunkName(List<Route> routes, int start, int end) {
        return "routes " + (start + 1) + "-" + end + " of " + routes.size() + ", first " + routes.get(start).describe();
    }

    /** The routes of the main table, of {@code family} (AF_INET, AF_INET6 or 0 for both), as {@code ip route} lists them. */
    public List<Route> list(int family) {
        return list(RouteFilter.main().withFamily(family));
    }

    /**
     * The routes matching {@code filter}, in the kernel's order. The filter goes into the request,
     * which a handle in strict mode ({@link Rtnetlink#strict()}) has the kernel apply; it is applied
     * here as well, before anything is allocated, so the result is the same either way. Cached
     * routes (RTM_F_CLONED) are left out.
     */
    public List<Route> list(RouteFilter filter) {
        RouteEncoder encoder = new RouteEncoder();
        RouteDecoder decoder = new RouteDecoder();
        return rtnl.dump("RTM_GETROUTE", w -> encoder.writeDump(w, filter), msg -> decoder.decode(msg, filter));
    }

    private Route find(Route r) {
        for (Route x : list(RouteFilter.table(r.table()).withFamily(r.family()))) {
            if (x.dst().equals(r.dst()) && (r.priority() == 0 || x.priority() == r.priority())) {
                return x;
            }
        }
        return null;
    }

    private static boolean same(Route there, Route r) {
        return there.type() == r.type()
                && Objects.equals(there.gateway(), r.gateway())
                && (r.oif() == 0 || there.oif() == r.oif())
                && there.nexthops().size() == r.nexthops().size();
    }
}
