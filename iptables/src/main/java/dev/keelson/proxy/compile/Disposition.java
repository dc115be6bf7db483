package dev.keelson.proxy.compile;

/**
 * What happens to new connections to a group of frontends: forwarded to endpoints, rejected (the
 * service has no usable endpoint: the client gets ICMP port-unreachable / TCP RST at once), or
 * dropped (a {@code Local} policy and no endpoint on this node: as kube-proxy does).
 */
public enum Disposition {
    FORWARD, REJECT, DROP
}
