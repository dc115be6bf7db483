package dev.keelson.cni.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.spec.NetworkConfig.Attachment;
import dev.keelson.linux.nft.KeptContexts;
import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GC of {@link IpMasq} and {@link SpoofCheck} chains by network and valid attachments, the base
 * sent once per kept context (and re-created when someone deleted it), read back with
 * {@code nft list ruleset} in a fresh namespace.
 */
@KernelTest
class NftGcTest {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private final NetNamespace ns = NetNamespace.create("nftgc-" + ProcessHandle.current().pid() % 10000 + "-" + SEQ.incrementAndGet());

    @AfterEach
    void cleanup() throws Exception {
        in(() -> {
            KeptContexts.releaseCurrentNetns();
            return null;
        });
        ns.delete();
        ns.close();
    }

    private <T> T in(dev.keelson.netns.NsCallable<T, Exception> work) throws Exception {
        return ns.run(work);
    }

    private String ruleset() {
        return Command.ok("ip", "netns", "exec", ns.name(), "nft", "list", "ruleset");
    }

    private void nftCli(String... args) {
        String[] argv = new String[args.length + 4];
        argv[0] = "ip";
        argv[1] = "netns";
        argv[2] = "exec";
        argv[3] = ns.name();
        System.arraycopy(args, 0, argv, 4, args.length);
        Command.ok(argv);
    }

    @Test
    void gcRemovesOnlyTheInvalidAttachmentsOfTheNetwork() throws Exception {
        in(() -> {
            IpMasq.setup("net1", "c1", "eth0", List.of("10.1.0.2/24"));
            IpMasq.setup("net1", "c2", "eth0", List.of("10.1.0.3/24", "fd00:1::3/64"));
            IpMasq.setup("net1", "c1", "eth1", List.of("10.1.1.2/24"));
            IpMasq.setup("net2", "c2", "eth0", List.of("10.2.0.3/24"));
            SpoofCheck.setup("net1", "c1", "eth0", "vh1", "0a:58:0a:01:00:02");
            SpoofCheck.setup("net1", "c2", "eth0", "vh2", "0a:58:0a:01:00:03");
            SpoofCheck.setup("net2", "c2", "eth0", "vh3", "0a:58:0a:02:00:03");
            return null;
        });
        List<Attachment> valid = List.of(new Attachment("c1", "eth0"));
        List<String> masq = in(() -> IpMasq.gc("net1", valid));
        List<String> spoof = in(() -> SpoofCheck.gc("net1", valid));
        assertEquals(Set.of(IpMasq.chainOf("net1", "c2", "eth0"), IpMasq.chainOf("net1", "c1", "eth1")), Set.copyOf(masq));
        assertEquals(List.of(SpoofCheck.chainOf("net1", "c2", "eth0")), spoof);

        String rs = ruleset();
        assertTrue(rs.contains("10.1.0.2 : goto " + IpMasq.chainOf("net1", "c1", "eth0")), rs);
        assertTrue(rs.contains("10.2.0.3 : goto " + IpMasq.chainOf("net2", "c2", "eth0")), "other network kept\n" + rs);
        assertTrue(rs.contains("\"vh1\" : goto"), rs);
        assertTrue(rs.contains("\"vh3\" : goto"), "other network kept\n" + rs);
        for (String gone : List.of("10.1.0.3", "fd00:1::3", "10.1.1.2", "\"vh2\"", IpMasq.chainOf("net1", "c2", "eth0"),
                IpMasq.chainOf("net1", "c1", "eth1"), SpoofCheck.chainOf("net1", "c2", "eth0"))) {
            assertFalse(rs.contains(gone), gone + " should be collected\n" + rs);
        }
        assertEquals(List.of(), in(() -> IpMasq.gc("net1", valid)), "a second GC finds nothing");
        assertEquals(List.of(), in(() -> SpoofCheck.gc("net1", valid)));
    }

    @Test
    void gcWithNoValidAttachmentsEmptiesTheNetworkAndToleratesAMissingTable() throws Exception {
        assertEquals(List.of(), in(() -> IpMasq.gc("net1", List.of())), "no table yet");
        assertFalse(ruleset().contains(IpMasq.TABLE), "GC creates nothing when there is nothing");
        in(() -> {
            for (int i = 0; i < 5; i++) {
                IpMasq.setup("net1", "c" + i, "eth0", List.of("10.1.0." + (i + 2) + "/24"));
            }
            return null;
        });
        assertEquals(5, in(() -> IpMasq.gc("net1", List.of())).size());
        String rs = ruleset();
        assertFalse(rs.contains(" k-"), rs);
        assertTrue(rs.contains("ip saddr vmap @pods4"), "the base stays\n" + rs);
    }

