package dev.keelson.cni.plugins.macvlan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * Keelson's macvlan and the reference's (/usr/lib/cni/macvlan, both with host-local as IPAM),
 * each run from its own "host" namespace, whose veth end {@code m0} serves as master (this kernel
 * has no dummy links), with its own pod namespaces and IPAM data dir: ours in-process on a thread
 * inside the host namespace, the reference through {@code ip netns exec}. Results are compared
 * modulo random MACs; kernel state is read back with {@code ip -j -d}.
 */
@KernelTest
class MacvlanPluginTest {

    private TwinSide ref;
    private TwinSide ours;

    @BeforeEach
    void twins() {
        ref = side("ref", true);
        ours = side("ours", false);
    }

    /** A twin side whose host has the veth end {@code m0} up, to serve as master. */
    private static TwinSide side(String tag, boolean reference) {
        TwinSide s = new TwinSide("mv", tag, reference, "macvlan", "mv-net", MacvlanPlugin::new, MacvlanPlugin.ABOUT);
        Ip.in(s.host.name(), "link", "add", "m0", "type", "veth", "peer", "name", "m0p");
        Ip.in(s.host.name(), "link", "set", "m0", "up");
        Ip.in(s.host.name(), "link", "set", "m0p", "up");
        return s;
    }

    /** The names of the pod's links other than lo. */
    private static List<String> podLinks(NetNamespace pod) {
        return TwinSide.linkNames(pod.name()).stream().filter(n -> !n.equals("lo")).toList();
    }

    @AfterEach
    void cleanup() {
        ref.close();
        ours.close();
    }

    private static final String L2 = "{\"cniVersion\":\"1.0.0\",\"name\":\"mv-net\",\"type\":\"macvlan\",\"master\":\"m0\"}";

