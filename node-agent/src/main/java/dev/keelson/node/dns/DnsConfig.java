package dev.keelson.node.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a {@link ClusterDns} runs.
 *
 * @param address the address to serve on (UDP and TCP), e.g. the cluster DNS Service's IP or
 *     {@code 127.0.0.1}
 * @param port 53 normally; 0 picks a free port (the same one for UDP and TCP)
 * @param domain the cluster domain this server is authoritative for ({@code cluster.local})
 * @param upstreams where names outside the domain are forwarded, tried in order
 * @param timeout how long one upstream gets before the next is tried (then SERVFAIL)
 * @param ttl the TTL of cluster answers in seconds (CoreDNS' kubernetes plugin uses 5)
 */
public record DnsConfig(String address, int port, String domain, List<InetSocketAddress> upstreams, Duration timeout,
                        long ttl) {
    public static final String DEFAULT_DOMAIN = "cluster.local";

    public DnsConfig {
        domain = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        upstreams = List.copyOf(upstreams);
    }

    /**
     * Serves {@code cluster.local} on {@code address:port} and forwards the rest to the
     * nameservers of the host's {@code /etc/resolv.conf}, 2 s each.
     */
    public static DnsConfig of(String address, int port) throws IOException {
        return new DnsConfig(address, port, DEFAULT_DOMAIN, ResolvConf.nameservers(Path.of("/etc/resolv.conf")),
                Duration.ofSeconds(2), 5);
    }

    public DnsConfig withUpstreams(List<InetSocketAddress> servers) {
        return new DnsConfig(address, port, domain, servers, timeout, ttl);
    }

    public DnsConfig withDomain(String name) {
        return new DnsConfig(address, port, name, upstreams, timeout, ttl);
    }

    public DnsConfig withTimeout(Duration t) {
        return new DnsConfig(address, port, domain, upstreams, t, ttl);
    }
}