    @Test
    void gcLeavesAnAddressTakenOverByAValidAttachmentPointingAtItsOwner() throws Exception {
        in(() -> {
            IpMasq.setup("net1", "old", "eth0", List.of("10.1.0.9/24")); // its DEL never ran
            IpMasq.setup("net1", "new", "eth0", List.of("10.1.0.9/24"));
            return null;
        });
        assertEquals(List.of(IpMasq.chainOf("net1", "old", "eth0")),
                in(() -> IpMasq.gc("net1", List.of(new Attachment("new", "eth0")))));
        assertTrue(ruleset().contains("10.1.0.9 : goto " + IpMasq.chainOf("net1", "new", "eth0")), ruleset());
    }

    @Test
    void addRecreatesTheBaseWhenTheTableWasDeletedBehindOurBack() throws Exception {
        in(() -> {
            IpMasq.setup("net1", "c1", "eth0", List.of("10.1.0.2/24"));
            SpoofCheck.setup("net1", "c1", "eth0", "vh1", "0a:58:0a:01:00:02");
            return null;
        });
        nftCli("nft", "flush", "ruleset");
        assertFalse(ruleset().contains(IpMasq.TABLE));
        in(() -> {
            IpMasq.setup("net1", "c2", "eth0", List.of("10.1.0.3/24"));
            SpoofCheck.setup("net1", "c2", "eth0", "vh2", "0a:58:0a:01:00:03");
            return null;
        });
        String rs = ruleset();
        assertTrue(rs.contains("ip saddr vmap @pods4"), rs);
        assertTrue(rs.contains("iifname vmap @ports"), rs);
        assertTrue(rs.contains("10.1.0.3 : goto " + IpMasq.chainOf("net1", "c2", "eth0")), rs);
        assertTrue(rs.contains("\"vh2\" : goto " + SpoofCheck.chainOf("net1", "c2", "eth0")), rs);
    }

    @Test
    void gcRestoresABaseChainWhoseRulesWereFlushed() throws Exception {
        in(() -> {
            IpMasq.setup("net1", "c1", "eth0", List.of("10.1.0.2/24"));
            return null;
        });
        nftCli("nft", "flush", "chain", "inet", IpMasq.TABLE, "postrouting");
        assertFalse(ruleset().contains("ip saddr vmap @pods4"));
        in(() -> IpMasq.gc("net1", List.of(new Attachment("c1", "eth0"))));
        String rs = ruleset();
        assertTrue(rs.contains("ip saddr vmap @pods4"), rs);
        assertTrue(rs.contains("10.1.0.2 : goto"), rs);
    }

    /**
     * Before: the base re-sent with every ADD (forgotten before each setup); after: the base sent
     * once per kept context. Interleaved, so both see the same number of chains and the same load.
     */
    @Test
    void setupWithoutTheBaseIsFasterThanWithIt() throws Exception {
        long[][] t = in(() -> {
            int n = 160;
            long[] before = new long[n / 2];
            long[] after = new long[n / 2];
            for (int i = 0; i < n; i++) {
                boolean resend = i % 2 == 0;
                if (resend) {
                    KeptContexts.inCurrentNetns(nft -> {
                        IpMasq.CHAINS.forgetBase(nft);
                        return null;
                    });
                }
                List<String> a = List.of("10.30." + (i / 200) + "." + (i % 200 + 2) + "/16");
                long s = System.nanoTime();
                IpMasq.setup("bench", "c" + i, "eth0", a);
                (resend ? before : after)[i / 2] = System.nanoTime() - s;
            }
            return new long[][] {Arrays.copyOfRange(before, 20, n / 2), Arrays.copyOfRange(after, 20, n / 2)};
        });
        long before = IpMasqTest.median(t[0]);
        long after = IpMasqTest.median(t[1]);
        System.out.printf("IpMasq.setup median: base every ADD (before) %.3f ms, base once per context (after) %.3f ms"
                + " (60 each, interleaved, 20-160 chains in the table)%n", before / 1e6, after / 1e6);
        assertTrue(after < before, "sending the base once must be faster: " + after + " vs " + before + " ns");
    }
}
