package dev.keelson.cni.daemon;

import dev.keelson.cni.daemon.Protocol.Call;
import dev.keelson.cni.daemon.Protocol.Reply;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.GoJson;
import dev.keelson.linux.FileId;
import dev.keelson.netns.NetNamespace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The resident CNI daemon: answers the native client ({@code /opt/cni/bin/<plugin>}) on a
 * root-only Unix socket by running the plugin in-process, so an exec'd CNI call costs a process
 * spawn and the kernel work instead of a JVM start (PLATFORM.md "Start-up").
 *
 * <pre>
 * client ──connect──▶ accept, on one of the pooled platform threads, which serves it itself:
 *   SO_PEERCRED uid 0? ─no──▶ CNI error 999 "... is not root", exit 1
 *   read {@link Protocol} request; plugin known?; /proc/PID/ns/net is the netns the client named?
 *   Skeleton.run(env, stdin) on a thread inside the CLIENT's netns ──▶ reply
 * </pre>
 *
 * Plugins act on their caller's namespace (the bridge plugin makes {@code cni0} there), so each
 * request runs on a thread inside the client's network namespace. Usually that is the daemon's
 * own (runtime and daemon both on the host), and the request runs right on the thread that
 * accepted it — no hand-off at all: the pool's threads never leave the daemon's namespace, and
 * a thread that accepts while no other is waiting in accept first starts one that is. A client
 * in another namespace is served on a namespace thread switched into it. Paths in the request (CNI_NETNS, a host-local data dir) are resolved in the daemon's
 * mount namespace, which must therefore be the runtime's (the host's).
 *
 * <p>Refusals are CNI error JSON with exit 1, like any plugin failure. A non-root peer gets code
 * 999 (generic): there is no permission code in the spec, and 11 ("try again later") would invite
 * a retry that cannot succeed. The directory of the socket is made 0700 and the socket 0600, so a
 * non-root client normally fails at connect already (the client reports that itself); the uid
 * check is the second fence.
 */
