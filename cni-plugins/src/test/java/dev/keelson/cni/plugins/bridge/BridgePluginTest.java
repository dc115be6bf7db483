package dev.keelson.cni.plugins.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.plugins.TwinSide;
import dev.keelson.cni.skel.Invocation;
import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keelson's bridge and the reference's (/usr/lib/cni/bridge, both with /usr/lib/cni/host-local as
 * IPAM), each run from its own "host" namespace with its own pod namespace and IPAM data dir:
 * ours in-process on a thread inside the host namespace, the reference through
 * {@code ip netns exec}. Results are compared modulo random names and MACs; kernel state is read
 * back with {@code ip -j -d}.
 */
@KernelTest
class BridgePluginTest {

    private TwinSide ref;
    private TwinSide ours;

    @BeforeEach
    void twins() {
        ref = side("ref", true);
        ours = side("ours", false);
    }

    private static TwinSide side(String tag, boolean reference) {
        return new TwinSide("br", tag, reference, "bridge", "br-net", BridgePlugin::new, BridgePlugin.ABOUT);
    }

    /** The host veths the plugin made. */
    private static List<String> veths(TwinSide s) {
        return TwinSide.linkNames(s.host.name()).stream().filter(n -> n.startsWith("veth")).toList();
    }

    @AfterEach
    void cleanup() {
        ref.close();
        ours.close();
    }

