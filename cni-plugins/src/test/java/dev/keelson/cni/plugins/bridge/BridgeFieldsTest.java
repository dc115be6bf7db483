package dev.keelson.cni.plugins.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.plugins.TwinSide;
import dev.keelson.cni.skel.Invocation;
import dev.keelson.cni.spec.CniException;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.link.MacAddress;
import dev.keelson.testing.Command;
import dev.keelson.testing.Ip;
import dev.keelson.testing.KernelTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bridge fields beyond the core: the container MAC and its three sources, {@code vlan},
 * {@code enabledad}, {@code portIsolation}, {@code disableContainerInterface}, the stable bridge
 * MAC, and bad input for each. Differential against /usr/lib/cni/bridge v1.1.1 where the reference
 * knows the field; kernel state (read back with {@code ip -j -d}, sysctls, and real pings) where
 * it does not, or where it deliberately differs.
 */
@KernelTest
class BridgeFieldsTest {
    private static final String HEAD = "{\"cniVersion\":\"1.0.0\",\"name\":\"br-net\",\"type\":\"bridge\"";

    private TwinSide ref;
    private TwinSide ours;

    @BeforeEach
    void twins() {
        ref = new TwinSide("bf", "ref", true, "bridge", "br-net", BridgePlugin::new, BridgePlugin.ABOUT);
        ours = new TwinSide("bf", "ours", false, "bridge", "br-net", BridgePlugin::new, BridgePlugin.ABOUT);
    }

    @AfterEach
    void cleanup() {
        ref.close();
        ours.close();
    }

    /** An L2-only config (no IPAM) with extra fields. */
    private static String l2(String fields) {
        return HEAD + fields + "}";
    }

    /** An IPv4 host-local config with extra fields. */
    private static String v4(String fields) {
        return HEAD + fields + ",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"DATADIR\",\"ranges\":[[{\"subnet\":\"10.22.0.0/24\"}]]}}";
    }

    /** An IPv6 host-local config, with a gateway, and extra fields. */
    private static String v6(String fields) {
        return HEAD + ",\"isGateway\":true" + fields
                + ",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"DATADIR\",\"ranges\":[[{\"subnet\":\"fd00:22::/64\"}]]}}";
    }

    private static List<String> veths(TwinSide s) {
        return TwinSide.linkNames(s.host.name()).stream().filter(n -> n.startsWith("veth")).toList();
    }

    private static String mac(String ns, String dev) {
        return (String) Ip.link(ns, dev).get("address");
    }

    private static String sysctl(String ns, String key) {
        return Command.ok("ip", "netns", "exec", ns, "cat", "/proc/sys/" + key).strip();
    }

