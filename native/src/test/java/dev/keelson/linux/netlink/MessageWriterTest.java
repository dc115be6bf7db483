package dev.keelson.linux.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class MessageWriterTest {

    @Test
    void writesHeaderAlignedAttributesAndNesting() {
        try (MessageWriter w = new MessageWriter(64)) {
            int m = w.begin(16, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
            long fam = w.reserve(16);
            w.putString(3, "veth0");          // 4 + 6 -> padded to 12
            int n = w.beginNested(18);
            w.putString(1, "veth");
            w.putU16be(7, 8080);
            w.endNested(n);
            w.putU32(4, 1500);
            w.end(m);

            MemorySegment s = w.segment();
            NlMsg msg = new NlMsg().wrap(s, 0);
            assertEquals(w.length(), msg.length());
            assertEquals(16, msg.type());
            assertEquals(Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, msg.flags());
            assertEquals(Netlink.HEADER_SIZE, fam);
            assertEquals(0, msg.length() % 4);

            AttrCursor a = msg.attributes(16, new AttrCursor());
            assertTrue(a.next());
            assertEquals(3, a.type());
            assertEquals("veth0", a.string());
            assertTrue(a.stringEquals("veth0"));
            assertFalse(a.stringEquals("veth"));
            assertTrue(a.next());
            assertEquals(18, a.type());
            assertTrue(a.isNested());
            AttrCursor in = a.nested(new AttrCursor());
            assertTrue(in.next());
            assertEquals("veth", in.string());
            assertTrue(in.next());
            assertEquals(8080, in.u16be());
            assertFalse(in.next());
            assertTrue(a.next());
            assertEquals(1500, a.u32());
            assertFalse(a.next());
        }
    }

    @Test
    void growsPastItsInitialCapacityKeepingEarlierMessages() {
        try (MessageWriter w = new MessageWriter(32)) {
            for (int i = 0; i < 1000; i++) {
                int m = w.begin(16, Netlink.NLM_F_REQUEST);
                w.putU32(1, i);
                w.end(m);
            }
            NlMsg msg = new NlMsg();
            AttrCursor a = new AttrCursor();
            long off = 0;
            for (int i = 0; i < 1000; i++) {
                msg.wrap(w.segment(), off);
                assertTrue(msg.attributes(0, a).next());
                assertEquals(i, a.u32());
                off = msg.end();
            }
            assertEquals(w.length(), off);
        }
    }

    @Test
    void malformedAttributeLengthEndsIterationInsteadOfOverrunning() {
        try (MessageWriter w = new MessageWriter(64)) {
            w.putU32(1, 7);
            w.putU32(2, 8);
            // corrupt the second attribute's length to run past the end
            w.segment().set(ValueLayout.JAVA_SHORT_UNALIGNED, 8, (short) 400);
            AttrCursor a = new AttrCursor().wrap(w.segment(), 0, w.length());
            assertTrue(a.next());
            assertEquals(7, a.u32());
            assertFalse(a.next());
        }
    }

    @Test
    void nonAsciiStringsAreWrittenAsUtf8() {
        try (MessageWriter w = new MessageWriter()) {
            w.putString(1, "brück-é");
            AttrCursor a = new AttrCursor().wrap(w.segment(), 0, w.length());
            assertTrue(a.next());
            assertEquals("brück-é", a.string());
            assertEquals("brück-é".getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1, a.payloadLength());
            assertTrue(a.stringEquals("brück-é"));
        }
    }

    @Test
    void resetDiscardsEverything() {
        try (MessageWriter w = new MessageWriter()) {
            w.putU64(1, 42L);
            assertEquals(12, w.length());
            assertEquals(0, w.reset().length());
        }
    }
}