    private static String conf(String fields, String ipamExtra) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"br-net\",\"type\":\"bridge\"" + fields
                + ",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"DATADIR\",\"ranges\":[[{\"subnet\":\"10.22.0.0/24\"" + ipamExtra
                + "}]],\"routes\":[{\"dst\":\"192.168.50.0/24\"}]}}";
    }

    private static final String GW_CONF = conf(",\"bridge\":\"cni0\",\"isGateway\":true,\"isDefaultGateway\":true,\"hairpinMode\":true", "");

    /** A result with random names, MACs and the pod path made comparable. */
    private static String normalised(Invocation r, NetNamespace pod) {
        return r.out().replace(pod.path().toString(), "POD")
                .replaceAll("veth[0-9a-f]{8}", "vethXXXXXXXX")
                .replaceAll("\"mac\": \"[0-9a-f:]{17}\"", "\"mac\": \"MAC\"");
    }

    /** The kernel state ADD leaves, as {@code ip -j -d} shows it, without random parts. */
    private static Map<String, Object> state(TwinSide s, NetNamespace pod) {
        Map<String, Object> m = new TreeMap<>();
        String h = s.host.name();
        Map<String, Object> br = Ip.link(h, "cni0");
        m.put("bridge.kind", Ip.obj(br, "linkinfo").get("info_kind"));
        m.put("bridge.up", Ip.flags(br).contains("UP"));
        m.put("bridge.addrs", TwinSide.addrs(h, "cni0"));
        List<String> veths = veths(s);
        m.put("veths", veths.size());
        if (!veths.isEmpty()) {
            Map<String, Object> v = Ip.link(h, veths.get(0));
            m.put("veth.master", v.get("master"));
            m.put("veth.up", Ip.flags(v).contains("UP"));
            m.put("veth.hairpin", Ip.obj(v, "linkinfo", "info_slave_data").get("hairpin"));
            m.put("veth.mtu", v.get("mtu"));
        }
        Map<String, Object> eth0 = Ip.link(pod.name(), "eth0");
        m.put("eth0.kind", Ip.obj(eth0, "linkinfo").get("info_kind"));
        m.put("eth0.up", Ip.flags(eth0).contains("UP"));
        m.put("eth0.addrs", TwinSide.addrs(pod.name(), "eth0"));
        m.put("pod.routes", TwinSide.routes(pod.name()));
        m.put("ip_forward", dev.keelson.testing.Command.ok("ip", "netns", "exec", h, "cat", "/proc/sys/net/ipv4/ip_forward").strip());
        return m;
    }

    @Test
    void addGivesTheReferenceResultAndKernelState() {
        Invocation r = ref.add(ref.pod(), "c1", GW_CONF);
        Invocation o = ours.add(ours.pod(), "c1", GW_CONF);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(0, o.exit(), o.out() + o.err());
        assertEquals(normalised(r, ref.pod()), normalised(o, ours.pod()));
        Map<String, Object> want = state(ref, ref.pod());
        Map<String, Object> got = state(ours, ours.pod());
        assertEquals(want, got);
        // What both agree on, spelled out so a shared mistake would show.
        assertEquals(List.of("10.22.0.1/24"), got.get("bridge.addrs"));
        assertEquals(List.of("10.22.0.2/24"), got.get("eth0.addrs"));
        assertEquals(Boolean.TRUE, got.get("veth.hairpin"));
        assertEquals("cni0", got.get("veth.master"));
        assertTrue(((List<?>) got.get("pod.routes")).contains("default via 10.22.0.1 dev eth0"), got.toString());
        assertEquals("1", got.get("ip_forward"));
        // The reported MACs and names are the kernel's.
        String hostVeth = o.json().get("interfaces").get(1).get("name").asText();
        assertEquals(veths(ours), List.of(hostVeth));
        assertEquals(Ip.link(ours.pod().name(), "eth0").get("address"), o.json().get("interfaces").get(2).get("mac").asText());
        assertEquals(Ip.link(ours.host.name(), "cni0").get("address"), o.json().get("interfaces").get(0).get("mac").asText());
        assertEquals(ref.allocations(), ours.allocations());
    }

    @Test
    void layer2OnlyWithoutHairpinMatchesTheReference() {
        String l2 = "{\"cniVersion\":\"0.4.0\",\"name\":\"br-net\",\"type\":\"bridge\",\"bridge\":\"br9\",\"mtu\":1400}";
        Invocation r = ref.add(ref.pod(), "c1", l2);
        Invocation o = ours.add(ours.pod(), "c1", l2);
        assertEquals(0, o.exit(), o.out());
        assertEquals(normalised(r, ref.pod()), normalised(o, ours.pod()));
        Map<String, Object> v = Ip.link(ours.host.name(), veths(ours).get(0));
        assertEquals(false, Ip.obj(v, "linkinfo", "info_slave_data").get("hairpin"));
        assertEquals(1400L, Ip.num(v, "mtu"));
        assertEquals(1400L, Ip.num(Ip.link(ours.pod().name(), "eth0"), "mtu"));
        assertTrue(Ip.flags(Ip.link(ours.pod().name(), "eth0")).contains("UP"));
        assertEquals(List.of(), TwinSide.addrs(ours.pod().name(), "eth0"));
    }

    @Test
    void exhaustedIpamLeavesNothingBehind() {
        String one = conf(",\"isGateway\":true", ",\"rangeStart\":\"10.22.0.5\",\"rangeEnd\":\"10.22.0.5\"");
        assertEquals(0, ours.add(ours.pod(), "c1", one).exit());
        assertEquals(0, ref.add(ref.pod(), "c1", one).exit());
        NetNamespace ours2 = ours.newPod();
        NetNamespace ref2 = ref.newPod();
        Invocation r = ref.add(ref2, "c2", one);
        Invocation o = ours.add(ours2, "c2", one);
        assertEquals(1, o.exit());
        assertEquals(r.errorWithoutVersion(), o.errorWithoutVersion());
        assertEquals(1, veths(ours).size(), "only c1's veth may remain: " + veths(ours));
        assertFalse(Ip.exists(ours2.name(), "eth0"));
        assertEquals(List.of("10.22.0.5"), ours.allocations());
        // The reference leaks the failed ADD's veth; ours does not.
        assertEquals(2, veths(ref).size());
    }

    @Test
    void aFailureAfterIpamReleasesTheAddressAndDeletesTheVeth() {
        for (TwinSide s : List.of(ref, ours)) {
            Ip.in(s.host.name(), "link", "add", "cni0", "type", "bridge");
            Ip.in(s.host.name(), "addr", "add", "10.99.0.1/24", "dev", "cni0");
        }
        Invocation r = ref.add(ref.pod(), "c1", GW_CONF);
        Invocation o = ours.add(ours.pod(), "c1", GW_CONF);
        assertEquals(1, o.exit());
        assertEquals(r.errorWithoutVersion(), o.errorWithoutVersion());
        assertEquals("failed to set bridge addr: \"cni0\" already has an IP address different from 10.22.0.1/24",
                o.json().get("msg").asText());
        assertEquals(List.of(), veths(ours));
        assertFalse(Ip.exists(ours.pod().name(), "eth0"));
        assertEquals(List.of(), ours.allocations());
        assertEquals(ref.allocations(), ours.allocations());
        assertEquals(1, veths(ref).size()); // the reference's leak
        // forceAddress replaces the foreign address instead.
        Invocation forced = ours.add(ours.pod(), "c1", GW_CONF.replace("\"isGateway\"", "\"forceAddress\":true,\"isGateway\""));
        assertEquals(0, forced.exit(), forced.out());
        assertEquals(List.of("10.22.0.1/24"), TwinSide.addrs(ours.host.name(), "cni0"));
    }

    @Test
    void delIsIdempotentAndSurvivesAGoneNetns() {
        assertEquals(0, ours.add(ours.pod(), "c1", GW_CONF).exit());
        assertEquals(List.of("10.22.0.2"), ours.allocations());
        String pod = ours.pod().path().toString();
        Invocation d1 = ours.del(pod, "c1", GW_CONF);
        assertEquals(0, d1.exit(), d1.out());
        assertEquals("", d1.out());
        assertFalse(Ip.exists(ours.pod().name(), "eth0"));
        assertEquals(List.of(), veths(ours));
        assertEquals(List.of(), ours.allocations());
        assertEquals(0, ours.del(pod, "c1", GW_CONF).exit());

        NetNamespace p2 = ours.newPod();
        assertEquals(0, ours.add(p2, "c2", GW_CONF).exit());
        assertEquals(1, ours.allocations().size());
        String gone = p2.path().toString();
        p2.delete();
        Invocation r = ref.del(gone, "c2", GW_CONF);
        Invocation o = ours.del(gone, "c2", GW_CONF);
        assertEquals(r.exit(), o.exit());
        assertEquals(0, o.exit(), o.out());
        assertEquals(List.of(), ours.allocations());
        assertEquals(0, ours.del("", "c2", GW_CONF).exit());
        ours.pods.set(ours.pods.indexOf(p2), NetNamespace.create(p2.name())); // for cleanup
    }

    @Test
    void emptyNetnsDelStillReleasesTheAddress() {
        assertEquals(0, ours.add(ours.pod(), "c1", GW_CONF).exit());
        assertEquals(0, ours.del("", "c1", GW_CONF).exit());
        assertEquals(List.of(), ours.allocations());
    }

    @Test
    void aNonBridgeLinkOfTheBridgesNameIsRefusedLikeTheReference() {
        for (TwinSide s : List.of(ref, ours)) {
            Ip.in(s.host.name(), "link", "add", "cni0", "type", "veth", "peer", "name", "cni0p");
        }
        Invocation r = ref.add(ref.pod(), "c1", GW_CONF);
        Invocation o = ours.add(ours.pod(), "c1", GW_CONF);
        assertEquals(1, r.exit());
        assertEquals(r.exit(), o.exit());
        assertEquals(r.errorWithoutVersion(), o.errorWithoutVersion());
        assertEquals("failed to create bridge \"cni0\": \"cni0\" already exists but is not a bridge", o.json().get("msg").asText());
        assertEquals(List.of(), ours.allocations());
    }

    @Test
    void hairpinAndPromiscTogetherAreRefusedLikeTheReference() {
        String both = conf(",\"hairpinMode\":true,\"promiscMode\":true", "");
        Invocation r = ref.add(ref.pod(), "c1", both);
        Invocation o = ours.add(ours.pod(), "c1", both);
        assertEquals(1, o.exit());
        assertEquals(r.errorWithoutVersion(), o.errorWithoutVersion());
    }

    @Test
    void checkPassesAfterAddAndFailsWhenAnAddressIsGone() {
        String conf100 = GW_CONF;
        Invocation o = ours.add(ours.pod(), "c1", conf100);
        String withPrev = conf100.substring(0, conf100.length() - 1) + ",\"prevResult\":" + o.out() + "}";
        Invocation ok = ours.run("CHECK", "c1", ours.pod().path().toString(), withPrev.replace("DATADIR", ours.dataDir.toString()));
        assertEquals(0, ok.exit(), ok.out());
        Ip.in(ours.pod().name(), "addr", "flush", "dev", "eth0");
        Invocation bad = ours.run("CHECK", "c1", ours.pod().path().toString(), withPrev.replace("DATADIR", ours.dataDir.toString()));
        assertEquals(1, bad.exit());
        assertTrue(bad.json().get("msg").asText().contains("10.22.0.2/24"), bad.out());
    }

    @Test
    void addTimeInProcessNextToTheReference() {
        int n = 20;
        long[] oursNs = new long[n];
        long[] refNs = new long[n];
        for (int i = 0; i < n; i++) {
            NetNamespace op = i == 0 ? ours.pod() : ours.newPod();
            NetNamespace rp = i == 0 ? ref.pod() : ref.newPod();
            long t0 = System.nanoTime();
            Invocation o = ours.add(op, "c" + i, GW_CONF);
            oursNs[i] = System.nanoTime() - t0;
            t0 = System.nanoTime();
            Invocation r = ref.add(rp, "c" + i, GW_CONF);
            refNs[i] = System.nanoTime() - t0;
            assertEquals(0, o.exit(), o.out());
            assertEquals(0, r.exit(), r.out());
        }
        assertEquals(n, veths(ours).size());
        java.util.Arrays.sort(oursNs);
        java.util.Arrays.sort(refNs);
        System.out.printf("bridge ADD median of %d: in-process %.2f ms (host-local in-process), reference exec'd %.2f ms%n",
                n, oursNs[n / 2] / 1e6, refNs[n / 2] / 1e6);
        assertNotEquals(0, oursNs[n / 2]);
    }
}
