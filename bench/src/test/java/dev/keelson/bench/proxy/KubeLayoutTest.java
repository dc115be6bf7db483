package dev.keelson.bench.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference layouts have kube-proxy's shape: what makes them slow is there on purpose. */
class KubeLayoutTest {
    private static long count(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).count();
    }

    @Test
    void workloadPutsRealEndpointsOnFirstAndLastServiceOnly() {
        Workload w = Workload.of(10);
        assertEquals(Workload.REAL_ENDPOINTS, w.first().endpoints());
        assertEquals(Workload.REAL_ENDPOINTS, w.last().endpoints());
        assertTrue(w.services().get(5).endpoints().stream().noneMatch(Workload.REAL_ENDPOINTS::contains));
        assertEquals(10, w.snapshot().services().size());
        assertEquals(List.of(30_000), w.services().stream().filter(s -> s.nodePort() != 0).map(Workload.Svc::nodePort).toList(),
                "one in ten is a NodePort service");
        Workload.Svc extra = w.withOneMoreNodePortService().last();
        assertEquals(30_001, extra.nodePort(), "an added NodePort service gets a free node port");
        assertEquals(0, w.withOneMoreService().last().nodePort());
    }

    @Test
    void nodePortsHaveKubeProxysExternalChains() {
        Workload w = Workload.of(20);
        String nft = KubeNftLayout.full(w);
        assertEquals(2, count(nft, "add element ip kube-proxy service-nodeports { tcp . 3000"));
        assertEquals(2, nft.lines().filter(l -> l.startsWith("add rule ip kube-proxy external-") && l.contains(" goto service-")).count(),
                "external chains go to their service chain");
        String ipt = KubeIptablesLayout.full(w);
        assertEquals(2, count(ipt, "-A KUBE-NODEPORTS"));
        assertEquals(2, count(ipt, ":KUBE-EXT-"));
    }

    @Test
    void removingAServiceDeletesItsElementsAndChains() {
        Workload w = Workload.of(20);
        Workload more = w.withOneMoreNodePortService();
        String nft = KubeNftLayout.changed(more, w);
        assertEquals(2, count(nft, "delete element"), "service-ips and service-nodeports");
        assertEquals(7, count(nft, "delete chain"), "external, service and 5 endpoint chains");
        String ipt = KubeIptablesLayout.partial(more, w);
        assertEquals(7, count(ipt, "-X KUBE-"));
        assertEquals(2, count(ipt, "-A KUBE-NODEPORTS"), "KUBE-NODEPORTS is rewritten without the removed port");
    }

    @Test
    void nftFullHasOneAnonymousNumgenMapPerService() {
        String full = KubeNftLayout.full(Workload.of(7));
        assertEquals(7, count(full, "numgen random mod 5 vmap {"));
        assertEquals(35, count(full, "dnat to 10."));
        assertEquals(7, count(full, "add element ip kube-proxy service-ips"));
    }

    @Test
    void nftChangeTouchesOnlyTheChangedService() {
        Workload w = Workload.of(7);
        String moved = KubeNftLayout.changed(w, w.withOneEndpointMoved());
        assertEquals(1, count(moved, "flush chain"));
        assertEquals(1, count(moved, "delete chain"));
        assertEquals(1, count(moved, "numgen"));
        String added = KubeNftLayout.changed(w, w.withOneMoreService());
        assertEquals(1, count(added, "add element"));
        assertFalse(added.contains("flush"));
    }

    @Test
    void iptablesPartialRewritesAllOfKubeServicesButOnlyTheChangedChains() {
        Workload w = Workload.of(9);
        String full = KubeIptablesLayout.full(w);
        String partial = KubeIptablesLayout.partial(w, w.withOneEndpointMoved());
        assertEquals(10, count(partial, "-A KUBE-SERVICES"), "every service's rule plus the node-port jump");
        assertEquals(1, count(partial, ":KUBE-SVC-"));
        assertEquals(5 + 1, count(partial, ":KUBE-SEP-"), "the changed service's 5 SEPs and the stale one");
        assertEquals(1, count(partial, "-X KUBE-SEP-"));
        assertEquals(9 * 5, count(full, ":KUBE-SEP-"));
        assertEquals(List.of(), partial.lines().filter(l -> l.startsWith("-A PREROUTING")).toList());
    }
}
