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
 * Makes the API server, which listens on 127.0.0.1 inside the node's network namespace (where this
 * process runs), reachable on 127.0.0.1 of the caller's namespace at the same port, so kubectl on
 * the host uses the same kubeconfig. The listening socket is created on a thread inside the
 * caller's namespace (a socket belongs to the namespace it was created in, whichever thread uses it
 * later); only that socket is made there — no link, address, route or rule. Bytes are copied as
 * they are (TLS ends at the API server; its certificate names 127.0.0.1).
 */
public final class LoopbackRelay implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final int port;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private LoopbackRelay(ServerSocketChannel listener, int port) {
        this.listener = listener;
        this.port = port;
        this.acceptor = Thread.ofVirtual().name("keelson-relay-accept").start(this::acceptLoop);
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
        return new LoopbackRelay(l, port);
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
            upstream = SocketChannel.open();
            open.add(upstream);
            upstream.connect(new InetSocketAddress("127.0.0.1", port));
            SocketChannel up = upstream;
            Thread back = Thread.ofVirtual().start(() -> copy(up, client));
            copy(client, upstream);
            back.join();
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the API server is not up yet, or went away: the client sees its connection closed
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