    // ---- MAC ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "CNI_ARGS only                 | IgnoreUnknown=1;MAC=0a:00:00:00:00:01 | ''                                                                  | 0a:00:00:00:00:01",
        "args.cni.mac over CNI_ARGS    | IgnoreUnknown=1;MAC=0a:00:00:00:00:01 | ,\"args\":{\"cni\":{\"mac\":\"0a:00:00:00:00:02\"}}                 | 0a:00:00:00:00:02",
        "runtimeConfig.mac over both   | IgnoreUnknown=1;MAC=0a:00:00:00:00:01 | ,\"args\":{\"cni\":{\"mac\":\"0a:00:00:00:00:02\"}},\"runtimeConfig\":{\"mac\":\"0a:00:00:00:00:03\"} | 0a:00:00:00:00:03",
        "Cisco dotted form, upper case | ''                    | ,\"runtimeConfig\":{\"mac\":\"0A00.0000.0004\"}                      | 0a:00:00:00:00:04",
    })
    void theContainerMacFollowsTheReferencePrecedence(String name, String cniArgs, String fields, String want) {
        String conf = v4(fields);
        Invocation r = ref.run("ADD", "c1", ref.pod().path().toString(), conf, cniArgs);
        Invocation o = ours.run("ADD", "c1", ours.pod().path().toString(), conf, cniArgs);
        assertEquals(0, r.exit(), r.out());
        assertEquals(0, o.exit(), o.out());
        assertEquals(r.json().get("interfaces").get(2).get("mac").asText(), o.json().get("interfaces").get(2).get("mac").asText());
        assertEquals(want, o.json().get("interfaces").get(2).get("mac").asText());
        assertEquals(want, mac(ours.pod().name(), "eth0"));
        assertEquals(want, mac(ref.pod().name(), "eth0"));
        // CHECK accepts what ADD reported.
        String withPrev = conf.substring(0, conf.length() - 1) + ",\"prevResult\":" + o.out() + "}";
        Invocation check = ours.run("CHECK", "c1", ours.pod().path().toString(), withPrev, cniArgs);
        assertEquals(0, check.exit(), check.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not a MAC in runtimeConfig    | ''      | ,\"runtimeConfig\":{\"mac\":\"zz\"}                       | 7 | runtimeConfig.mac \"zz\" is not a MAC address",
        "multicast in args.cni.mac     | ''      | ,\"args\":{\"cni\":{\"mac\":\"01:00:00:00:00:01\"}}       | 7 | args.cni.mac \"01:00:00:00:00:01\" is a multicast MAC address",
        "all-zero in args.cni.mac      | ''      | ,\"args\":{\"cni\":{\"mac\":\"00:00:00:00:00:00\"}}       | 7 | args.cni.mac \"00:00:00:00:00:00\" is the all-zero MAC address",
        "8 bytes in CNI_ARGS           | IgnoreUnknown=1;MAC=0a:00:00:00:00:00:00:01 | ''                                  | 4 | CNI_ARGS MAC \"0a:00:00:00:00:00:00:01\" is not a MAC address",
        "bad separator in CNI_ARGS     | IgnoreUnknown=1;MAC=0a:00-00:00:00:01 | ''                                        | 4 | CNI_ARGS MAC \"0a:00-00:00:00:01\" is not a MAC address",
    })
    void anUnusableMacIsRefusedBeforeAnythingIsMade(String name, String cniArgs, String fields, int code, String msg) {
        String conf = v4(fields);
        Invocation r = ref.run("ADD", "c1", ref.pod().path().toString(), conf, cniArgs);
        Invocation o = ours.run("ADD", "c1", ours.pod().path().toString(), conf, cniArgs);
        assertEquals(1, r.exit(), "the reference refuses it too: " + r.out());
        assertEquals(1, o.exit(), o.out());
        assertEquals(code, o.json().get("code").asInt());
        assertTrue(o.json().get("msg").asText().startsWith(msg), o.out());
        assertEquals(List.of("lo"), TwinSide.linkNames(ours.host.name()), "not even the bridge is made");
        assertFalse(Ip.exists(ours.pod().name(), "eth0"));
        assertEquals(List.of(), ours.allocations());
    }

    // ---- wrongly typed and out-of-range fields ---------------------------------------------------

    /** Fields v1.1.1 knows: the same error JSON as the reference, byte for byte. */
    @ParameterizedTest
    @ValueSource(strings = {
        ",\"args\":{\"cni\":{\"mac\":5}}",
        ",\"enabledad\":\"yes\"",
        ",\"vlan\":\"100\"",
        ",\"vlan\":1.5",
        ",\"vlan\":5000",
        ",\"vlan\":-1",
    })
    void badlyTypedOrOutOfRangeFieldsGiveTheReferenceError(String fields) {
        String conf = v4(fields);
        Invocation r = ref.add(ref.pod(), "c1", conf);
        Invocation o = ours.add(ours.pod(), "c1", conf);
        assertEquals(1, r.exit(), r.out());
        assertEquals(1, o.exit(), o.out());
        assertEquals(r.errorWithoutVersion(), o.errorWithoutVersion());
        assertEquals(CniException.INTERNAL, o.json().get("code").asInt());
        assertEquals(List.of("lo"), TwinSide.linkNames(ours.host.name()));
        assertEquals(List.of(), ours.allocations());
    }

    /** Fields of later releases, which v1.1.1 ignores: Go's wording as the later reference gives it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ",\"portIsolation\":\"yes\"           | cannot unmarshal string into Go struct field NetConf.portIsolation of type bool",
        ",\"disableContainerInterface\":1     | cannot unmarshal number into Go struct field NetConf.disableContainerInterface of type bool",
        ",\"preserveDefaultVlan\":[]          | cannot unmarshal array into Go struct field NetConf.preserveDefaultVlan of type bool",
    })
    void badlyTypedFieldsOfLaterReleasesAreRefused(String fields, String msg) {
        Invocation o = ours.add(ours.pod(), "c1", v4(fields));
        assertEquals(1, o.exit(), o.out());
        assertEquals(CniException.INTERNAL, o.json().get("code").asInt());
        assertEquals("failed to load netconf: json: " + msg, o.json().get("msg").asText());
    }

    @Test
    void vlanTrunkIsRefusedAsAnUnsupportedFieldByAddOnly() {
        Invocation o = ours.add(ours.pod(), "c1", v4(",\"vlanTrunk\":[{\"id\":101}]"));
        assertEquals(1, o.exit(), o.out());
        assertEquals(CniException.UNSUPPORTED_FIELD, o.json().get("code").asInt());
        assertTrue(o.json().get("msg").asText().startsWith("vlanTrunk is not supported"), o.out());
        assertEquals(List.of("lo"), TwinSide.linkNames(ours.host.name()));
        // DEL after the failed ADD (what a runtime does) must not fail on the field.
        Invocation d = ours.del(ours.pod().path().toString(), "c1", v4(",\"vlanTrunk\":[{\"id\":101}]"));
        assertEquals(0, d.exit(), d.out());
    }

    // ---- vlan -----------------------------------------------------------------------------------

    /** Whether this kernel can filter VLANs on a bridge (this machine's cannot). */
    private boolean kernelFiltersVlans() {
        Command c = Command.run("ip", "-n", ours.host.name(), "link", "add", "probe0", "type", "bridge", "vlan_filtering", "1");
        if (c.exit() == 0) {
            Ip.in(ours.host.name(), "link", "del", "probe0");
        }
        return c.exit() == 0;
    }

    @Test
    void vlanOnANewBridgeFailsCleanlyWithoutKernelSupport() {
        String conf = v4(",\"vlan\":100,\"isGateway\":true");
        if (kernelFiltersVlans()) {
            vlanWorks(conf);
            return;
        }
        Invocation r = ref.add(ref.pod(), "c1", conf);
        Invocation o = ours.add(ours.pod(), "c1", conf);
        assertEquals(1, r.exit());
        assertEquals("failed to create bridge \"cni0\": could not add \"cni0\": operation not supported", r.json().get("msg").asText());
        assertEquals(1, o.exit(), o.out());
        assertEquals(CniException.INTERNAL, o.json().get("code").asInt());
        assertEquals("failed to create bridge \"cni0\": vlan 100 needs bridge VLAN filtering, which this kernel does not"
                + " support (it lacks CONFIG_BRIDGE_VLAN_FILTERING): operation not supported", o.json().get("msg").asText());
        assertEquals(List.of("lo"), TwinSide.linkNames(ours.host.name()));
        assertFalse(Ip.exists(ours.pod().name(), "eth0"));
        assertEquals(List.of(), ours.allocations());
    }

    @Test
    void vlanOnAnExistingBridgeFailsCleanlyWhereTheReferenceLeaksItsVeth() {
        String conf = v4(",\"vlan\":100,\"isGateway\":true");
        if (kernelFiltersVlans()) {
            return; // covered by vlanWorks
        }
        for (TwinSide s : List.of(ref, ours)) {
            Ip.in(s.host.name(), "link", "add", "cni0", "type", "bridge");
        }
        Invocation r = ref.add(ref.pod(), "c1", conf);
        Invocation o = ours.add(ours.pod(), "c1", conf);
        assertEquals(1, r.exit());
        assertTrue(r.json().get("msg").asText().matches("failed to setup vlan tag on interface \"veth[0-9a-f]{8}\": operation not supported"),
                r.out());
        assertEquals(1, veths(ref).size(), "the reference leaks the veth");
        assertEquals(1, o.exit(), o.out());
        assertTrue(o.json().get("msg").asText().contains("CONFIG_BRIDGE_VLAN_FILTERING"), o.out());
        assertEquals(List.of(), veths(ours));
        assertFalse(Ip.exists(ours.pod().name(), "eth0"));
        assertEquals(List.of(), ours.allocations());
        assertEquals(0L, Ip.num(Ip.obj(Ip.link(ours.host.name(), "cni0"), "linkinfo", "info_data"), "vlan_filtering"));
    }

    /** Where the kernel filters VLANs (not on this machine): the port's PVID and the gateway interface. */
    private void vlanWorks(String conf) {
        Invocation o = ours.add(ours.pod(), "c1", conf);
        assertEquals(0, o.exit(), o.out());
        String h = ours.host.name();
        assertEquals(1L, Ip.num(Ip.obj(Ip.link(h, "cni0"), "linkinfo", "info_data"), "vlan_filtering"));
        String port = o.json().get("interfaces").get(1).get("name").asText();
        String vlans = Command.ok("bridge", "-n", h, "-j", "vlan", "show", "dev", port);
        assertTrue(vlans.contains("\"vlan\":100") && vlans.contains("PVID") && vlans.contains("Egress Untagged"), vlans);
        assertEquals("cni0.100", o.json().get("interfaces").get(3).get("name").asText());
        assertEquals(List.of("10.22.0.1/24"), TwinSide.addrs(h, "cni0.100"));
        assertEquals(List.of(), TwinSide.addrs(h, "cni0"));
    }

    // ---- enabledad -------------------------------------------------------------------------------

    /** The container's addresses with their DAD state flags. */
    @SuppressWarnings("unchecked")
    private static List<String> v6Addrs(String ns) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> a : Ip.json(ns, "addr", "show", "dev", "eth0")) {
            for (Map<String, Object> i : (List<Map<String, Object>>) a.get("addr_info")) {
                if ("inet6".equals(i.get("family")) && "global".equals(i.get("scope"))) {
                    out.add(i.get("local") + "/" + i.get("prefixlen") + (Boolean.TRUE.equals(i.get("tentative")) ? " tentative" : "")
                            + (Boolean.TRUE.equals(i.get("dadfailed")) ? " dadfailed" : ""));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "enabledad={0}")
    @ValueSource(booleans = {false, true})
    void enabledadSetsTheReferenceSysctlsAndAddWaitsForDad(boolean dad) {
        String conf = v6(",\"enabledad\":" + dad);
        long t0 = System.nanoTime();
        Invocation o = ours.add(ours.pod(), "c1", conf);
        long oursMs = (System.nanoTime() - t0) / 1_000_000;
        List<String> rightAfter = v6Addrs(ours.pod().name());
        Invocation r = ref.add(ref.pod(), "c1", conf);
        assertEquals(0, r.exit(), r.out());
        assertEquals(0, o.exit(), o.out());
        for (String key : List.of("net/ipv6/conf/eth0/accept_dad", "net/ipv6/conf/eth0/enhanced_dad")) {
            assertEquals(sysctl(ref.pod().name(), key), sysctl(ours.pod().name(), key), key);
        }
        assertEquals(dad ? "1" : "0", sysctl(ours.pod().name(), "net/ipv6/conf/eth0/accept_dad"));
        // ADD returns with a usable address either way: DAD done, or not needed.
        assertEquals(List.of("fd00:22::2/64"), rightAfter);
        assertEquals(v6Addrs(ref.pod().name()), v6Addrs(ours.pod().name()));
        // A DAD round is one solicitation and RetransTimer (1 s): only then may ADD return.
        assertEquals(dad, oursMs >= 900, "ADD took " + oursMs + " ms");
    }

    /**
     * The reference v1.1.1, in the same set-up (tried by hand on this machine), polls for 10 s,
     * ignores the failed DAD and returns success with the address {@code tentative dadfailed}:
     * a container without a usable address. It is not run here to keep the class fast.
     */
    @Test
    void aDuplicateIpv6AddressFailsTheAddAndLeavesNothing() {
        // Another host on the bridge already has the address the container will get.
        String h = ours.host.name();
        String other = ours.pod().name();
        Ip.in(h, "link", "add", "cni0", "type", "bridge");
        Ip.in(h, "link", "set", "cni0", "up");
        Ip.in(h, "link", "add", "dupport", "type", "veth", "peer", "name", "dup", "netns", other);
        Ip.in(h, "link", "set", "dupport", "master", "cni0", "up");
        Command.ok("ip", "netns", "exec", other, "sysctl", "-qw", "net.ipv6.conf.dup.accept_dad=0");
        Ip.in(other, "addr", "add", "fd00:22::2/64", "dev", "dup", "nodad");
        Ip.in(other, "link", "set", "dup", "up");
        NetNamespace pod = ours.newPod();
        long t0 = System.nanoTime();
        Invocation o = ours.add(pod, "c1", v6(",\"enabledad\":true"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, o.exit(), o.out());
        assertEquals("IPv6 address fd00:22::2/64 on \"eth0\" failed duplicate address detection: another node on the"
                + " link uses it", o.json().get("msg").asText());
        assertTrue(ms < 3000, "failed as soon as DAD did, not at a timeout: " + ms + " ms");
        assertFalse(Ip.exists(pod.name(), "eth0"));
        assertEquals(List.of(), ours.allocations());
        assertEquals(List.of("dupport"), TwinSide.linkNames(h).stream()
                .filter(n -> !n.equals("lo") && !n.equals("cni0")).toList());
    }

    // ---- portIsolation ---------------------------------------------------------------------------

    private boolean pings(NetNamespace from, String to) {
        return Command.run("ip", "netns", "exec", from.name(), "ping", "-c1", "-W1", "-q", to).exit() == 0;
    }

    @Test
    void isolatedPortsCannotReachEachOtherButReachOthers() {
        String isolated = v4(",\"portIsolation\":true");
        NetNamespace p1 = ours.pod();
        NetNamespace p2 = ours.newPod();
        NetNamespace p3 = ours.newPod();
        Invocation a = ours.add(p1, "c1", isolated);
        Invocation b = ours.add(p2, "c2", isolated);
        Invocation c = ours.add(p3, "c3", v4(""));
        for (Invocation i : List.of(a, b, c)) {
            assertEquals(0, i.exit(), i.out());
        }
        String h = ours.host.name();
        String portA = a.json().get("interfaces").get(1).get("name").asText();
        String portC = c.json().get("interfaces").get(1).get("name").asText();
        assertEquals(Boolean.TRUE, Ip.obj(Ip.link(h, portA), "linkinfo", "info_slave_data").get("isolated"));
        assertEquals(Boolean.FALSE, Ip.obj(Ip.link(h, portC), "linkinfo", "info_slave_data").get("isolated"));
        assertTrue(pings(p3, "10.22.0.2"), "a non-isolated port reaches an isolated one");
        assertTrue(pings(p1, "10.22.0.4"), "an isolated port reaches a non-isolated one");
        assertFalse(pings(p1, "10.22.0.3"), "two isolated ports must not reach each other");
    }

    // ---- disableContainerInterface ---------------------------------------------------------------

    @Test
    void disableContainerInterfaceLeavesItDownAndRefusesIpam() {
        Invocation o = ours.add(ours.pod(), "c1", l2(",\"disableContainerInterface\":true"));
        assertEquals(0, o.exit(), o.out());
        Map<String, Object> eth0 = Ip.link(ours.pod().name(), "eth0");
        assertFalse(Ip.flags(eth0).contains("UP"), eth0.toString());
        assertEquals("cni0", Ip.link(ours.host.name(), veths(ours).get(0)).get("master"));
        // Without the field the same config brings it up, as the reference does.
        NetNamespace p2 = ours.newPod();
        assertEquals(0, ours.add(p2, "c2", l2("")).exit());
        assertTrue(Ip.flags(Ip.link(p2.name(), "eth0")).contains("UP"));

        NetNamespace p3 = ours.newPod();
        Invocation bad = ours.add(p3, "c3", v4(",\"disableContainerInterface\":true"));
        assertEquals(1, bad.exit());
        assertEquals(CniException.INVALID_NETWORK_CONFIG, bad.json().get("code").asInt());
        assertEquals("cannot use IPAM when DisableContainerInterface flag is set", bad.json().get("msg").asText());
        assertFalse(Ip.exists(p3.name(), "eth0"));
        assertEquals(List.of(), ours.allocations());
    }

    // ---- the bridge's MAC and promiscMode --------------------------------------------------------

    @Test
    void theBridgeKeepsItsMacAsPortsComeAndGoUnlikeTheReference() {
        String conf = l2(",\"promiscMode\":true");
        for (TwinSide s : List.of(ref, ours)) {
            assertEquals(0, s.add(s.pod(), "c1", conf).exit());
        }
        String stable = StableMac.of("cni0").toString();
        assertEquals(stable, mac(ours.host.name(), "cni0"));
        // The reference's bridge took its only port's MAC.
        String refPort1 = veths(ref).get(0);
        assertEquals(mac(ref.host.name(), refPort1), mac(ref.host.name(), "cni0"));

        for (TwinSide s : List.of(ref, ours)) {
            assertEquals(0, s.add(s.newPod(), "c2", conf).exit());
            assertEquals(0, s.del(s.pod().path().toString(), "c1", conf).exit());
        }
        assertEquals(stable, mac(ours.host.name(), "cni0"));
        String refPort2 = veths(ref).get(0);
        assertNotEquals(refPort1, refPort2);
        assertEquals(mac(ref.host.name(), refPort2), mac(ref.host.name(), "cni0"), "the reference's bridge MAC moved");
        // promiscMode: as the reference.
        assertEquals(Ip.num(Ip.link(ref.host.name(), "cni0"), "promiscuity"), Ip.num(Ip.link(ours.host.name(), "cni0"), "promiscuity"));
        assertEquals(1L, Ip.num(Ip.link(ours.host.name(), "cni0"), "promiscuity"));
    }

    @Test
    void theStableMacIsLocalUnicastAndDependsOnHostAndName() {
        MacAddress a = StableMac.derive("machine-a", "cni0");
        assertTrue(a.isLocalUnicast(), a.toString());
        assertEquals(a, StableMac.derive("machine-a", "cni0"));
        assertNotEquals(a, StableMac.derive("machine-b", "cni0"));
        assertNotEquals(a, StableMac.derive("machine-a", "cni1"));
    }
}
