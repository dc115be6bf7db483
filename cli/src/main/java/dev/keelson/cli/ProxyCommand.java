package dev.keelson.cli;

import dev.keelson.cli.proxy.BackendKind;
import dev.keelson.cli.proxy.ProxyState;
import dev.keelson.cli.proxy.StateStore;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.compile.NodeConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keelson proxy apply|show|flush|run|trace}: Kubernetes Service forwarding for network
 * engineers, in the current network namespace (run it on a node, or under {@code ip netns exec}).
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Service forwarding rules from Kubernetes Service and EndpointSlice manifests "
                + "(nftables or kube-proxy-compatible iptables), in the current network namespace.",
        subcommands = {ProxyApply.class, ProxyShow.class, ProxyFlush.class, ProxyRun.class, ProxyTrace.class})
final class ProxyCommand {
    static final Path DEFAULT_STATE_DIR = Path.of("/run/keelson/proxy");

    @Option(names = "--state-dir", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "Where the applied state is kept, one file per network namespace (default: /run/keelson/proxy).")
    Path stateDir = DEFAULT_STATE_DIR;

    StateStore store() {
        return new StateStore(stateDir);
    }

    /** {@code --backend}: which rule engine; absent means the one that applied the current state, else nft. */
    static final class BackendOption {
        @Option(names = "--backend", paramLabel = "NAME",
                description = "nft, iptables (iptables-nft) or iptables-legacy (default: the backend of the "
                        + "applied state, else nft).")
        String backend;

        BackendKind resolve(ProxyState previous) {
            if (backend == null) {
                return previous != null ? previous.backend() : BackendKind.NFT;
            }
            BackendKind k = BackendKind.of(backend);
            if (k == null) {
                throw new Main.UsageError("unknown backend \"" + backend + "\" (use nft, iptables or iptables-legacy)");
            }
            return k;
        }
    }

    /** The node configuration options; each absent one is taken from the applied state. */
    static final class NodeOptions {
        @Option(names = "--node-name", paramLabel = "NAME",
                description = "This node's name: endpoints with this nodeName are local (default: the host name).")
        String nodeName;
        @Option(names = "--node-ip", paramLabel = "IP", description = "An address NodePorts answer on (repeatable; for trace).")
        List<String> nodeIPs;
        @Option(names = "--cluster-cidr", paramLabel = "CIDR",
                description = "Pod CIDR (repeatable): ClusterIP traffic from outside it is masqueraded.")
        List<String> clusterCidrs;
        @Option(names = "--service-cidr", paramLabel = "CIDR",
                description = "Service CIDR (repeatable): traffic to an unallocated address in it is dropped.")
        List<String> serviceCidrs;
        @Option(names = "--masquerade-all", description = "Masquerade all ClusterIP traffic (kube-proxy --masquerade-all).")
        Boolean masqueradeAll;

        NodeConfig resolve(ProxyState previous) {
            NodeConfig p = previous != null ? previous.node() : null;
            return new NodeConfig(
                    nodeName != null ? nodeName : p != null ? p.nodeName() : hostName(),
                    nodeIPs != null ? parse(nodeIPs, "--node-ip", InetAddresses::parse) : p != null ? p.nodeIPs() : List.of(),
                    clusterCidrs != null ? parse(clusterCidrs, "--cluster-cidr", IpPrefix::parse)
                            : p != null ? p.clusterCidrs() : List.of(),
                    serviceCidrs != null ? parse(serviceCidrs, "--service-cidr", IpPrefix::parse)
                            : p != null ? p.serviceCidrs() : List.of(),
                    masqueradeAll != null ? masqueradeAll : p != null && p.masqueradeAll());
        }

        private static <T> List<T> parse(List<String> values, String option, Function<String, T> parser) {
            return values.stream().map(v -> {
                try {
                    return parser.apply(v);
                } catch (RuntimeException e) {
                    throw new Main.UsageError(option + ": \"" + v + "\" is not valid: " + e.getMessage());
                }
            }).toList();
        }

        private static String hostName() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            } catch (IOException e) {
                return "localhost";
            }
        }
    }

    /** Parses {@code ADDR:PORT} or {@code [V6ADDR]:PORT}. */
    record Target(InetAddress address, int port) {
        static Target parse(String s) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                throw new Main.UsageError("\"" + s + "\" is not ADDRESS:PORT");
            }
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new Main.UsageError("\"" + s + "\": " + s.substring(colon + 1) + " is not a valid port");
            }
            return new Target(ProxyCommand.address(host), port);
        }
    }

    static InetAddress address(String s) {
        try {
            return InetAddresses.parse(s);
        } catch (RuntimeException e) {
            throw new Main.UsageError("\"" + s + "\" is not an IP address");
        }
    }

}
