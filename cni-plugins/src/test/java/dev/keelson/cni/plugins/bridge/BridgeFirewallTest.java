package dev.keelson.cni.plugins.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.nft.IpMasq;
import dev.keelson.cni.nft.SpoofCheck;
import dev.keelson.cni.plugins.TwinSide;
import dev.keelson.cni.skel.Invocation;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge's {@code ipMasq} and {@code macspoofchk} end to end, ours (nftables, in-process)
 * against the reference (iptables masquerade, nftables spoof check), each in its own host
 * namespace: ADD installs them, CHECK sees them, and DEL after the pod's namespace is gone
 * removes ours completely — where the reference, which needs the container's addresses to find
 * its masquerade chain, leaves it behind (the leak the issue names).
 */
@KernelTest
class BridgeFirewallTest {
    private static final String CONF = "{\"cniVersion\":\"1.0.0\",\"name\":\"fw-net\",\"type\":\"bridge\",\"bridge\":\"cni0\","
            + "\"isGateway\":true,\"ipMasq\":true,\"macspoofchk\":true,"
            + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"DATADIR\",\"subnet\":\"10.23.0.0/24\"}}";

    private TwinSide ref;
    private TwinSide ours;

    @BeforeEach
    void twins() {
        ref = new TwinSide("fw", "ref", true, "bridge", "fw-net", BridgePlugin::new, BridgePlugin.ABOUT);
        ours = new TwinSide("fw", "ours", false, "bridge", "fw-net", BridgePlugin::new, BridgePlugin.ABOUT);
    }

    @AfterEach
    void cleanup() {
        ref.close();
        ours.close();
    }

    private static String in(TwinSide s, String... argv) {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", s.host.name()));
        cmd.addAll(List.of(argv));
        return Command.ok(cmd.toArray(String[]::new));
    }

    @Test
    void addInstallsBothCheckSeesThemDelWithoutNetnsRemovesOursCompletely() {
        String rulesetBefore = in(ours, "nft", "list", "ruleset");
        for (TwinSide s : List.of(ref, ours)) {
            Invocation add = s.add(s.pod(), "fw-c1", CONF);
            assertEquals(0, add.exit(), add.toString());
        }
        // Ours: one chain per container in each Keelson table, named in nft's own listing.
        String ourRules = in(ours, "nft", "list", "ruleset");
        assertTrue(ourRules.contains("table ip " + IpMasq.TABLE) || ourRules.contains("table inet " + IpMasq.TABLE), ourRules);
        assertTrue(ourRules.contains("table bridge " + SpoofCheck.TABLE), ourRules);
        assertTrue(ourRules.contains("id=fw-c1"), ourRules);
        assertTrue(ourRules.contains("masquerade"), ourRules);
        // The reference: an iptables CNI-… chain in nat, and its own bridge table.
        String refNat = in(ref, "iptables-save", "-t", "nat");
        assertTrue(refNat.contains("-j MASQUERADE") && refNat.contains("fw-c1"), refNat);

        // CHECK with the ADD's result as prevResult passes for ours.
        String prev = ours.add(ours.newPod(), "fw-c2", CONF).out();
        String checkConf = CONF.substring(0, CONF.length() - 1) + ",\"prevResult\":" + prev + "}";
        Invocation check = ours.run("CHECK", "fw-c2", ours.pods.get(1).path().toString(), checkConf);
        assertEquals(0, check.exit(), check.toString());
        // ...and fails once the masquerade is gone behind the plugin's back.
        ours.host.execute(() -> IpMasq.teardown("fw-net", "fw-c2", "eth0"));
        Invocation broken = ours.run("CHECK", "fw-c2", ours.pods.get(1).path().toString(), checkConf);
        assertEquals(1, broken.exit(), broken.toString());
        assertTrue(broken.out().contains("masquerade"), broken.out());
        assertEquals(0, ours.del(ours.pods.get(1).path().toString(), "fw-c2", CONF).exit());

        // The runtime removes the pod's namespace first, then calls DEL.
        for (TwinSide s : List.of(ref, ours)) {
            String gone = s.pod().path().toString();
            s.pod().delete();
            Invocation del = s.del(gone, "fw-c1", CONF);
            assertEquals(0, del.exit(), del.toString());
            assertEquals(List.of(), s.allocations());
            assertEquals(0, s.del(gone, "fw-c1", CONF).exit(), "DEL is idempotent");
        }
        String ourAfter = in(ours, "nft", "list", "ruleset");
        assertFalse(ourAfter.contains("id=fw-c1"), ourAfter);
        assertFalse(ourAfter.contains("id=fw-c2"), ourAfter);
        assertFalse(ourAfter.contains("10.23.0."), ourAfter);
        assertTrue(rulesetBefore.isBlank(), rulesetBefore);
        // Deliberate difference: the reference leaks its masquerade chain when the netns is gone.
        String refAfter = in(ref, "iptables-save", "-t", "nat");
        assertTrue(refAfter.contains("-j MASQUERADE") && refAfter.contains("fw-c1"), "reference v1.1.1 no longer leaks?\n" + refAfter);
    }

    @Test
    void failedAddLeavesNoRules() {
        // The requested address is taken, so IPAM fails after the spoof check was installed.
        Invocation first = ours.run("ADD", "fw-a", ours.pod().path().toString(), CONF, "IgnoreUnknown=1;IP=10.23.0.9");
        assertEquals(0, first.exit(), first.toString());
        String rules = in(ours, "nft", "list", "ruleset");
        Invocation second = ours.run("ADD", "fw-b", ours.newPod().path().toString(), CONF, "IgnoreUnknown=1;IP=10.23.0.9");
        assertEquals(1, second.exit(), second.toString());
        assertEquals(rules, in(ours, "nft", "list", "ruleset"), "the failed ADD's rules were undone");
        assertEquals(List.of("10.23.0.9"), ours.allocations());
    }
}
