package dev.keelson.cni.nft;

import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.Command;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Three fresh namespaces wired like a node: {@code pod} (10.22.0.5/24 on eth0) hangs off bridge
 * {@code br0} (10.22.0.1/24) in {@code node} through veth {@code vpod}; {@code node} forwards to
 * {@code out} (192.168.77.2/24) over {@code n-out} (192.168.77.1/24); {@code out} routes
 * 10.22.0.0/24 back through the node, so unmasqueraded traffic is answered too.
 */
@SuppressWarnings("try") // resources held open for the block's duration
public final class Topology implements AutoCloseable {
    public static final String POD_IP = "10.22.0.5";
    public static final String GW = "10.22.0.1";
    public static final String OUT_IP = "192.168.77.2";
    public static final String NODE_OUT_IP = "192.168.77.1";
    private static final AtomicInteger SEQ = new AtomicInteger();

    final String tag = "nt" + ProcessHandle.current().pid() % 10000 + "x" + SEQ.incrementAndGet();
    public final NetNamespace node = NetNamespace.create(tag + "-node");
    public final NetNamespace pod = NetNamespace.create(tag + "-pod");
    public final NetNamespace out = NetNamespace.create(tag + "-out");

    public Topology() {
        String n = node.name();
        String p = pod.name();
        String o = out.name();
        ip("-n", n, "link", "add", "br0", "type", "bridge");
        ip("-n", n, "addr", "add", GW + "/24", "dev", "br0");
        ip("-n", n, "link", "set", "br0", "up");
        ip("-n", n, "link", "add", "vpod", "type", "veth", "peer", "name", "eth0", "netns", p);
        ip("-n", n, "link", "set", "vpod", "master", "br0", "up");
        ip("-n", p, "addr", "add", POD_IP + "/24", "dev", "eth0");
        ip("-n", p, "link", "set", "eth0", "up");
        ip("-n", p, "link", "set", "lo", "up");
        ip("-n", p, "route", "add", "default", "via", GW);
        ip("-n", n, "link", "add", "n-out", "type", "veth", "peer", "name", "eth0", "netns", o);
        ip("-n", n, "addr", "add", NODE_OUT_IP + "/24", "dev", "n-out");
        ip("-n", n, "link", "set", "n-out", "up");
        ip("-n", o, "addr", "add", OUT_IP + "/24", "dev", "eth0");
        ip("-n", o, "link", "set", "eth0", "up");
        ip("-n", o, "route", "add", "10.22.0.0/24", "via", NODE_OUT_IP);
        Command.ok("ip", "netns", "exec", n, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    }

    static void ip(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "ip";
        System.arraycopy(args, 0, argv, 1, args.length);
        Command.ok(argv);
    }

    String podMac() {
        String j = Command.ok("ip", "-n", pod.name(), "-j", "link", "show", "eth0");
        int i = j.indexOf("\"address\":\"") + 11;
        return j.substring(i, i + 17);
    }

    /**
     * Sends one UDP datagram from the pod to {@code dst}:{@code port}, received by a socket in
     * {@code receiver}; returns the source address the receiver saw, or null when nothing arrived.
     */
    String udpSourceSeen(NetNamespace receiver, String dst, int port) throws Exception {
        try (DatagramSocket rx = receiver.run(() -> new DatagramSocket(new InetSocketAddress(port)))) {
            rx.setSoTimeout(1500);
            pod.run(() -> {
                try (DatagramSocket tx = new DatagramSocket()) {
                    byte[] b = "hello".getBytes(StandardCharsets.UTF_8);
                    tx.send(new DatagramPacket(b, b.length, InetAddress.getByName(dst), port));
                }
                return null;
            });
            DatagramPacket got = new DatagramPacket(new byte[64], 64);
            try {
                rx.receive(got);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return got.getAddress().getHostAddress();
        }
    }

    /** {@code nft list ruleset} in the node namespace. */
    public String nodeRuleset() {
        return Command.ok("ip", "netns", "exec", node.name(), "nft", "list", "ruleset");
    }

    @Override
    public void close() throws Exception {
        node.run(() -> {
            dev.keelson.linux.nft.KeptContexts.releaseCurrentNetns();
            return null;
        });
        for (NetNamespace ns : new NetNamespace[] {pod, out, node}) {
            ns.delete();
        }
    }
}
