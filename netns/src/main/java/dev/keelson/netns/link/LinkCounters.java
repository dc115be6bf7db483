package dev.keelson.netns.link;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NlMsg;
import dev.keelson.linux.rtnetlink.IfInfoMsg;
import dev.keelson.linux.rtnetlink.Rtnl;
import dev.keelson.netns.Rtnetlink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * The traffic counters of one link, from the {@code IFLA_STATS64} attribute of an RTM_NEWLINK dump
 * (struct {@code rtnl_link_stats64}, linux/if_link.h). The first eight of its u64 fields, in host
 * byte order:
 * <pre>
 *   0 rx_packets   8 tx_packets  16 rx_bytes   24 tx_bytes
 *  32 rx_errors   40 tx_errors   48 rx_dropped 56 tx_dropped
 * </pre>
 * {@link Links#list()} asks the kernel to skip statistics (they are most of a dump's bytes); this
 * dump asks for them and keeps only the name and the counters.
 *
 * @param name IFLA_IFNAME
 * @param rxPackets packets received
 * @param txPackets packets sent
 * @param rxBytes bytes received
 * @param txBytes bytes sent
 * @param rxErrors receive errors
 * @param txErrors transmit errors
 * @param rxDropped received packets dropped
 * @param txDropped packets dropped on transmit
 */
public record LinkCounters(String name, long rxPackets, long txPackets, long rxBytes, long txBytes, long rxErrors,
                           long txErrors, long rxDropped, long txDropped) {
    private static final int FIELDS = 8;

    public LinkCounters {
        Objects.requireNonNull(name, "name");
    }

    /** The counters of every link of the namespace {@code rtnl} talks to (links without IFLA_STATS64 are left out). */
    public static List<LinkCounters> list(Rtnetlink rtnl) {
        AttrCursor attrs = new AttrCursor();
        return rtnl.dump("RTM_GETLINK", w -> {
            int m = w.begin(Rtnl.RTM_GETLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP);
            w.reserve(IfInfoMsg.SIZE);
            w.end(m);
        }, msg -> decode(msg, attrs));
    }

    private static LinkCounters decode(NlMsg m, AttrCursor attrs) {
        if (m.type() != Rtnl.RTM_NEWLINK || m.length() < Netlink.HEADER_SIZE + IfInfoMsg.SIZE) {
            return null;
        }
        String name = null;
        long[] c = null;
        m.attributes(IfInfoMsg.SIZE, attrs);
        while (attrs.next()) {
            if (attrs.type() == Rtnl.IFLA_IFNAME) {
                name = attrs.string();
            } else if (attrs.type() == Rtnl.IFLA_STATS64 && attrs.payloadLength() >= FIELDS * Long.BYTES) {
                ByteBuffer b = ByteBuffer.wrap(attrs.bytes()).order(ByteOrder.nativeOrder());
                c = new long[FIELDS];
                for (int i = 0; i < FIELDS; i++) {
                    c[i] = b.getLong(i * Long.BYTES);
                }
            }
        }
        return name == null || c == null ? null : new LinkCounters(name, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
    }
}
