package dev.keelson.proxy.traffic;

import dev.keelson.netns.NetNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiny servers that answer with who they are and whom they see. A socket belongs to the network
 * namespace it was created in, so each is opened on a thread inside its backend namespace and
 * then served from an ordinary virtual thread (which never calls setns).
 *
 * <p>TCP: on accept, writes {@code "NAME PEER-ADDRESS\n"}, then echoes every line until EOF.
 * UDP: answers each datagram with {@code "NAME PEER-ADDRESS"}.
 */
final class NameServers implements AutoCloseable {
    static final int TCP_PORT = 8080;
    static final int UDP_PORT = 5353;

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Starts a TCP and a UDP server in {@code ns} answering as {@code name}. */
    void start(NetNamespace ns, String name) throws IOException {
        ServerSocketChannel tcp = ns.run(() -> ServerSocketChannel.open().bind(new InetSocketAddress(TCP_PORT), 512));
        DatagramChannel udp = ns.run(() -> DatagramChannel.open().bind(new InetSocketAddress(UDP_PORT)));
        open.add(tcp);
        open.add(udp);
        Thread.ofVirtual().name("tcp-" + name).start(() -> acceptLoop(tcp, name));
        Thread.ofVirtual().name("udp-" + name).start(() -> udpLoop(udp, name));
    }

    private static void acceptLoop(ServerSocketChannel server, String name) {
        try {
            while (true) {
                SocketChannel ch = server.accept();
                Thread.ofVirtual().start(() -> serve(ch, name));
            }
        } catch (ClosedChannelException closed) {
            // close() stops the server
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void serve(SocketChannel ch, String name) {
        try (ch; Socket s = ch.socket()) {
            String peer = ((InetSocketAddress) ch.getRemoteAddress()).getAddress().getHostAddress();
            OutputStream out = s.getOutputStream();
            out.write((name + " " + peer + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // a client that resets is not the server's problem
        }
    }

    private static void udpLoop(DatagramChannel ch, String name) {
        ByteBuffer buf = ByteBuffer.allocate(1500);
        try {
            while (true) {
                buf.clear();
                InetSocketAddress from = (InetSocketAddress) ch.receive(buf);
                byte[] reply = (name + " " + from.getAddress().getHostAddress()).getBytes(StandardCharsets.UTF_8);
                ch.send(ByteBuffer.wrap(reply), from);
            }
        } catch (ClosedChannelException closed) {
            // close() stops the server
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a server socket cannot fail in a way the test cares about
            }
        }
    }
}
