package dev.keelson.node.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * Sends a query for a name outside the cluster domain to the upstream servers, in order, each
 * with the same timeout, over the transport the client used (a truncated UDP answer goes back
 * truncated so the client retries over TCP, as resolvers expect). Returns null when no upstream
 * answered; the caller then says SERVFAIL.
 */
final class Forwarder {
    private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());
    private final List<InetSocketAddress> upstreams;
    private final int timeoutMillis;

    Forwarder(List<InetSocketAddress> upstreams, Duration timeout) {
        this.upstreams = upstreams;
        this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
    }

    byte[] forward(byte[] query, boolean tcp) {
        for (InetSocketAddress upstream : upstreams) {
            try {
                return tcp ? overTcp(upstream, query) : overUdp(upstream, query);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "upstream {0} failed: {1}", upstream, e.getMessage());
            }
        }
        return null;
    }

    private byte[] overUdp(InetSocketAddress upstream, byte[] query) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(timeoutMillis);
            s.send(new DatagramPacket(query, query.length, upstream));
            byte[] buf = new byte[65535];
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                // Only a reply from that server with the query's ID counts (anything else is noise or spoofing).
                if (p.getLength() >= 2 && p.getSocketAddress().equals(upstream)
                        && buf[0] == query[0] && buf[1] == query[1]) {
                    return java.util.Arrays.copyOf(buf, p.getLength());
                }
                if (System.nanoTime() > deadline) {
                    throw new SocketTimeoutException("no matching reply from " + upstream);
                }
            }
        }
    }

    private byte[] overTcp(InetSocketAddress upstream, byte[] query) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(upstream, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            return reply;
        }
    }
}
