package dev.keelson.cli.up;

import dev.keelson.netns.NetNamespace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies TCP connections between the node's network namespace (where this process runs) and the
 * caller's, in either direction, with sockets only (no link, address, route or rule anywhere). A
 * socket belongs to the namespace it was created in, whichever thread uses it later, so the
 * caller's side is created on a thread inside the caller's namespace. Bytes are copied as they are.
 * <ul>
 * <li>{@link #start}: the API server, on 127.0.0.1 here, is reachable on 127.0.0.1 of the caller's
 *     namespace at the same port, so kubectl on the host uses the same kubeconfig (TLS ends at the
 *     API server; its certificate names 127.0.0.1).</li>
 * <li>{@link #toCaller}: a service of the caller's namespace (etcd for {@code keelson up --etcd
 *     URL}), which this namespace has no route to, is reachable on a local port here.</li>
 * </ul>
 */
public final class LoopbackRelay implements AutoCloseable {
    /** Opens the upstream socket of one relayed connection, already connected. */
    @FunctionalInterface
    private interface Upstream {
        SocketChannel connect() throws IOException;
    }

    private final ServerSocketChannel listener;
    private final Upstream dialer;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private LoopbackRelay(ServerSocketChannel listener, Upstream dialer) {
        this.listener = listener;
        this.dialer = dialer;
        this.acceptor = Thread.ofVirtual().name("keelson-relay-accept").start(this::acceptLoop);
    }

    /**
     * Listens on 127.0.0.1 here (a free port: {@link #port()}) and forwards to {@code target} from
     * the caller's namespace.
     */
    public static LoopbackRelay toCaller(NetNamespace caller, InetSocketAddress target) throws IOException {
        ServerSocketChannel l = ServerSocketChannel.open();
        l.bind(new InetSocketAddress("127.0.0.1", 0));
        return new LoopbackRelay(l, () -> {
            SocketChannel c = caller.run(SocketChannel::open);
            try {
                c.connect(target);
            } catch (IOException e) {
                c.close();
                throw e;
            }
            return c;
        });
    }

    /** The port this relay listens on. */
    public int port() {
        try {
            return ((InetSocketAddress) listener.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Listens on 127.0.0.1:{@code port} in {@code caller} and forwards to 127.0.0.1:{@code port} here. */
    public static LoopbackRelay start(NetNamespace caller, int port) throws IOException {
        ServerSocketChannel l = caller.run(ServerSocketChannel::open);
        try {
            l.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            l.close();
            throw new IOException("cannot listen on 127.0.0.1:" + port + " for kubectl: " + e.getMessage()
                    + " (pick another --port)", e);
        }
        return new LoopbackRelay(l, () -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port)));
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            try {
                SocketChannel client = listener.accept();
                open.add(client);
                Thread.ofVirtual().name("keelson-relay").start(() -> serve(client));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!listener.isOpen()) {
                    return;
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        SocketChannel upstream = null;
        try {
            upstream = dialer.connect();
            open.add(upstream);
            SocketChannel up = upstream;
            Thread back = Thread.ofVirtual().start(() -> copy(up, client));
            copy(client, upstream);
            back.join();
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the far side is not up yet, or went away: the client sees its connection closed
        } finally {
            quietClose(client);
            quietClose(upstream);
        }
    }

    /** Copies until end of stream, then half-closes the other side so TLS close_notify and FIN pass through. */
    private void copy(SocketChannel from, SocketChannel to) {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    to.write(buf);
                }
                buf.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            quietClose(from);
            quietClose(to);
        }
    }

    private void quietClose(SocketChannel c) {
        if (c != null) {
            open.remove(c);
            try {
                c.close();
            } catch (IOException ignored) {
                // closing a socket that already failed
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (SocketChannel c : open) {
            quietClose(c);
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
