package dev.keelson.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a node agent is told: who it is, where the API server and the CRI runtime are, and the
 * timings of its loops (defaults are the kubelet's; tests shorten some).
 *
 * @param nodeName the Node's name (the kubelet defaults to the hostname)
 * @param kubeconfig the kubeconfig with the API server, its CA and a token
 * @param criSocket the CRI endpoint's Unix socket
 * @param podCidr a podCIDR to put in the Node's spec when registering, or null
 * @param nodeIp the InternalIP to report, or null to pick the first non-loopback IPv4 address
 * @param labels labels added to the well-known ones on the Node
 * @param podLogDir where pod log directories go ({@code <dir>/<ns>_<name>_<uid>/<container>/<n>.log})
 * @param kubeletPort the port reported in {@code daemonEndpoints.kubeletEndpoint}
 * @param clusterDns cluster DNS servers for {@code dnsPolicy: ClusterFirst} (empty: the node's resolv.conf)
 * @param clusterDomain the cluster's DNS domain
 * @param timings loop periods
 * @param rootDir the agent's state directory (the kubelet's {@code --root-dir}): pod volumes live
 *        under {@code <rootDir>/pods/<uid>/volumes}
 */
public record NodeAgentConfig(String nodeName, Path kubeconfig, Path criSocket, String podCidr, String nodeIp,
        Map<String, String> labels, Path podLogDir, int kubeletPort, List<String> clusterDns, String clusterDomain,
        Timings timings, Path rootDir) {

    /** The CRI socket Keelson's own runtime serves by default. */
    public static final Path DEFAULT_CRI_SOCKET = Path.of("/run/keelson/keelson.sock");
    /** The default state directory (the kubelet's is /var/lib/kubelet). */
    public static final Path DEFAULT_ROOT_DIR = Path.of("/var/lib/keelson/node");

    /** The configuration without a root directory of its own: {@link #DEFAULT_ROOT_DIR}. */
    public NodeAgentConfig(String nodeName, Path kubeconfig, Path criSocket, String podCidr, String nodeIp,
            Map<String, String> labels, Path podLogDir, int kubeletPort, List<String> clusterDns, String clusterDomain,
            Timings timings) {
        this(nodeName, kubeconfig, criSocket, podCidr, nodeIp, labels, podLogDir, kubeletPort, clusterDns, clusterDomain,
                timings, DEFAULT_ROOT_DIR);
    }

    public NodeAgentConfig {
        if (nodeName == null || !nodeName.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
            throw new IllegalArgumentException("node name \"" + nodeName + "\" is not a lowercase RFC 1123 DNS subdomain");
        }
        labels = Map.copyOf(labels);
        clusterDns = List.copyOf(clusterDns);
    }

    /**
     * Periods of the agent's loops.
     *
     * @param leaseRenew how often the node Lease is renewed (kubelet: 10 s)
     * @param leaseDuration the Lease's leaseDurationSeconds (kubelet: 40 s)
     * @param statusCheck how often node status is recomputed (written when changed)
     * @param statusReport the longest time between two node status writes (1 min here)
     * @param relist the PLEG relist period (kubelet: 1 s)
     * @param backoffInitial the first CrashLoopBackOff delay (kubelet: 10 s)
     * @param backoffMax the back-off ceiling (kubelet: 5 min)
     * @param sync how often a running pod is re-synced without an event, which refreshes its
     *        configMap/secret/downwardAPI volumes (the kubelet's syncFrequency: 1 min)
     */
    public record Timings(Duration leaseRenew, Duration leaseDuration, Duration statusCheck, Duration statusReport,
            Duration relist, Duration backoffInitial, Duration backoffMax, Duration sync) {
        /** Timings with the kubelet's 1 min pod sync period. */
        public Timings(Duration leaseRenew, Duration leaseDuration, Duration statusCheck, Duration statusReport,
                Duration relist, Duration backoffInitial, Duration backoffMax) {
            this(leaseRenew, leaseDuration, statusCheck, statusReport, relist, backoffInitial, backoffMax, Duration.ofMinutes(1));
        }

        public static Timings kubelet() {
            return new Timings(Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofSeconds(10),
                    Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(5));
        }

        public Timings withSync(Duration d) {
            return new Timings(leaseRenew, leaseDuration, statusCheck, statusReport, relist, backoffInitial, backoffMax, d);
        }
    }

    /** A config with the kubelet's defaults for everything but identity and endpoints. */
    public static NodeAgentConfig of(String nodeName, Path kubeconfig, Path criSocket) {
        return new NodeAgentConfig(nodeName, kubeconfig, criSocket, null, null, Map.of(), Path.of("/var/log/pods"),
                10250, List.of(), "cluster.local", Timings.kubelet());
    }

    public NodeAgentConfig withNodeIp(String ip) {
        return new NodeAgentConfig(nodeName, kubeconfig, criSocket, podCidr, ip, labels, podLogDir, kubeletPort,
                clusterDns, clusterDomain, timings, rootDir);
    }

    public NodeAgentConfig withPodCidr(String cidr) {
        return new NodeAgentConfig(nodeName, kubeconfig, criSocket, cidr, nodeIp, labels, podLogDir, kubeletPort,
                clusterDns, clusterDomain, timings, rootDir);
    }

    public NodeAgentConfig withLabels(Map<String, String> extra) {
        return new NodeAgentConfig(nodeName, kubeconfig, criSocket, podCidr, nodeIp, extra, podLogDir, kubeletPort,
                clusterDns, clusterDomain, timings, rootDir);
    }

    public NodeAgentConfig withPodLogDir(Path dir) {
        return new NodeAgentConfig(nodeName, kubeconfig, criSocket, podCidr, nodeIp, labels, dir, kubeletPort,
                clusterDns, clusterDomain, timings, rootDir);
    }

    public NodeAgentConfig withClusterDns(List<String> servers, String domain) {
        return new NodeAgentConfig(nodeName, kubeconfig, criSocket, podCidr, nodeIp, labels, podLogDir, kubeletPort,
                servers, domain, timings, rootDir);
    }

    /** The kubelet API port reported in the Node's {@code daemonEndpoints}. */
    public NodeAgentConfig withKubeletPort(int port) {
        return new NodeAgentConfig(nodeName, kubeconfig, criSocket, podCidr, nodeIp, labels, podLogDir, port,
                clusterDns, clusterDomain, timings);
    }

    public NodeAgentConfig withTimings(Timings t) {
        return new NodeAgentConfig(nodeName, kubeconfig, criSocket, podCidr, nodeIp, labels, podLogDir, kubeletPort,
                clusterDns, clusterDomain, t, rootDir);
    }

    public NodeAgentConfig withRootDir(Path dir) {
        return new NodeAgentConfig(nodeName, kubeconfig, criSocket, podCidr, nodeIp, labels, podLogDir, kubeletPort,
                clusterDns, clusterDomain, timings, dir);
    }
}
