package dev.keelson.proxy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.proxy.Fixtures;
import dev.keelson.proxy.ipt.IptablesRenderer;
import dev.keelson.proxy.model.Endpoint;
import dev.keelson.proxy.model.EndpointConditions;
import dev.keelson.proxy.model.EndpointSlice;
import dev.keelson.proxy.model.ServiceRef;
import dev.keelson.proxy.model.Snapshot;
import dev.keelson.proxy.nft.NftRenderer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffTest {
    static final ServiceRef WEB = new ServiceRef("default", "web");

    static Snapshot withExtraWebEndpoint(Snapshot s) {
        return dev.keelson.proxy.DiffTestAccess.withExtraWebEndpoint(s);
    }

    @Test
    void oneEndpointChangeTouchesOnlyThatServicesChains() {
        Snapshot s = Fixtures.snapshot();
        CompiledState a = Compiler.compile(s, Fixtures.NODE);
        CompiledState b = Compiler.compile(withExtraWebEndpoint(s), Fixtures.NODE);
        StateDiff d = StateDiff.between(a, b);
        assertEquals(List.of("default/web:http"), d.changed().stream().map(c -> c.after().name().toString()).toList());
        assertTrue(d.added().isEmpty() && d.removed().isEmpty());
        String nft = NftRenderer.incremental(d);
        // web is flat (policy Cluster, 2 endpoints): the change is its endpoint-map elements (ClusterIP,
        // externalIP, NodePort) and one hairpin element; no chain or rule and no other service.
        for (String line : nft.lines().toList()) {
            assertTrue(line.matches("(add|delete) element inet keelson (nodeport-)?endpoints4 \\{ .*")
                            && line.replaceAll("(10\\.96\\.0\\.10|203\\.0\\.113\\.7) \\. tcp \\. 80 \\. \\d+|tcp \\. 30080 \\. \\d+"
                            + "|[ :,{}.]|10\\.244\\.\\d\\.\\d+|8080", "").matches("(add|delete)elementinetkeelson(nodeport-)?endpoints4")
                            || line.equals("add element inet keelson hairpin4 { 10.244.4.4 . 10.244.4.4 }"),
                    () -> "unrelated line in incremental script: " + line + "\n" + nft);
        }
        assertTrue(nft.contains("10.96.0.10 . tcp . 80 . 5 : 10.244.4.4 . 8080"), nft);
        assertTrue(nft.contains("tcp . 30080 . 5 : 10.244.4.4 . 8080"), nft);
        assertTrue(NftRenderer.delta(d).elementsOnly(), nft);
        String ipt = IptablesRenderer.partial(d, b, Family.V4);
        assertFalse(ipt.contains("*filter"), ipt);
        for (String line : ipt.lines().toList()) {
            assertFalse(line.startsWith("-A KUBE-SERVICES") || line.startsWith(":KUBE-SERVICES"), () -> "rewrote KUBE-SERVICES: " + ipt);
            assertFalse(line.contains("shop/lb") || line.contains("sticky"), () -> "touched another service: " + line);
        }
    }

    @Test
    void identicalSnapshotsGiveAnEmptyDiff() {
        CompiledState a = Compiler.compile(Fixtures.snapshot(), Fixtures.NODE);
        CompiledState b = Compiler.compile(Fixtures.snapshot(), Fixtures.NODE);
        StateDiff d = StateDiff.between(a, b);
        assertTrue(d.isEmpty());
        assertEquals("", NftRenderer.incremental(d));
        assertEquals("", IptablesRenderer.partial(d, b, Family.V4));
    }

    @Test
    void removingAServiceDeletesItsChainsAndElements() {
        Snapshot s = Fixtures.snapshot();
        StateDiff d = StateDiff.between(Compiler.compile(s, Fixtures.NODE), Compiler.compile(s.without(WEB), Fixtures.NODE));
        assertEquals(1, d.removed().size());
        String nft = NftRenderer.incremental(d);
        assertTrue(nft.contains("delete element inet keelson endpoints4 { 10.96.0.10 . tcp . 80 . 1, 10.96.0.10 . tcp . 80 . 2, "), nft);
        assertTrue(nft.contains("delete element inet keelson masquerade-nodeports4 { tcp . 30080 }"), nft);
        assertTrue(nft.contains("delete element inet keelson cluster-ips4 { 10.96.0.10 }"), nft);
        String ipt = IptablesRenderer.partial(d, Compiler.compile(s.without(WEB), Fixtures.NODE), Family.V4);
        assertTrue(ipt.contains("-X " + Names.iptService(d.removed().getFirst().name())), ipt);
        assertTrue(ipt.contains("-D KUBE-NODEPORTS -p tcp"), ipt);
    }
}
