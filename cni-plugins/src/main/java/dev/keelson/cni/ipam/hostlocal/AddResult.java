package dev.keelson.cni.ipam.hostlocal;

import java.util.List;

/**
 * What a successful ADD reports.
 *
 * @param ips one allocation per range set, in range-set order
 * @param routes the configured routes
 * @param dns the DNS settings from {@code resolvConf}, or {@link Dns#NONE}
 */
public record AddResult(List<Allocation> ips, List<Route> routes, Dns dns) {

    /** Copies the lists. */
    public AddResult {
        ips = List.copyOf(ips);
        routes = List.copyOf(routes);
    }
}