public final class CniDaemon implements AutoCloseable {
    /** Where the client looks unless {@code KEELSON_CNI_SOCKET} says otherwise. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/keelson/cni.sock");
    private static final System.Logger LOG = System.getLogger(CniDaemon.class.getName());

    private final Path socket;
    private final ServerSocketChannel server;
    private final UserPrincipal root;
    /** Threads waiting in accept; when the last one takes a connection, it starts another first. */
    private final AtomicInteger accepting = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Platform threads: plugins block in syscalls (netlink, flock) that would pin virtual threads' carriers. */
    private final ExecutorService connections = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("keelson-cni-conn-", 0).daemon(true).factory());
    private static final int SPARE_ACCEPTORS = 2;
    /** The daemon's own network namespace, where its connection threads are. */
    private final FileId home;

    private CniDaemon(Path socket, ServerSocketChannel server, UserPrincipal root) {
        this.socket = socket;
        this.server = server;
        this.root = root;
        try (NetNamespace self = NetNamespace.current()) {
            this.home = self.id();
        }
    }

    /**
     * Binds {@code socket} (creating its directory with mode 0700; the socket gets 0600) and starts
     * accepting. A stale socket file nobody listens on is replaced; a live one is an error.
     */
    public static CniDaemon start(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        removeStale(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            CniDaemon d = new CniDaemon(socket, server, rootPrincipal());
            d.connections.execute(d::acceptLoop);
            return d;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The socket this daemon listens on. */
    public Path socket() {
        return socket;
    }

    /** Blocks until {@link #close()} (from another thread or a shutdown hook). */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Stops accepting and removes the socket file; requests under way finish. */
    @Override
    public void close() {
        try {
            server.close();
            connections.shutdown();
            closed.countDown();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the CNI daemon socket " + socket, e);
        }
    }

    /** A CNI error as the plugins print it. */
    static String errorJson(CniException e) {
        return GoJson.pretty(e.toJson());
    }

    static CniException unknownPlugin(String name) {
        return new CniException(CniException.INTERNAL, "keelson has no CNI plugin \"" + name + "\"",
                "known plugins: " + String.join(", ", Plugins.NAMES));
    }

    @SuppressWarnings("try") // connecting is the probe; the channel itself is not used
    private static void removeStale(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            throw new IOException("a CNI daemon already listens on " + socket);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("a CNI daemon")) {
                throw e;
            }
            Files.delete(socket); // nobody listening: left by a daemon that died
        }
    }

    /** uid 0 as the JDK names it (principals compare by uid); procfs's root is owned by uid 0. */
    private static UserPrincipal rootPrincipal() throws IOException {
        Path proc = Path.of("/proc");
        if (!Integer.valueOf(0).equals(Files.getAttribute(proc, "unix:uid"))) {
            throw new IOException("/proc is not owned by uid 0; cannot tell root callers apart");
        }
        return Files.getOwner(proc);
    }

    /** Accepts and serves; keeps one thread in accept, and leaves when enough others wait there. */
    private void acceptLoop() {
        while (true) {
            SocketChannel ch;
            accepting.incrementAndGet();
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                accepting.decrementAndGet();
                return;
            } catch (IOException e) {
                accepting.decrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "CNI daemon: accept on " + socket + " failed", e);
                continue;
            }
            if (accepting.decrementAndGet() == 0) {
                try {
                    connections.execute(this::acceptLoop); // the next client must not wait for this one
                } catch (RejectedExecutionException e) {
                    // closing
                }
            }
            serve(ch);
            if (accepting.get() >= SPARE_ACCEPTORS) {
                return; // back to the pool's cache
            }
        }
    }

    private void serve(SocketChannel ch) {
        long start = System.nanoTime();
        try (ch) {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            // The request is read even from a refused peer: closing on a client still writing
            // would make it see EPIPE and take the fallback path instead of the refusal.
            Call call;
            try {
                call = Protocol.readCall(Channels.newInputStream(ch));
            } catch (IOException e) {
                Protocol.writeReply(Channels.newOutputStream(ch), error(new CniException(CniException.INTERNAL,
                        "bad request to the keelson CNI daemon: " + e.getMessage())));
                return;
            }
            Reply reply = peer.user().equals(root) ? run(call) : error(new CniException(CniException.INTERNAL,
                    "keelson CNI daemon: caller " + peer.user().getName() + " is not root; CNI plugins must run as root"));
            Protocol.writeReply(Channels.newOutputStream(ch), reply);
            if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                Map<String, String> env = call.env();
                LOG.log(System.Logger.Level.DEBUG, String.format("%s %s %s pid %d → exit %d in %.2f ms", call.plugin(),
                        env.getOrDefault("CNI_COMMAND", "-"), env.getOrDefault("CNI_CONTAINERID", "-"), call.pid(),
                        reply.exitCode(), (System.nanoTime() - start) / 1e6));
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "CNI daemon: connection ended early", e);
        }
    }

    /** Runs the call's plugin on a thread inside the client's network namespace. */
    Reply run(Call call) {
        Plugins.Entry entry = Plugins.find(call.plugin()).orElse(null);
        if (entry == null) {
            return error(unknownPlugin(call.plugin()));
        }
        Path nsPath = Path.of("/proc/" + call.pid() + "/ns/net");
        try (NetNamespace ns = NetNamespace.open(nsPath)) {
            // The pid is the client's claim (the JDK does not expose the peer's pid); the
            // identity check catches a pid from another pid namespace or one already reused.
            if (!ns.id().equals(new FileId(call.netnsDevice(), call.netnsInode()))) {
                return error(new CniException(CniException.INTERNAL, "keelson CNI daemon: " + nsPath
                        + " is not the caller's network namespace (is the caller in another pid namespace?)"));
            }
            if (ns.id().equals(home)) {
                return runHere(entry, call); // no hand-off to a namespace thread
            }
            return ns.run(() -> runHere(entry, call));
        } catch (RuntimeException e) {
            return error(new CniException(CniException.INTERNAL, "keelson CNI daemon: cannot enter the caller's network namespace "
                    + nsPath + ": " + e.getMessage()));
        }
    }

    private static Reply runHere(Plugins.Entry entry, Call call) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = entry.skeleton().run(call.env(), call.stdin(), out, err);
        return new Reply(code, out.toByteArray(), err.toByteArray());
    }

    private static Reply error(CniException e) {
        return new Reply(1, errorJson(e).getBytes(StandardCharsets.UTF_8), new byte[0]);
    }
}
