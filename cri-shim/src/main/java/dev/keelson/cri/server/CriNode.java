package dev.keelson.cri.server;

import dev.keelson.cni.invoke.CniInvoker;
import dev.keelson.cni.invoke.ConfDir;
import dev.keelson.cri.container.ContainerManager;
import dev.keelson.cri.container.ContainerRecord;
import dev.keelson.cri.container.ImageRootfs;
import dev.keelson.cri.image.Digest;
import dev.keelson.cri.image.ImageService;
import dev.keelson.cri.image.Platform;
import dev.keelson.cri.image.registry.RegistryHosts;
import dev.keelson.cri.oci.RuntimeHandler;
import dev.keelson.cri.sandbox.RuntimeSettings;
import dev.keelson.cri.sandbox.SandboxManager;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.netns.NetnsPool;
import dev.keelson.cri.stream.StreamArea;
import dev.keelson.cri.stream.StreamTokens;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A whole CRI runtime on one node, as {@code keelson cri} runs it: the image store, pod sandboxes
 * and containers whose rootfs is an overlay of their image, all areas served on one socket.
 * <pre>
 *   root/runtime/   sandbox and container records, bundles, runc/crun state
 *   root/images/    content, image records, snapshots, leases (see {@link ImageService})
 *   root/rootfs/    per-container overlay mounts (see {@link ImageRootfs})
 *   root/cni/       cached CNI results
 * </pre>
 * At start, rootfs mounts and snapshot leases no container record owns are removed.
 */
public final class CriNode implements AutoCloseable {
    private final CriServer server;
    private final ImageService images;
    private final SandboxManager sandboxes;
    private final ContainerManager containers;
    private final ImageRootfs rootfs;
    private final StreamArea streaming;
    private final NetnsPool pool;
    /** Pod network namespaces kept ready (lo up), so RunPodSandbox does not wait for unshare(2). */
    static final int NETNS_POOL_SIZE = 4;

