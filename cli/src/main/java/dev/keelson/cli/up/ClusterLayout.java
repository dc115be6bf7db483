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
 * With {@code --nodes N} each node K ≥ 2 has the same node-level files under {@code DATA/nodeK/}
 * (cri, cni, logs, kubelet, its kubeconfig), its socket at {@code RUN/nodeK-cri.sock}, its pin
 * {@code keelson-CLUSTER-nodeK}, the cgroup parent {@code /keelson-CLUSTER-nodeK} and the podCIDR
 * 10.244.(K-1).0/24; node 1's files are where a single node keeps them. The nodes are joined by the
 * bridge of {@code /run/netns/keelson-CLUSTER-underlay}, node K at 172.30.0.K/24 ({@link #underlayIp(int)}).
 * A layout describes one node of the cluster ({@link #node()}); {@link #forNode(int)} gives another's.
 *
 * @param cluster the cluster's name (a DNS label)
 * @param dataDir persistent state, {@code /var/lib/keelson/CLUSTER} by default
 * @param runDir runtime state, {@code /run/keelson/CLUSTER} by default
 * @param port the API server's port, on 127.0.0.1 in the node netns and relayed on the host's loopback
 * @param podCidr the node's podCIDR
 * @param serviceCidr the Service ClusterIP range
 * @param node which node this layout describes (1 runs the control plane)
 * @param nodes how many nodes the cluster has
 * @param overlay how nodes reach each other's pods: {@value #HOST_GW} (routes via the other node's
 *                address on one L2 underlay) or {@value #VXLAN} (a VXLAN overlay over a routed underlay,
 *                where nodes share no L2 segment)
 */
public record ClusterLayout(String cluster, Path dataDir, Path runDir, int port, String podCidr, String serviceCidr,
                            int node, int nodes, String overlay) {
    /** Host-gateway routing between nodes on one L2 underlay (the default). */
    public static final String HOST_GW = "host-gw";
    /** A VXLAN overlay between nodes on a routed underlay. */
    public static final String VXLAN = "vxlan";
    /** The most nodes {@code --nodes} accepts (each is a JVM of its own on this machine). */
    public static final int MAX_NODES = 16;
    /** The underlay's subnet; node K is host K of it. */
    private static final String UNDERLAY_NET = "172.30.0.";
    private static final int UNDERLAY_PREFIX = 24;

    /** The default cluster name. */
    public static final String DEFAULT_CLUSTER = "keelson";

    public ClusterLayout {
        if (cluster == null || !cluster.matches("[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?")) {
            throw new IllegalArgumentException("cluster name \"" + cluster + "\" must be a lowercase DNS label of at most 32 characters");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 1 and 65535, not " + port);
        }
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("--nodes must be between 1 and " + MAX_NODES + ", not " + nodes);
        }
        if (node < 1 || node > nodes) {
            throw new IllegalArgumentException("node " + node + " is not one of the cluster's " + nodes + " node(s)");
        }
        if (!HOST_GW.equals(overlay) && !VXLAN.equals(overlay)) {
            throw new IllegalArgumentException("--overlay must be " + HOST_GW + " or " + VXLAN + ", not \"" + overlay + "\"");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        runDir = runDir.toAbsolutePath().normalize();
    }

    /** The defaults for {@code cluster}: data under /var/lib/keelson, runtime files under /run/keelson. */
    public static ClusterLayout defaults(String cluster) {
        return new ClusterLayout(cluster, Path.of("/var/lib/keelson", cluster), Path.of("/run/keelson", cluster),
                6443, "10.244.0.0/24", "10.96.0.0/12", 1, 1, HOST_GW);
    }

    public ClusterLayout withDataDir(Path dir) {
        return new ClusterLayout(cluster, dir, runDir, port, podCidr, serviceCidr, node, nodes, overlay);
    }

    public ClusterLayout withRunDir(Path dir) {
        return new ClusterLayout(cluster, dataDir, dir, port, podCidr, serviceCidr, node, nodes, overlay);
    }

    public ClusterLayout withPort(int p) {
        return new ClusterLayout(cluster, dataDir, runDir, p, podCidr, serviceCidr, node, nodes, overlay);
    }

    /** The same cluster with {@code n} nodes (this layout stays node 1's). */
    public ClusterLayout withNodes(int n) {
        return new ClusterLayout(cluster, dataDir, runDir, port, podCidr, serviceCidr, 1, n, overlay).forNode(node > n ? 1 : node);
    }

    /** The layout of node {@code k} of this cluster: its podCIDR is the {@code (k-1)}th /24 after node 1's. */
    public ClusterLayout forNode(int k) {
        String[] o = podCidr.substring(0, podCidr.indexOf('/')).split("\\.");
        int third = Integer.parseInt(o[2]) - (node - 1) + (k - 1);
        String cidr = o[0] + "." + o[1] + "." + third + "." + o[3] + podCidr.substring(podCidr.indexOf('/'));
        return new ClusterLayout(cluster, dataDir, runDir, port, cidr, serviceCidr, k, nodes, overlay);
    }

    /** The same cluster with overlay {@code o} ({@value #HOST_GW} or {@value #VXLAN}). */
    public ClusterLayout withOverlay(String o) {
        return new ClusterLayout(cluster, dataDir, runDir, port, podCidr, serviceCidr, node, nodes, o);
    }

    /** Whether nodes reach each other's pods through VXLAN over a routed underlay. */
    public boolean vxlan() {
        return multiNode() && VXLAN.equals(overlay);
    }

    /** Whether the cluster has more than one node (then an underlay joins them). */
    public boolean multiNode() {
        return nodes > 1;
    }

    /** The node's name. */
    public String nodeName() {
        return cluster + "-node" + node;
    }

    /** The pin name of the node's network namespace under /run/netns. */
    public String nodeNetns() {
        return "keelson-" + cluster + "-node" + node;
    }

    /** The pin name of the underlay's network namespace (its bridge joins the nodes). */
    public String underlayNetns() {
        return "keelson-" + cluster + "-underlay";
    }

    /** The underlay address of node {@code k}: 172.30.0.K. */
    public static String underlayIp(int k) {
        return UNDERLAY_NET + k;
    }

    /** The underlay's prefix length. */
    public static int underlayPrefixLength() {
        return UNDERLAY_PREFIX;
    }

    /** The underlay's subnet, 172.30.0.0/24. */
    public static String underlayNetwork() {
        return UNDERLAY_NET + "0/" + UNDERLAY_PREFIX;
    }

    /**
     * The node's InternalIP: its underlay address when there are several nodes (other nodes route to
     * its pods through it, the API server reaches its kubelet there), else the bridge's gateway.
     */
    public String nodeIp() {
        return multiNode() ? underlayIp(node) : gatewayIp();
    }

    /** The cluster's pod range (the /16 around the podCIDRs: every node's pods). */
    public String clusterCidr() {
        String[] o = podCidr.substring(0, podCidr.indexOf('/')).split("\\.");
        return o[0] + "." + o[1] + ".0.0/16";
    }

    /** The cgroupfs parent of the node's pods ({@code /keelson-CLUSTER}, {@code /keelson-CLUSTER-nodeK} for K ≥ 2). */
    public String cgroupParent() {
        return node == 1 ? "/keelson-" + cluster : "/keelson-" + cluster + "-node" + node;
    }

    /** Where the node's own files live: the data directory for node 1, {@code DATA/nodeK} for the others. */
    public Path nodeDir() {
        return node == 1 ? dataDir : dataDir.resolve("node" + node);
    }

    /** The node agent's root directory (pod volumes). */
    public Path agentRootDir() {
        return nodeDir().resolve("kubelet");
    }

    /** The kubeconfig node K ≥ 2 uses: the admin one with the server at node 1's underlay address. */
    public Path nodeKubeconfig() {
        return node == 1 ? kubeconfig() : nodeDir().resolve("kubeconfig");
    }

    public Path serverDir() {
        return dataDir.resolve("server");
    }

    public Path criRoot() {
        return nodeDir().resolve("cri");
    }

    public Path cniConfDir() {
        return nodeDir().resolve("cni/net.d");
    }

    public Path ipamDir() {
        return nodeDir().resolve("cni/ipam");
    }

    public Path podLogDir() {
        return nodeDir().resolve("logs");
    }

    /** The admin kubeconfig (server https://127.0.0.1:PORT, valid in the node netns and on the host through the relay). */
    public Path kubeconfig() {
        return serverDir().resolve("admin.kubeconfig");
    }

    public Path criSocket() {
        return runDir.resolve(node == 1 ? "cri.sock" : "node" + node + "-cri.sock");
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
