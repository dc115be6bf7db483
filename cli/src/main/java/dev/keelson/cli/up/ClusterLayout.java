package dev.keelson.cli.up;

import java.nio.file.Path;

/**
 * Where one {@code keelson up} cluster keeps everything, derived from its name so that
 * {@code keelson down} finds the same places again:
 * <pre>
 *   DATA/server/        API server: PKI, tokens, encryption key, admin.kubeconfig, store.db (SQLite)
 *   DATA/cri/           CRI runtime root (records, bundles, images, overlay rootfs mounts)
 *   DATA/cni/net.d/     the node's CNI conflist (bridge + host-local, ipMasq)
 *   DATA/cni/ipam/      host-local allocations
 *   DATA/logs/          pod logs
 *   RUN/cri.sock        the CRI socket
 *   RUN/up.json         the record of what was created ({@link UpRecord}), for down after a crash
 *   /run/netns/keelson-CLUSTER-node1   the node's network namespace pin
 *   /sys/fs/cgroup/&lt;hierarchy&gt;/keelson-CLUSTER   cgroup parent of every pod
 * </pre>
 *
 * @param cluster the cluster's name (a DNS label)
 * @param dataDir persistent state, {@code /var/lib/keelson/CLUSTER} by default
 * @param runDir runtime state, {@code /run/keelson/CLUSTER} by default
 * @param port the API server's port, on 127.0.0.1 in the node netns and relayed on the host's loopback
 * @param podCidr the node's podCIDR
 * @param serviceCidr the Service ClusterIP range
 */
public record ClusterLayout(String cluster, Path dataDir, Path runDir, int port, String podCidr, String serviceCidr) {
    /** The default cluster name. */
    public static final String DEFAULT_CLUSTER = "keelson";

    public ClusterLayout {
        if (cluster == null || !cluster.matches("[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?")) {
            throw new IllegalArgumentException("cluster name \"" + cluster + "\" must be a lowercase DNS label of at most 32 characters");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 1 and 65535, not " + port);
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        runDir = runDir.toAbsolutePath().normalize();
    }

    /** The defaults for {@code cluster}: data under /var/lib/keelson, runtime files under /run/keelson. */
    public static ClusterLayout defaults(String cluster) {
        return new ClusterLayout(cluster, Path.of("/var/lib/keelson", cluster), Path.of("/run/keelson", cluster),
                6443, "10.244.0.0/24", "10.96.0.0/12");
    }

    public ClusterLayout withDataDir(Path dir) {
        return new ClusterLayout(cluster, dir, runDir, port, podCidr, serviceCidr);
    }

    public ClusterLayout withRunDir(Path dir) {
        return new ClusterLayout(cluster, dataDir, dir, port, podCidr, serviceCidr);
    }

    public ClusterLayout withPort(int p) {
        return new ClusterLayout(cluster, dataDir, runDir, p, podCidr, serviceCidr);
    }

    /** The node's name (one node today: {@code --nodes N} is not built yet). */
    public String nodeName() {
        return cluster + "-node1";
    }

    /** The pin name of the node's network namespace under /run/netns. */
    public String nodeNetns() {
        return "keelson-" + cluster + "-node1";
    }

    /** The cgroupfs parent of the pods ({@code /keelson-CLUSTER}). */
    public String cgroupParent() {
        return "/keelson-" + cluster;
    }

    public Path serverDir() {
        return dataDir.resolve("server");
    }

    public Path criRoot() {
        return dataDir.resolve("cri");
    }

    public Path cniConfDir() {
        return dataDir.resolve("cni/net.d");
    }

    public Path ipamDir() {
        return dataDir.resolve("cni/ipam");
    }

    public Path podLogDir() {
        return dataDir.resolve("logs");
    }

    /** The admin kubeconfig (server https://127.0.0.1:PORT, valid in the node netns and on the host through the relay). */
    public Path kubeconfig() {
        return serverDir().resolve("admin.kubeconfig");
    }

    public Path criSocket() {
        return runDir.resolve("cri.sock");
    }

    public Path recordFile() {
        return runDir.resolve("up.json");
    }

    /** The name of the node's bridge (at most 15 characters, IFNAMSIZ). */
    public String bridgeName() {
        return "keelson0";
    }

    /** The bridge's gateway address, the first host of the podCIDR; it is also the node's InternalIP. */
    public String gatewayIp() {
        String net = podCidr.substring(0, podCidr.indexOf('/'));
        String[] o = net.split("\\.");
        return o[0] + "." + o[1] + "." + o[2] + "." + (Integer.parseInt(o[3]) + 1);
    }

    public int podPrefixLength() {
        return Integer.parseInt(podCidr.substring(podCidr.indexOf('/') + 1));
    }
}