    /**
     * What {@code keelson cri} is told.
     *
     * @param socket the Unix socket to serve on
     * @param root the state root (layout above)
     * @param cniConfDir the CNI conf dir
     * @param cniBinDirs where non-Keelson CNI plugins are exec'd from
     * @param runtime the default handler's runtime, {@code runc} or {@code crun} (both are also handlers by name)
     * @param mirrors registry host → mirror endpoints, tried in order
     * @param insecure registry hosts spoken to over plain HTTP
     * @param libexec the directory with {@code keelson-pause} and {@code keelson-cri-shim}
     * @param cgroupParent cgroupfs parent of pods that name none
     * @param rpcLog where to log one line per RPC, or null for none
     * @param stream the address of the streaming server behind Exec and PortForward URLs (port 0: any)
     * @param sandboxRuntime the runtime of every pause container, {@code runc} or {@code crun}, or
     *                       null for each pod handler's own
     */
    public record Options(Path socket, Path root, Path cniConfDir, List<Path> cniBinDirs, String runtime,
            Map<String, List<URI>> mirrors, Set<String> insecure, Path libexec, String cgroupParent, Consumer<String> rpcLog,
            InetSocketAddress stream, String sandboxRuntime) {
        /** Pause containers under crun where it is installed ({@link RuntimeHandler#defaultSandboxRuntime()}). */
        public Options(Path socket, Path root, Path cniConfDir, List<Path> cniBinDirs, String runtime,
                Map<String, List<URI>> mirrors, Set<String> insecure, Path libexec, String cgroupParent, Consumer<String> rpcLog,
                InetSocketAddress stream) {
            this(socket, root, cniConfDir, cniBinDirs, runtime, mirrors, insecure, libexec, cgroupParent, rpcLog, stream,
                    RuntimeHandler.defaultSandboxRuntime());
        }

        /** The streaming server on loopback, on any free port. */
        public Options(Path socket, Path root, Path cniConfDir, List<Path> cniBinDirs, String runtime,
                Map<String, List<URI>> mirrors, Set<String> insecure, Path libexec, String cgroupParent, Consumer<String> rpcLog) {
            this(socket, root, cniConfDir, cniBinDirs, runtime, mirrors, insecure, libexec, cgroupParent, rpcLog,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        public Options {
            cniBinDirs = List.copyOf(cniBinDirs);
            mirrors = Map.copyOf(mirrors);
            insecure = Set.copyOf(insecure);
            if (!RuntimeHandler.RUNTIMES.contains(runtime)) {
                throw new IllegalArgumentException("runtime must be runc or crun, not \"" + runtime + "\"");
            }
            if (sandboxRuntime != null && !RuntimeHandler.RUNTIMES.contains(sandboxRuntime)) {
                throw new IllegalArgumentException("sandbox runtime must be runc or crun, not \"" + sandboxRuntime + "\"");
            }
        }
    }

    private CriNode(CriServer server, ImageService images, SandboxManager sandboxes, ContainerManager containers, ImageRootfs rootfs,
            StreamArea streaming, NetnsPool pool) {
        this.pool = pool;
        this.server = server;
        this.streaming = streaming;
        this.images = images;
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.rootfs = rootfs;
    }

    /** Opens the state under {@code o.root()}, cleans rootfs leftovers and starts serving. */
    public static CriNode start(Options o) throws IOException {
        Path state = o.root().resolve("runtime");
        Path sha256 = o.libexec().resolve("keelson-sha256");
        Digest.hashWith(Files.isExecutable(sha256) ? sha256 : null);
        RuntimeHandler runc = RuntimeHandler.runc("runc", state);
        RuntimeHandler crun = RuntimeHandler.crun("crun", state, o.libexec());
        Map<String, RuntimeHandler> handlers = Map.of("", o.runtime().equals("crun") ? crun : runc, "runc", runc, "crun", crun);
        CniInvoker cni = CniInvoker.create(o.cniBinDirs(), o.root().resolve("cni"));
        ConfDir conf = new ConfDir(o.cniConfDir());
        ImageService images = new ImageService(o.root().resolve("images"),
                new RegistryHosts(o.mirrors(), o.insecure(), Map.of(), null), Platform.LINUX_AMD64);
        String poolPrefix = poolPrefix(o.root());
        NetnsPool pool = new NetnsPool(NetnsDirectory.system(), poolPrefix, NETNS_POOL_SIZE);
        RuntimeHandler pause = o.sandboxRuntime() == null ? null : handlers.get(o.sandboxRuntime());
        SandboxManager sandboxes = new SandboxManager(new RuntimeSettings(state, NetnsDirectory.system(), conf, cni,
                handlers, o.libexec(), o.cgroupParent(), pool, pause));
        sweepPool(NetnsDirectory.system(), poolPrefix, sandboxes);
        pool.start();
        ImageRootfs rootfs = new ImageRootfs(images, o.root().resolve("rootfs"));
        ContainerManager containers = new ContainerManager(sandboxes, rootfs);
        rootfs.removeLeftovers(containers.list().stream().map(ContainerRecord::id).toList());
        StreamArea streaming = StreamArea.start(sandboxes, containers, o.stream(), StreamTokens.DEFAULT_TTL);
        List<CriArea> areas = List.of(new RuntimeInfoArea(new CniNetworkCheck(conf, cni)),
                new PodArea(sandboxes, containers), new SandboxStatsArea(sandboxes, containers), new ImageArea(images), streaming);
        if (o.rpcLog() != null) {
            areas = areas.stream().map(a -> RpcLog.logged(a, o.rpcLog())).toList();
        }
        try {
            return new CriNode(CriServer.start(o.socket(), areas, CriServer.DEFAULT_GRACE), images, sandboxes, containers, rootfs,
                    streaming, pool);
        } catch (IOException | RuntimeException e) {
            streaming.close();
            pool.close();
            throw e;
        }
    }

    /**
     * The names of this state root's pooled namespaces: {@code kcri-HASH-}, HASH from the root's
     * path, so two runtimes on one machine (the nodes of {@code keelson up}) never take or sweep
     * each other's.
     */
    static String poolPrefix(Path root) {
        byte[] path = root.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return "kcri-" + Digest.of(path).hex().substring(0, 8) + "-";
    }

    /**
     * Deletes pooled namespaces a killed runtime left behind: the ones of this root's pool that no
     * sandbox record holds (a taken namespace keeps its pool name and is its sandbox's).
     */
    static void sweepPool(NetnsDirectory dir, String prefix, SandboxManager sandboxes) {
        Set<String> held = new java.util.HashSet<>();
        for (var r : sandboxes.list()) {
            if (r.netns() != null) {
                held.add(Path.of(r.netns()).getFileName().toString());
            }
        }
        for (String name : dir.list()) {
            if (name.startsWith(prefix) && !held.contains(name)) {
                dir.delete(name);
            }
        }
    }

    /** The server. */
    public CriServer server() {
        return server;
    }

    /** The streaming server behind Exec and PortForward. */
    public StreamArea streaming() {
        return streaming;
    }

    /** The image store. */
    public ImageService images() {
        return images;
    }

    /** The pod sandboxes. */
    public SandboxManager sandboxes() {
        return sandboxes;
    }

    /** The containers. */
    public ContainerManager containers() {
        return containers;
    }

    /** The container root filesystems. */
    public ImageRootfs rootfs() {
        return rootfs;
    }

    /** Stops serving (pods and containers keep running; a new node over the same root picks them up). */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            try {
                streaming.close();
            } finally {
                pool.close();
            }
        }
    }
}
