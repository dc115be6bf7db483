package dev.keelson.cni.spec;

import java.util.List;

/**
 * A result in the current (1.1.0) model. Plugins build and return this; {@link ResultCodec}
 * reads any version's JSON into it (upconversion of {@code prevResult}) and prints it for the
 * version a config asked for (downconversion), as libcni's converters do.
 */
public record Result(String cniVersion, List<Interface> interfaces, List<IpConfig> ips, List<Route> routes, Dns dns) {
    public Result {
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
        ips = ips == null ? List.of() : List.copyOf(ips);
        routes = routes == null ? List.of() : List.copyOf(routes);
        dns = dns == null ? Dns.EMPTY : dns;
    }

    /** A result without a version yet; the skeleton labels it with the config's version. */
    public static Result of(List<Interface> interfaces, List<IpConfig> ips, List<Route> routes, Dns dns) {
        return new Result(null, interfaces, ips, routes, dns);
    }

    /** This result labelled {@code version}. */
    public Result withVersion(String version) {
        return new Result(version, interfaces, ips, routes, dns);
    }
}
