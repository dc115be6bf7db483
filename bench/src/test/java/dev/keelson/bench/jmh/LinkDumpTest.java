package dev.keelson.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NlMsg;
import dev.keelson.linux.rtnetlink.Rtnl;
import org.junit.jupiter.api.Test;

class LinkDumpTest {

    @Test
    void encodesOneNewlinkPerLinkThenDone() {
        try (MessageWriter w = new MessageWriter(64)) {
            int len = new LinkDump(3).encode(w);
            NlMsg m = new NlMsg().wrap(w.segment(), 0);
            // 16 nlmsghdr + 16 ifinfomsg + IFNAME "veth0\0" (12) + MTU (8) + ADDRESS (12)
            // + LINKINFO { INFO_KIND "veth\0" (12) } (16)
            assertEquals(80, m.length());
            assertEquals(Rtnl.RTM_NEWLINK, m.type());
            assertEquals(Netlink.NLM_F_MULTI, m.flags());
            long done = 3 * 80;
            assertEquals(Netlink.NLMSG_DONE, m.wrap(w.segment(), done).type());
            assertEquals(done + 20, len);
        }
    }

    @Test
    void decodingTheEncodedDumpFindsEveryLinkAndTheWantedOne() {
        int n = 2500;
        try (MessageWriter w = new MessageWriter(64)) {
            LinkDump dump = new LinkDump(n);
            dump.encode(w);
            // Encoding again into the same writer gives the same dump (it resets first).
            int len = dump.encode(w);
            assertEquals(w.length(), len);
            LinkDump.Decoder d = new LinkDump.Decoder("veth1234", 1000);

            assertEquals(n, d.decode(w));
            assertEquals(n, d.veths);
            assertEquals(1235, d.wantedIndex);
            assertEquals(1500L * n, d.mtuSum);
            assertEquals((long) n * (n + 1) / 2, d.indexSum);
            assertEquals(3, d.kept); // links 0, 1000, 2000
            assertEquals("veth2000", d.lastKept);
        }
    }

    @Test
    void aNameThatIsNotThereIsNotFound() {
        try (MessageWriter w = new MessageWriter(64)) {
            new LinkDump(10).encode(w);
            LinkDump.Decoder d = new LinkDump.Decoder("veth10", 100);
            assertEquals(10, d.decode(w));
            assertEquals(-1, d.wantedIndex);
            assertEquals(1, d.kept);
            assertEquals("veth0", d.lastKept);
            d.decode(w.reset());
            assertNull(d.lastKept);
        }
    }
}
