package dev.keelson.bench.cni;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.link.Bridge;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.Veth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Everything one run of the CNI benchmark puts on the machine, and its removal:
 *
 * <pre>
 * DIR/                 private to this run (DIR = /run/keelson/bench-cni-PID)
 *   netns/node         the "node" namespace: bridges, host veth ends, macvlan masters, ipMasq rules
 *   netns/kbench-XY-N  pod namespaces, made before anything is timed, reused once DEL emptied them
 *   data/              host-local data dirs, one per contender
 *   bin/               Keelson's client installed per plugin name (what `keelson cni install` does)
 *   sock/cni.sock      the daemon's socket; daemon.log its output, *.log the C helpers' stderr
 * </pre>
 *
 * Closing ends the daemon and the C helpers (floors, spawner) by their PIDs, deletes every namespace — which
 * takes every link, address, route and rule in them along — and removes DIR. A shutdown hook does
 * the same when the JVM is stopped (Ctrl-C, SIGTERM) during a run. Nothing is made in this JVM's
 * own network namespace.
 */
final class Site implements AutoCloseable {
    private final Path dir;
    private final NetnsDirectory pins;
    private final NetNamespace node;
    private final List<NetNamespace> pods = new ArrayList<>();
    private final Thread hook = new Thread(this::remove, "keelson-bench-cni-cleanup");
    private volatile DaemonProcess daemon;
    private final List<Process> helpers = new CopyOnWriteArrayList<>();
    /** The parent of DIR when this run made it (e.g. /run/keelson on a fresh machine), to remove it again if empty. */
    private final Path madeParent;
    private boolean removed;

    private Site(Path dir, NetnsDirectory pins, NetNamespace node, Path madeParent) {
        this.dir = dir;
        this.pins = pins;
        this.node = node;
        this.madeParent = madeParent;
    }

    /** Makes DIR and the node namespace (lo up). DIR must not exist yet. */
    static Site open(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Path madeParent = Files.exists(parent) ? null : parent;
        Files.createDirectories(parent);
        Files.createDirectory(dir);
        NetnsDirectory pins = NetnsDirectory.of(dir.resolve("netns"));
        NetNamespace node;
        try {
            node = pins.create("node", true);
        } catch (RuntimeException e) {
            deleteTree(dir);
            removeIfEmpty(madeParent);
            throw e;
        }
        Site s = new Site(dir, pins, node, madeParent);
        Runtime.getRuntime().addShutdownHook(s.hook);
        for (String sub : List.of("data", "bin", "sock")) {
            Files.createDirectories(dir.resolve(sub));
        }
        return s;
    }

    NetNamespace node() {
        return node;
    }

    Path bin() {
        return dir.resolve("bin");
    }

    Path socket() {
        return dir.resolve("sock/cni.sock");
    }

    Path dataDir(String id) {
        return dir.resolve("data").resolve(id);
    }

    /** In the node namespace: a bridge (up) for the bridge floor, and a veth pair (both ends up) per macvlan master. */
    void prepareNode(String floorBridge, List<String> masters) {
        node.execute(() -> {
            try (Rtnetlink rtnl = Rtnetlink.open()) {
                Links links = new Links(rtnl);
                links.add(Bridge.named(floorBridge).up());
                for (String m : masters) {
                    links.add(Veth.named(m).peer(m + "p").up());
                    links.setUp(m + "p");
                }
            }
        });
    }

    /** {@code n} fresh pod namespaces named {@code id-0 … id-(n-1)}. */
    synchronized List<Pod> pods(String id, int n) {
        List<Pod> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NetNamespace ns = pins.create(id + "-" + i, true);
            pods.add(ns);
            list.add(new Pod(i, ns));
        }
        return list;
    }

    /** Starts the Keelson CNI daemon (a JVM of its own) in the node namespace. */
    void startDaemon() throws IOException, InterruptedException {
        daemon = DaemonProcess.start(node, socket(), dir.resolve("daemon.log"));
    }

    boolean daemonAlive() {
        DaemonProcess d = daemon;
        return d != null && ProcessHandle.of(d.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** A helper process now running (the C floor, the spawner), to end by its PID if the run is interrupted. */
    void track(Process p) {
        helpers.add(p);
    }

    /** Where a helper process's stderr goes. */
    Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /** The pins under DIR/netns (for tests: all must be gone after a run). */
    List<String> pins() {
        return pins.list();
    }

    @Override
    public void close() {
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook ran remove() too, which is idempotent.
        }
    }

    private synchronized void remove() {
        if (removed) {
            return;
        }
        removed = true;
        List<String> failures = new ArrayList<>();
        for (Process f : helpers) {
            if (f.isAlive()) {
                f.destroyForcibly();
                try {
                    f.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        DaemonProcess d = daemon;
        if (d != null) {
            d.close();
        }
        for (NetNamespace ns : pods) {
            attempt(failures, ns::delete, ns.path());
        }
        attempt(failures, node::delete, node.path());
        attempt(failures, pins::destroy, pins.root());
        attempt(failures, () -> deleteTree(dir), dir);
        removeIfEmpty(madeParent);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("the CNI benchmark could not remove: " + String.join("; ", failures));
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(List<String> failures, Step step, Path what) {
        try {
            step.run();
        } catch (Exception e) {
            failures.add(what + " (" + e.getMessage() + ")");
        }
    }

    private static void removeIfEmpty(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // Not empty (someone else uses it now) or gone: either way not ours to remove.
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
