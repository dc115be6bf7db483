package dev.keelson.linux.rtnetlink;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.keelson.linux.netlink.NlMsg;
import java.lang.foreign.MemorySegment;

/**
 * Read-only flyweights over the family headers of the address, route and neighbour messages that
 * rtnetlink notifications carry, with the attribute ids an event decoder needs. Each is pointed at a
 * message with {@code wrap(msg)} and reads fields in place; one instance serves a whole stream.
 * (struct ifinfomsg is {@link IfInfoMsg}.)
 */
public final class EventHeaders {
    // enum ifa attributes (linux/if_addr.h)
    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_LABEL = 3;
    public static final int IFA_FLAGS = 8;

    // enum rtattr_type_t (linux/rtnetlink.h)
    public static final int RTA_DST = 1;
    public static final int RTA_OIF = 4;
    public static final int RTA_GATEWAY = 5;
    public static final int RTA_PRIORITY = 6;
    public static final int RTA_PREFSRC = 7;
    public static final int RTA_TABLE = 15;

    // enum ndattr (linux/neighbour.h)
    public static final int NDA_DST = 1;
    public static final int NDA_LLADDR = 2;

    // enum rt_class_t (linux/rtnetlink.h)
    public static final int RT_TABLE_MAIN = 254;
    public static final int RT_TABLE_LOCAL = 255;

    // IFLA_OPERSTATE values (linux/if.h, RFC 2863)
    public static final int IF_OPER_UNKNOWN = 0;
    public static final int IF_OPER_UP = 6;

    private EventHeaders() {
    }

    /**
     * struct ifaddrmsg (linux/if_addr.h), 8 bytes.
     *
     * <pre>
     *  0        1           2        3        4                 8
     *  +--------+-----------+--------+--------+-----------------+
     *  | family | prefixlen | flags  | scope  |  index (u32)    |
     *  +--------+-----------+--------+--------+-----------------+
     * </pre>
     */
    public static final class IfAddr {
        public static final int SIZE = 8;
        private MemorySegment seg;
        private long off;

        public IfAddr wrap(NlMsg msg) {
            this.seg = msg.segment();
            this.off = msg.payload();
            return this;
        }

        public int family() {
            return u8(seg, off);
        }

        public int prefixLength() {
            return u8(seg, off + 1);
        }

        public int flags() {
            return u8(seg, off + 2);
        }

        public int scope() {
            return u8(seg, off + 3);
        }

        public int index() {
            return seg.get(JAVA_INT_UNALIGNED, off + 4);
        }
    }

    /**
     * struct rtmsg (linux/rtnetlink.h), 12 bytes.
     *
     * <pre>
     *  0        1         2         3      4       5          6       7       8             12
     *  +--------+---------+---------+------+-------+----------+-------+-------+-------------+
     *  | family | dst_len | src_len | tos  | table | protocol | scope | type  | flags (u32) |
     *  +--------+---------+---------+------+-------+----------+-------+-------+-------------+
     * </pre>
     * rtm_table holds only 8 bits; a table id above 255 is in RTA_TABLE (and rtm_table is RT_TABLE_COMPAT).
     */
    public static final class Rt {
        public static final int SIZE = 12;
        private MemorySegment seg;
        private long off;

        public Rt wrap(NlMsg msg) {
            this.seg = msg.segment();
            this.off = msg.payload();
            return this;
        }

        public int family() {
            return u8(seg, off);
        }

        public int dstLength() {
            return u8(seg, off + 1);
        }

        public int srcLength() {
            return u8(seg, off + 2);
        }

        public int tos() {
            return u8(seg, off + 3);
        }

        public int table() {
            return u8(seg, off + 4);
        }

        public int protocol() {
            return u8(seg, off + 5);
        }

        public int scope() {
            return u8(seg, off + 6);
        }

        /** RTN_* (unicast 1, local 2, broadcast 3, anycast 4, multicast 5, blackhole 6, unreachable 7, prohibit 8...). */
        public int type() {
            return u8(seg, off + 7);
        }

        public int flags() {
            return seg.get(JAVA_INT_UNALIGNED, off + 8);
        }
    }

    /**
     * struct ndmsg (linux/neighbour.h), 12 bytes.
     *
     * <pre>
     *  0        1        2            4                 8             10       11       12
     *  +--------+--------+------------+-----------------+-------------+--------+--------+
     *  | family |  pad1  |   pad2     | ifindex (s32)   | state (NUD) | flags  |  type  |
     *  +--------+--------+------------+-----------------+-------------+--------+--------+
     * </pre>
     */
    public static final class Nd {
        public static final int SIZE = 12;
        private MemorySegment seg;
        private long off;

        public Nd wrap(NlMsg msg) {
            this.seg = msg.segment();
            this.off = msg.payload();
            return this;
        }

        public int family() {
            return u8(seg, off);
        }

        public int index() {
            return seg.get(JAVA_INT_UNALIGNED, off + 4);
        }

        /** NUD_* bits (linux/neighbour.h). */
        public int state() {
            return Short.toUnsignedInt(seg.get(JAVA_SHORT_UNALIGNED, off + 8));
        }

        /** NTF_* bits. */
        public int flags() {
            return u8(seg, off + 10);
        }

        public int type() {
            return u8(seg, off + 11);
        }
    }

    private static int u8(MemorySegment seg, long at) {
        return Byte.toUnsignedInt(seg.get(JAVA_BYTE, at));
    }
}
