package dev.keelson.proxy.traffic;

import static dev.keelson.proxy.traffic.TrafficServices.DNS_VIP;
import static dev.keelson.proxy.traffic.TrafficServices.EMPTY_VIP;
import static dev.keelson.proxy.traffic.TrafficServices.LOCAL_NODEPORT;
import static dev.keelson.proxy.traffic.TrafficServices.STICKY6_NODEPORT;
import static dev.keelson.proxy.traffic.TrafficServices.STICKY6_VIP;
import static dev.keelson.proxy.traffic.TrafficServices.STICKY_NODEPORT_PORT;
import static dev.keelson.proxy.traffic.TrafficServices.STICKY_VIP;
import static dev.keelson.proxy.traffic.TrafficServices.WEB_NODEPORT;
import static dev.keelson.proxy.traffic.TrafficServices.WEB_VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.proxy.compile.CompiledState;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.traffic.Probe.Answer;
import dev.keelson.proxy.traffic.RuleLoader.Form;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real-kernel tier: the compiled rules, loaded in both forms into a node namespace, carry real
 * TCP and UDP connections from a client namespace (and from the node and the backends
 * themselves) to backend namespaces whose servers answer with their own name and the address
 * they saw the client come from.
 */
@KernelTest
class ServiceTrafficTest {
    private static final int BACKENDS = 3;
    private static final List<Integer> ALL = List.of(1, 2, 3);
    private static final Set<String> ALL_NAMES = Set.of("be1", "be2", "be3");
    private static final AtomicInteger SEQ = new AtomicInteger();

    /** One test's world: the lab, its servers, and the rules loaded into the node. */
    private static final class Rig implements AutoCloseable {
        final Lab lab;
        final NameServers servers = new NameServers();
        final RuleLoader loader;
        CompiledState state;

        Rig(Form form) throws IOException {
            lab = new Lab("tr" + SEQ.incrementAndGet(), BACKENDS);
            RuleLoader l = null;
            try {
                for (int i = 1; i <= BACKENDS; i++) {
                    servers.start(lab.backends.get(i - 1), "be" + i);
                }
                l = form.open(lab.node);
                state = compile(ALL);
                l.full(state);
            } catch (IOException | RuntimeException e) {
                if (l != null) {
                    l.close();
                }
                servers.close();
                lab.close();
                throw e;
            }
            loader = l;
        }

        static CompiledState compile(List<Integer> webBackends) {
            return Compiler.compile(TrafficServices.snapshot(BACKENDS, webBackends), TrafficServices.NODE);
        }

        /** Serves {@code web} and {@code dns} from {@code webBackends} only, through an incremental update. */
        void moveWebTo(List<Integer> webBackends) throws IOException {
            moveTo(compile(webBackends));
        }

        /** Turns ClientIP affinity off for {@code sticky-np} (its timeout stays in use by {@code sticky}). */
        void dropNodePortAffinity() throws IOException {
            moveTo(Compiler.compile(TrafficServices.snapshot(BACKENDS, ALL, null, false), TrafficServices.NODE));
        }

        /** Serves {@code sticky} from {@code stickyBackends} only, through an incremental update. */
        void moveStickyTo(List<Integer> stickyBackends) throws IOException {
            moveTo(Compiler.compile(TrafficServices.snapshot(BACKENDS, ALL, stickyBackends), TrafficServices.NODE));
        }

        private void moveTo(CompiledState next) throws IOException {
            loader.update(state, next);
            state = next;
        }

        /** {@code count} connections from {@code ns} (source {@code src}, or the kernel's choice). */
        List<Answer> connect(NetNamespace ns, InetAddress src, InetSocketAddress dst, int count) throws IOException {
            return ns.run(() -> {
                List<Answer> out = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    out.add(Probe.tcp(src, dst));
                }
                return out;
            });
        }

