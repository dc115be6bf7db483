package dev.keelson.linux.netfilter;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.keelson.linux.netlink.MessageWriter;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@code struct nfgenmsg} (linux/netfilter/nfnetlink.h), the family header of every nfnetlink
 * message, and the nfnetlink constants shared by nf_tables and ctnetlink.
 *
 * <pre>
 *  0          1          2                     4
 *  +----------+----------+---------------------+
 *  |nfgen_fam | version  | res_id (big endian) |
 *  +----------+----------+---------------------+
 *  nlmsg_type = subsystem &lt;&lt; 8 | message
 * </pre>
 */
public final class NfGenMsg {
    /** Size of struct nfgenmsg. */
    public static final int SIZE = 4;
    /** NFNETLINK_V0. */
    public static final int VERSION = 0;
    /** NFNL_SUBSYS_CTNETLINK. */
    public static final int SUBSYS_CTNETLINK = 1;
    /** NFNL_SUBSYS_NFTABLES. */
    public static final int SUBSYS_NFTABLES = 10;
    /** NFNL_MSG_BATCH_BEGIN: opens an nf_tables transaction (res_id = the subsystem). */
    public static final int MSG_BATCH_BEGIN = 0x10;
    /** NFNL_MSG_BATCH_END: commits it. */
    public static final int MSG_BATCH_END = 0x11;
    /** NFPROTO_INET (linux/netfilter.h): an {@code inet} table. */
    public static final int NFPROTO_INET = 1;

    private static final ValueLayout.OfShort BE16 = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private NfGenMsg() {
    }

    /** The nlmsg_type of {@code message} in {@code subsystem}. */
    public static int type(int subsystem, int message) {
        return subsystem << 8 | message;
    }

    /** Reserves and fills the header of the message being written. */
    public static void write(MessageWriter w, int family, int resId) {
        long at = w.reserve(SIZE);
        w.segment().set(JAVA_BYTE, at, (byte) family);
        w.segment().set(JAVA_BYTE, at + 1, (byte) VERSION);
        w.segment().set(BE16, at + 2, (short) resId);
    }
}
