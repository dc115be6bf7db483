package dev.keelson.cri.stream;

import dev.keelson.netns.NetNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Connects to {@code 127.0.0.1:PORT} inside a pod's network namespace, as the kubelet's port
 * forwarding does. The socket is created on a namespace thread (a socket belongs to the namespace
 * it was created in) and connected from the caller's thread, so no namespace thread waits on the
 * network.
 */
final class PodDialer {
    private final Path netns;

    /** @param netns the pod's namespace pin, or null for a host-network pod */
    PodDialer(Path netns) {
        this.netns = netns;
    }

    SocketChannel dial(int port) throws IOException {
        SocketChannel ch;
        if (netns == null) {
            ch = SocketChannel.open();
        } else {
            try (NetNamespace ns = NetNamespace.open(netns)) {
                ch = ns.run(SocketChannel::open);
            } catch (RuntimeException e) {
                throw new IOException("cannot enter the pod's network namespace " + netns + ": " + e.getMessage(), e);
            }
        }
        try {
            ch.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return ch;
        } catch (IOException e) {
            ch.close();
            throw new IOException("failed to connect to localhost:" + port + " inside the pod's network namespace: "
                    + e.getMessage(), e);
        }
    }
}