        @Override
        public void close() {
            loader.close();
            servers.close();
            lab.close();
        }
    }

    private static Set<String> names(List<Answer> answers) {
        Set<String> s = new HashSet<>();
        answers.forEach(a -> s.add(a.name()));
        return s;
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void connectionsSpreadOverEveryEndpoint(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            List<Answer> fromClient = r.connect(r.lab.client, null, WEB_VIP, 200);
            Map<String, Integer> counts = new TreeMap<>();
            fromClient.forEach(a -> counts.merge(a.name(), 1, Integer::sum));
            assertEquals(ALL_NAMES, counts.keySet(), counts::toString);
            // uniform over 3: each gets ~67; 20 is more than 8 standard deviations below
            counts.forEach((name, n) -> assertTrue(n >= 20, () -> "skewed spread " + counts));
            assertEquals(ALL_NAMES, names(r.connect(r.lab.node, null, WEB_VIP, 60)), "from the node itself");
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void clientIpAffinityKeepsEachClientOnOneEndpoint(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            assertEachClientSticks(r, Lab::clientIp, STICKY_VIP);
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void ipv6ClientIpAffinityKeepsEachClientOnOneEndpoint(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            assertEachClientSticks(r, Lab::clientIp6, STICKY6_VIP);
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void nodePortAffinityKeepsEachClientOnOneEndpointInBothFamilies(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            assertEachClientSticks(r, Lab::clientIp, STICKY_NODEPORT_PORT);
            assertEachClientSticks(r, Lab::clientIp6, STICKY6_NODEPORT);
        }
    }

    /**
     * Each of the lab's client addresses makes 12 connections to {@code dst} and reaches one endpoint
     * every time, and not every client the same one.
     */
    private static void assertEachClientSticks(Rig r, java.util.function.IntFunction<InetAddress> client,
                                               InetSocketAddress dst) throws IOException {
        Set<String> chosen = new HashSet<>();
        for (int c = 0; c < Lab.CLIENT_ADDRESSES; c++) {
            InetAddress src = client.apply(c);
            Set<String> seen = names(r.connect(r.lab.client, src, dst, 12));
            assertEquals(1, seen.size(), () -> src + " was sent to " + seen + " through " + dst);
            chosen.addAll(seen);
        }
        // 8 clients all on one of 3 endpoints by chance: p = 3 * 3^-8 (about 1 in 2,000)
        assertTrue(chosen.size() >= 2, () -> "every client went to " + chosen + " through " + dst);
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void affinityMovesAClientWhoseEndpointLeftAndKeepsTheOthers(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            assertAffinityFollowsARemovedEndpoint(r, STICKY_VIP);
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void nodePortAffinityMovesAClientWhoseEndpointLeftAndKeepsTheOthers(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            assertAffinityFollowsARemovedEndpoint(r, STICKY_NODEPORT_PORT);
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void aNodePortWhoseAffinityIsTurnedOffSpreadsAtOnce(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            InetAddress src = Lab.clientIp(0);
            assertEquals(1, names(r.connect(r.lab.client, src, STICKY_NODEPORT_PORT, 6)).size());
            r.dropNodePortAffinity();
            // Nothing may record this client again: 30 connections over 3 endpoints all on one is p = 3^-29.
            Set<String> after = names(r.connect(r.lab.client, src, STICKY_NODEPORT_PORT, 30));
            assertTrue(after.size() >= 2, () -> src + " still sticks to " + after);
        }
    }

    /**
     * Four clients stick to their endpoints through {@code dst}; the first one's endpoint is then
     * removed (incrementally): that client moves, the others keep theirs.
     */
    private static void assertAffinityFollowsARemovedEndpoint(Rig r, InetSocketAddress dst) throws IOException {
        Map<InetAddress, String> was = new java.util.HashMap<>();
        for (int c = 0; c < 4; c++) {
            InetAddress src = Lab.clientIp(c);
            Set<String> seen = names(r.connect(r.lab.client, src, dst, 4));
            assertEquals(1, seen.size(), () -> src + " was sent to " + seen);
            was.put(src, seen.iterator().next());
        }
        String gone = was.get(Lab.clientIp(0));
        List<Integer> rest = ALL.stream().filter(i -> !gone.equals("be" + i)).toList();
        r.moveStickyTo(rest);
        for (Map.Entry<InetAddress, String> e : was.entrySet()) {
            Set<String> now = names(r.connect(r.lab.client, e.getKey(), dst, 6));
            assertEquals(1, now.size(), () -> e.getKey() + " was sent to " + now);
            if (e.getValue().equals(gone)) {
                assertNotEquals(gone, now.iterator().next(), "the affinity entry of a removed endpoint must go");
            } else {
                assertEquals(e.getValue(), now.iterator().next(), "other clients keep their endpoint");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void nodePortReachesEveryEndpointWithTheSourceMasqueraded(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            List<Answer> answers = r.connect(r.lab.client, null, WEB_NODEPORT, 60);
            assertEquals(ALL_NAMES, names(answers));
            for (Answer a : answers) {
                int i = a.name().charAt(2) - '0';
                assertEquals(Lab.nodeSideOf(i).getHostAddress(), a.peer(), () -> "policy Cluster masquerades: " + a);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void serviceWithoutEndpointsRefusesAtOnce(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            long t0 = System.nanoTime();
            assertThrows(ConnectException.class, () -> r.lab.client.run(() -> Probe.tcp(null, EMPTY_VIP)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, () -> "refused only after " + ms + " ms (a drop, not a reject?)");
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void anUnallocatedClusterIpIsDroppedWhileAServiceWithoutEndpointsIsRejected(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            // From the node: its default route would carry the datagram off to the client; a drop in
            // filter output makes send() itself fail with EPERM (a TCP SYN would only be retried).
            InetSocketAddress unallocated = new InetSocketAddress(InetAddresses.parse("10.96.0.99"), 53);
            SocketException e = assertThrows(SocketException.class, () -> r.lab.node.run(() -> send(unallocated)));
            assertTrue(String.valueOf(e.getMessage()).contains("not permitted"), () -> "not dropped locally: " + e);
            r.lab.node.run(() -> send(DNS_VIP)); // an allocated port: DNATed, sent
            assertThrows(ConnectException.class, () -> r.lab.node.run(() -> Probe.tcp(null, EMPTY_VIP)),
                    "an allocated ClusterIP without endpoints is rejected, not dropped");
        }
    }

    private static Void send(InetSocketAddress dst) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(new byte[]{1}, 1, dst));
        }
        return null;
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void hairpinReachesItselfMasqueradedToTheNode(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            List<Answer> answers = r.connect(r.lab.backends.get(0), null, WEB_VIP, 60);
            assertEquals(ALL_NAMES, names(answers));
            for (Answer a : answers) {
                // to itself: masqueraded to the node's address on its link, else the reply would
                // go straight back inside be1 and never be un-DNATed; to others: pod source kept
                String expected = a.name().equals("be1") ? Lab.nodeSideOf(1).getHostAddress()
                        : Lab.backendIp(1).getHostAddress();
                assertEquals(expected, a.peer(), a::toString);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void localPolicyNodePortUsesLocalEndpointsAndKeepsTheClientSource(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            for (Answer a : r.connect(r.lab.client, null, LOCAL_NODEPORT, 40)) {
                assertEquals(new Answer("be1", Lab.clientIp(0).getHostAddress()), a);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void establishedConnectionSurvivesRemovalOfItsEndpoint(Form form) throws IOException {
        try (Rig r = new Rig(form);
             Probe.Conn conn = r.lab.client.run(() -> Probe.Conn.open(null, WEB_VIP))) {
            assertEquals("before", conn.echo("before"));
            String gone = conn.greeting.name();
            List<Integer> rest = new ArrayList<>(ALL);
            rest.remove(Integer.valueOf(gone.charAt(2) - '0'));
            r.moveWebTo(rest);
            assertEquals("after", conn.echo("after"), "the established connection still reaches " + gone);
            Set<String> fresh = names(r.connect(r.lab.client, null, WEB_VIP, 60));
            Set<String> expected = new HashSet<>(ALL_NAMES);
            expected.remove(gone);
            assertEquals(expected, fresh, "new connections go only to the remaining endpoints");
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void staleUdpFlowMovesOnlyOnceItsConntrackEntryIsDeleted(Form form) throws IOException {
        try (Rig r = new Rig(form)) {
            InetSocketAddress src = new InetSocketAddress(Lab.clientIp(0), 40053);
            Answer first = r.lab.client.run(() -> Probe.udp(src, DNS_VIP));
            assertEquals(first, r.lab.client.run(() -> Probe.udp(src, DNS_VIP)), "one flow, one endpoint");
            int gone = first.name().charAt(2) - '0';
            List<Integer> rest = new ArrayList<>(ALL);
            rest.remove(Integer.valueOf(gone));
            r.moveWebTo(rest);
            // The rules no longer name the endpoint, but the flow's conntrack entry still does:
            // this is why a proxy must delete UDP entries when endpoints go away.
            assertEquals(first.name(), r.lab.client.run(() -> Probe.udp(src, DNS_VIP)).name());
            // TODO: switch to dev.keelson.proxy.conntrack.Conntrack (ctnetlink) once it is on this branch.
            Command del = Command.run("ip", "netns", "exec", r.lab.node.name(), "conntrack", "-D", "-p", "udp",
                    "--orig-dst", DNS_VIP.getAddress().getHostAddress(), "--reply-src", Lab.backendIp(gone).getHostAddress());
            assertEquals(0, del.exit(), del::err);
            Answer after = r.lab.client.run(() -> Probe.udp(src, DNS_VIP));
            assertNotEquals(first.name(), after.name(), "the flow is re-balanced once its entry is gone");
            assertFalse(after.name().isEmpty());
        }
    }
}
