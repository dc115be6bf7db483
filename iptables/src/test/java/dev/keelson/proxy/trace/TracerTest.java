package dev.keelson.proxy.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.proxy.Fixtures;
import dev.keelson.proxy.compile.Compiler;
import dev.keelson.proxy.model.Backend;
import dev.keelson.proxy.model.Protocol;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TracerTest {
    private static final Tracer TRACER = new Tracer(Compiler.compile(Fixtures.snapshot(), Fixtures.NODE));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            pod to ClusterIP spreads over ready endpoints  | 10.244.1.99 | 10.96.0.10 | TCP | 80    | false | DNAT   | 10.244.1.5:8080 10.244.2.6:8080 | false | false
            off-cluster client to ClusterIP is masqueraded | 192.168.1.99| 10.96.0.10 | TCP | 80    | false | DNAT   | 10.244.1.5:8080 10.244.2.6:8080 | true  | false
            pod reaching itself through its service       | 10.244.1.5  | 10.96.0.10 | TCP | 80    | false | DNAT   | 10.244.1.5:8080 10.244.2.6:8080 | false | true
            wrong protocol to a ClusterIP is untouched     | 10.244.1.99 | 10.96.0.10 | UDP | 80    | false | ACCEPT |                                 | false | false
            NodePort on the node IP, Cluster policy       | 198.51.100.9| 192.168.1.10 | TCP | 30080 | false | DNAT | 10.244.1.5:8080 10.244.2.6:8080 | true  | false
            externalIP                                     | 198.51.100.9| 203.0.113.7 | TCP | 80   | false | DNAT   | 10.244.1.5:8080 10.244.2.6:8080 | true  | false
            service without endpoints is rejected          | 10.244.1.99 | 10.96.0.11 | UDP | 53    | false | REJECT |                                 | false | false
            unallocated ClusterIP is dropped               | 10.244.1.99 | 10.96.0.99 | TCP | 80    | false | DROP   |                                 | false | false
            address outside the service CIDR is untouched  | 10.244.1.99 | 8.8.8.8    | TCP | 80    | false | ACCEPT |                                 | false | false
            LB IP from an allowed range, Local policy      | 198.51.100.9| 192.0.2.50 | TCP | 443   | false | DNAT   | 10.244.1.8:8443                 | false | false
            LB IP from outside the source ranges           | 203.0.113.1 | 192.0.2.50 | TCP | 443   | false | DROP   |                                 | false | false
            NodePort with Local policy keeps the source    | 198.51.100.9| 192.168.1.10 | TCP | 30443 | false | DNAT | 10.244.1.8:8443                 | false | false
            NodePort Local from a pod uses all endpoints   | 10.244.1.99 | 192.168.1.10 | TCP | 30443 | false | DNAT | 10.244.1.8:8443 10.244.3.9:8443 | false | false
            NodePort Local from the node is masqueraded    | 192.168.1.10| 192.168.1.10 | TCP | 30443 | true  | DNAT | 10.244.1.8:8443 10.244.3.9:8443 | true  | false
            ClientIP affinity IPv4                         | 10.244.1.99 | 10.96.0.13 | TCP | 6379  | false | DNAT   | 10.244.2.20:6379                | false | false
            ClientIP affinity IPv6                         | fd00:244::99| fd00:96::13 | TCP | 6379 | false | DNAT   | [fd00:244::20]:6379             | false | false
            unallocated IPv6 ClusterIP is dropped          | fd00:244::99| fd00:96::99 | TCP | 6379 | false | DROP   |                                 | false | false
            internal Local policy without local endpoints  | 10.244.1.99 | 10.96.0.14 | TCP | 9000  | false | DROP   |                                 | false | false
            """)
    void tracesPacket(String name, String src, String dst, Protocol proto, int port, boolean fromNode,
                      Trace.Verdict verdict, String endpoints, boolean masq, boolean hairpin) {
        Trace t = TRACER.trace(new Packet(InetAddresses.parse(src), InetAddresses.parse(dst), proto, port, fromNode));
        String eps = t.endpoints().stream().map(Backend::toString).sorted().collect(Collectors.joining(" "));
        assertEquals(verdict, t.verdict(), () -> "path " + t.path());
        assertEquals(endpoints == null ? "" : endpoints, eps, () -> "path " + t.path());
        assertEquals(masq, t.masquerade(), () -> "masquerade, path " + t.path());
        assertEquals(hairpin, t.hairpin(), () -> "hairpin, path " + t.path());
    }

    @Test
    void affinityIsRecordedForBothFamilies() {
        for (String[] c : new String[][]{{"10.244.1.99", "10.96.0.13"}, {"fd00:244::99", "fd00:96::13"}}) {
            Trace t = TRACER.trace(new Packet(InetAddresses.parse(c[0]), InetAddresses.parse(c[1]), Protocol.TCP, 6379, false));
            assertEquals("affinity-record", t.path().getLast(), () -> "path " + t.path());
        }
    }
}