    private static String l3(String fields, String ipamExtra) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"mv-net\",\"type\":\"macvlan\",\"master\":\"m0\"" + fields
                + ",\"dns\":{\"nameservers\":[\"10.23.0.53\"]}"
                + ",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"DATADIR\",\"ranges\":[[{\"subnet\":\"10.23.0.0/24\"" + ipamExtra
                + "}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"192.168.60.0/24\",\"gw\":\"10.23.0.254\"}]}}";
    }

    private static String withField(String conf, String field) {
        return conf.substring(0, conf.length() - 1) + "," + field + "}";
    }

    private static String normalised(Invocation r, NetNamespace pod) {
        return r.out().replace(pod.path().toString(), "POD").replaceAll("\"mac\": \"[0-9a-f:]{17}\"", "\"mac\": \"MAC\"");
    }

    /** The kernel state of the pod's eth0 as {@code ip -j -d} shows it, without random parts. */
    private static Map<String, Object> state(TwinSide s, NetNamespace pod) {
        Map<String, Object> m = new TreeMap<>();
        Map<String, Object> eth0 = Ip.link(pod.name(), "eth0");
        Map<String, Object> info = Ip.obj(eth0, "linkinfo");
        m.put("kind", info.get("info_kind"));
        m.put("mode", Ip.obj(info, "info_data").get("mode"));
        m.put("flags", Ip.flags(eth0));
        m.put("mtu", eth0.get("mtu"));
        // The lower device is m0 of the side's host namespace.
        m.put("onMaster", Ip.num(eth0, "link_index") == Ip.ifindex(s.host.name(), "m0") && eth0.containsKey("link_netnsid"));
        m.put("addrs", TwinSide.addrs(pod.name(), "eth0"));
        m.put("routes", TwinSide.routes(pod.name()));
        m.put("podLinks", podLinks(pod));
        return m;
    }

    @Test
    void everyModeGivesTheReferenceResultAndKernelState() {
        int i = 0;
        for (String mode : List.of("", "bridge", "private", "vepa", "passthru")) {
            String conf = mode.isEmpty() ? l3("", "") : l3(",\"mode\":\"" + mode + "\"", "");
            NetNamespace rp = ref.newPod();
            NetNamespace op = ours.newPod();
            String id = "c" + i++;
            Invocation r = ref.add(rp, id, conf);
            Invocation o = ours.add(op, id, conf);
            assertEquals(0, r.exit(), r.out());
            assertEquals(0, o.exit(), o.out() + o.err());
            assertEquals(normalised(r, rp), normalised(o, op), mode);
            Map<String, Object> got = state(ours, op);
            assertEquals(state(ref, rp), got, mode);
            assertEquals(mode.isEmpty() ? "bridge" : mode, got.get("mode"));
            assertEquals(true, got.get("onMaster"));
            // host-local goes round-robin: each mode's ADD gets the next address.
            assertEquals(List.of("10.23.0." + (i + 1) + "/24"), got.get("addrs"));
            assertTrue(((List<?>) got.get("routes")).contains("default via 10.23.0.1 dev eth0"), got.toString());
            assertEquals(Ip.link(op.name(), "eth0").get("address"), o.json().get("interfaces").get(0).get("mac").asText());
            assertEquals("1", dev.keelson.testing.Command.ok("ip", "netns", "exec", op.name(), "cat",
                    "/proc/sys/net/ipv4/conf/eth0/arp_notify").strip());
            // Free the master (passthru takes it whole) and the address for the next mode.
            assertEquals(0, ref.del(rp.path().toString(), id, conf).exit());
            Invocation d = ours.del(op.path().toString(), id, conf);
            assertEquals(0, d.exit(), d.out());
            assertEquals(List.of(), podLinks(op));
            assertEquals(List.of(), ours.allocations());
        }
    }

    @Test
    void layer2OnlyMatchesTheReference() {
        String conf = withField(L2, "\"mode\":\"private\",\"mtu\":1400");
        Invocation r = ref.add(ref.pod(), "c1", conf);
        Invocation o = ours.add(ours.pod(), "c1", conf);
        assertEquals(0, o.exit(), o.out());
        assertEquals(normalised(r, ref.pod()), normalised(o, ours.pod()));
        Map<String, Object> got = state(ours, ours.pod());
        assertEquals(state(ref, ref.pod()), got);
        assertEquals(1400L, ((Number) got.get("mtu")).longValue());
        assertEquals(List.of(), got.get("addrs"));
        assertTrue(((List<?>) got.get("flags")).contains("UP"));
        assertFalse(o.json().has("ips"));
    }

    @Test
    void anMtuAboveTheMastersIsRefusedLikeTheReference() {
        for (String mtu : List.of("9000", "-1")) {
            String conf = withField(L2, "\"mtu\":" + mtu);
            Invocation r = ref.add(ref.pod(), "c1", conf);
            Invocation o = ours.add(ours.pod(), "c1", conf);
            assertEquals(1, o.exit());
            assertEquals(r.errorWithoutVersion(), o.errorWithoutVersion());
            assertEquals("invalid MTU " + mtu + ", must be [0, master MTU(1500)]", o.json().get("msg").asText());
            assertEquals(List.of(), podLinks(ours.pod()));
        }
        Ip.in(ours.host.name(), "link", "set", "m0", "mtu", "9000");
        assertEquals(0, ours.add(ours.pod(), "c1", withField(L2, "\"mtu\":9000")).exit());
        assertEquals(9000L, Ip.num(Ip.link(ours.pod().name(), "eth0"), "mtu"));
    }

    @Test
    void aMissingMasterIsRefusedLikeTheReference() {
        String conf = L2.replace("\"m0\"", "\"nope\"");
        Invocation r = ref.add(ref.pod(), "c1", conf);
        Invocation o = ours.add(ours.pod(), "c1", conf);
        assertEquals(1, o.exit());
        assertEquals(r.json().get("code"), o.json().get("code"));
        assertEquals(r.json().get("msg"), o.json().get("msg"));
        assertEquals("master \"nope\" not found in the host namespace", o.json().get("details").asText());
        assertEquals(List.of(), podLinks(ours.pod()));
    }

    @Test
    void withoutMasterTheDefaultRouteInterfaceIsUsedOrTheReferencesErrorGiven() {
        String conf = L2.replace(",\"master\":\"m0\"", "");
        Invocation r = ref.add(ref.pod(), "c1", conf);
        Invocation o = ours.add(ours.pod(), "c1", conf);
        assertEquals(1, o.exit());
        assertEquals(r.json().get("msg"), o.json().get("msg"));
        assertEquals("no default route interface found", o.json().get("msg").asText());
        for (TwinSide s : List.of(ref, ours)) {
            Ip.in(s.host.name(), "addr", "add", "10.77.0.2/24", "dev", "m0");
            Ip.in(s.host.name(), "route", "add", "default", "via", "10.77.0.1");
        }
        r = ref.add(ref.pod(), "c1", conf);
        o = ours.add(ours.pod(), "c1", conf);
        assertEquals(0, o.exit(), o.out());
        assertEquals(normalised(r, ref.pod()), normalised(o, ours.pod()));
        assertEquals(state(ref, ref.pod()), state(ours, ours.pod()));
        assertEquals(true, state(ours, ours.pod()).get("onMaster"));
    }

    @Test
    void theMacComesFromRuntimeConfigThenCniArgsThenTheConfigLikeTheReference() {
        String conf = withField(L2, "\"mac\":\"02:00:00:00:00:01\"");
        String rc = withField(conf, "\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:03\"}");
        String[][] cases = {{conf, ""}, {conf, "MAC=02:00:00:00:00:02"}, {rc, "MAC=02:00:00:00:00:02"}};
        String[] want = {"02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03"};
        for (int i = 0; i < cases.length; i++) {
            NetNamespace rp = ref.newPod();
            NetNamespace op = ours.newPod();
            Invocation r = ref.run("ADD", "c" + i, rp.path().toString(), cases[i][0], cases[i][1]);
            Invocation o = ours.run("ADD", "c" + i, op.path().toString(), cases[i][0], cases[i][1]);
            assertEquals(0, o.exit(), o.out());
            assertEquals(r.out().replace(rp.path().toString(), "P"), o.out().replace(op.path().toString(), "P"));
            assertEquals(want[i], Ip.link(op.name(), "eth0").get("address"));
        }
        Invocation bad = ours.add(ours.pod(), "x", withField(L2, "\"mac\":\"zz\""));
        assertEquals(ref.add(ref.pod(), "x", withField(L2, "\"mac\":\"zz\"")).errorWithoutVersion(), bad.errorWithoutVersion());
        Invocation mode = ours.add(ours.pod(), "x", withField(L2, "\"mode\":\"foo\""));
        assertEquals(ref.add(ref.pod(), "x", withField(L2, "\"mode\":\"foo\"")).errorWithoutVersion(), mode.errorWithoutVersion());
        assertEquals(List.of(), podLinks(ours.pod()));
    }

    @Test
    void aTakenNameIsTheReferencesErrorAndLeavesNothingBehind() {
        for (TwinSide s : List.of(ref, ours)) {
            Ip.in(s.pod().name(), "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
        }
        Invocation r = ref.add(ref.pod(), "c1", l3("", ""));
        Invocation o = ours.add(ours.pod(), "c1", l3("", ""));
        assertEquals(1, o.exit());
        assertEquals(r.errorWithoutVersion(), o.errorWithoutVersion());
        assertEquals(List.of("eth0", "eth0p"), podLinks(ours.pod()).stream().sorted().toList());
        assertEquals(List.of(), ours.allocations());
    }

    @Test
    void exhaustedIpamLeavesNothingBehind() {
        String one = l3("", ",\"rangeStart\":\"10.23.0.5\",\"rangeEnd\":\"10.23.0.5\"");
        assertEquals(0, ours.add(ours.pod(), "c1", one).exit());
        assertEquals(0, ref.add(ref.pod(), "c1", one).exit());
        NetNamespace ours2 = ours.newPod();
        NetNamespace ref2 = ref.newPod();
        Invocation r = ref.add(ref2, "c2", one);
        Invocation o = ours.add(ours2, "c2", one);
        assertEquals(1, o.exit());
        assertEquals(r.errorWithoutVersion(), o.errorWithoutVersion());
        assertEquals(List.of(), podLinks(ours2));
        // The reference leaks the failed ADD's macvlan (its deferred delete misses a shadowed error).
        assertEquals(List.of("eth0"), podLinks(ref2));
        assertEquals(List.of("10.23.0.5"), ours.allocations());
    }

    @Test
    void delIsIdempotentAndSurvivesAGoneNetnsAndAGoneMaster() {
        String conf = l3("", "");
        assertEquals(0, ours.add(ours.pod(), "c1", conf).exit());
        String pod = ours.pod().path().toString();
        Invocation d1 = ours.del(pod, "c1", conf);
        assertEquals(0, d1.exit(), d1.out());
        assertEquals("", d1.out());
        assertEquals(List.of(), podLinks(ours.pod()));
        assertEquals(List.of(), ours.allocations());
        assertEquals(0, ours.del(pod, "c1", conf).exit());
        assertEquals(0, ours.del("", "c1", conf).exit());

        // The netns is gone.
        NetNamespace p2 = ours.newPod();
        assertEquals(0, ours.add(p2, "c2", conf).exit());
        String gone = p2.path().toString();
        p2.delete();
        Invocation o = ours.del(gone, "c2", conf);
        assertEquals(0, o.exit(), o.out());
        assertEquals(List.of(), ours.allocations());
        ours.pods.set(ours.pods.indexOf(p2), NetNamespace.create(p2.name())); // for cleanup

        // The master is gone (and the kernel deleted the macvlan with it).
        for (TwinSide s : List.of(ref, ours)) {
            assertEquals(0, s.add(s.pod(), "c3", conf).exit());
            Ip.in(s.host.name(), "link", "del", "m0");
            assertEquals(List.of(), podLinks(s.pod()));
        }
        Invocation r = ref.del(ref.pod().path().toString(), "c3", conf);
        o = ours.del(ours.pod().path().toString(), "c3", conf);
        assertEquals(0, o.exit(), o.out());
        assertEquals(List.of(), ours.allocations());
        // The reference fails and leaks the address.
        assertEquals(1, r.exit());
        assertEquals("Link not found", r.json().get("msg").asText());
        assertEquals(1, ref.allocations().size());
    }

    @Test
    void linkInContainerTakesTheMasterFromThePod() {
        NetNamespace op = ours.pod();
        Ip.in(op.name(), "link", "add", "inner0", "type", "veth", "peer", "name", "inner0p");
        Ip.in(op.name(), "link", "set", "inner0", "up");
        String conf = L2.replace("\"m0\"", "\"inner0\"").replace("}", ",\"linkInContainer\":true}");
        Invocation o = ours.add(op, "c1", conf);
        assertEquals(0, o.exit(), o.out());
        Map<String, Object> eth0 = Ip.link(op.name(), "eth0");
        assertEquals("inner0", eth0.get("link"), eth0.toString()); // ip names a lower device of the same namespace
        assertFalse(eth0.containsKey("link_netnsid"), eth0.toString());
        // The host's interface of that name is not used; v1.1.1 ignores the field and fails.
        Invocation r = ref.add(ref.pod(), "c1", conf);
        assertEquals(1, r.exit());
        assertEquals("Link not found", r.json().get("msg").asText());
    }

    @Test
    void checkPassesAfterAddAndFailsOnAnotherMode() {
        String conf = l3("", "");
        Invocation o = ours.add(ours.pod(), "c1", conf);
        String withPrev = withField(conf, "\"prevResult\":" + o.out());
        String pod = ours.pod().path().toString();
        Invocation ok = ours.run("CHECK", "c1", pod, withPrev, "");
        assertEquals(0, ok.exit(), ok.out());
        Invocation refOk = ref.run("CHECK", "c1", pod, withPrev.replace("DATADIR", ours.dataDir.toString()), "");
        assertEquals(0, refOk.exit(), refOk.out()); // the reference agrees on our ADD's state
        Invocation bad = ours.run("CHECK", "c1", pod, withPrev.replace("\"master\":\"m0\"", "\"master\":\"m0\",\"mode\":\"vepa\""), "");
        assertEquals(1, bad.exit());
        assertEquals("Container macvlan mode bridge does not match expected value: vepa", bad.json().get("msg").asText());
    }
}
