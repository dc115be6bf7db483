package dev.keelson.bench.jmh;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NlMsg;
import dev.keelson.linux.rtnetlink.IfInfoMsg;
import dev.keelson.linux.rtnetlink.Rtnl;

/**
 * A synthetic RTM_GETLINK dump of {@code n} veth links, as the kernel would answer it: one
 * RTM_NEWLINK per link, then NLMSG_DONE. Each message is
 *
 * <pre>
 *  nlmsghdr (16) | ifinfomsg (16) | IFLA_IFNAME "vethN\0" | IFLA_MTU u32 | IFLA_ADDRESS 6 bytes
 *                | IFLA_LINKINFO { IFLA_INFO_KIND "veth\0" }
 * </pre>
 *
 * The inputs (names, MAC addresses) are made once up front so that encoding measures only the
 * writer; decoding walks the buffer with one set of flyweights.
 */
public final class LinkDump {
    /** Netlink flags the kernel puts on dump parts. */
    private static final int DUMP_PART = Netlink.NLM_F_MULTI;
    private static final int MTU = 1500;
    private static final int IFF = Rtnl.IFF_UP | Rtnl.IFF_BROADCAST | Rtnl.IFF_MULTICAST | Rtnl.IFF_RUNNING | Rtnl.IFF_LOWER_UP;

    private final String[] names;
    private final byte[][] macs;
    private final IfInfoMsg ifi = new IfInfoMsg();

    public LinkDump(int links) {
        if (links < 1 || links > 1 << 24) {
            throw new IllegalArgumentException("links must be within 1..16777216 (three MAC bytes number them), was " + links);
        }
        names = new String[links];
        macs = new byte[links][];
        for (int i = 0; i < links; i++) {
            names[i] = name(i);
            // Locally administered unicast (02:…), unique per link.
            macs[i] = new byte[] {0x02, 0x6b, 0x65, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
        }
    }

    /** The name of link {@code i} (ifindex i + 1). */
    public static String name(int i) {
        return "veth" + i;
    }

    public int links() {
        return names.length;
    }

    /** Writes the whole dump into {@code w} (reset first); returns its length in bytes. */
    public int encode(MessageWriter w) {
        w.reset();
        for (int i = 0; i < names.length; i++) {
            int m = w.begin(Rtnl.RTM_NEWLINK, DUMP_PART);
            long at = w.reserve(IfInfoMsg.SIZE);
            ifi.wrap(w.segment(), at).index(i + 1).flags(IFF);
            w.putString(Rtnl.IFLA_IFNAME, names[i]);
            w.putU32(Rtnl.IFLA_MTU, MTU);
            w.putBytes(Rtnl.IFLA_ADDRESS, macs[i]);
            int li = w.beginNested(Rtnl.IFLA_LINKINFO);
            w.putString(Rtnl.IFLA_INFO_KIND, "veth");
            w.endNested(li);
            w.end(m);
        }
        int done = w.begin(Netlink.NLMSG_DONE, DUMP_PART);
        w.reserve(4); // the NLMSG_DONE payload: an int error code, 0
        w.end(done);
        return w.length();
    }

    /**
     * Walks a dump with one set of flyweights, as a caller looking for one link among many would:
     * it reads every link's index, MTU and kind, compares every name with the one it wants without
     * allocating, and materialises only every {@code keepEvery}-th name as a String.
     */
    public static final class Decoder {
        private final NlMsg msg = new NlMsg();
        private final IfInfoMsg ifi = new IfInfoMsg();
        private final AttrCursor attrs = new AttrCursor();
        private final AttrCursor inner = new AttrCursor();
        private final String wanted;
        private final int keepEvery;

        /** Counters of the last {@link #decode}. */
        public int links;
        public int veths;
        public int wantedIndex;
        public long mtuSum;
        public long indexSum;
        /** The last name kept as a String, so the work cannot be optimised away. */
        public String lastKept;
        public int kept;

        public Decoder(String wanted, int keepEvery) {
            this.wanted = wanted;
            this.keepEvery = keepEvery;
        }

        /** Decodes the messages held in {@code dump} (as received, they would sit in a socket's buffer); returns the number of links. */
        public int decode(MessageWriter dump) {
            var seg = dump.segment();
            long length = dump.length();
            links = veths = kept = 0;
            wantedIndex = -1;
            mtuSum = indexSum = 0;
            lastKept = null;
            long off = 0;
            while (off + Netlink.HEADER_SIZE <= length) {
                msg.wrap(seg, off);
                int len = msg.length();
                if (len < Netlink.HEADER_SIZE || msg.type() == Netlink.NLMSG_DONE) {
                    break;
                }
                if (msg.type() == Rtnl.RTM_NEWLINK) {
                    link();
                }
                off += Netlink.align(len);
            }
            return links;
        }

        private void link() {
            int index = ifi.wrap(msg.segment(), msg.payload()).index();
            indexSum += index;
            msg.attributes(IfInfoMsg.SIZE, attrs);
            while (attrs.next()) {
                switch (attrs.type()) {
                    case Rtnl.IFLA_IFNAME -> {
                        if (attrs.stringEquals(wanted)) {
                            wantedIndex = index;
                        }
                        if (links % keepEvery == 0) {
                            lastKept = attrs.string();
                            kept++;
                        }
                    }
                    case Rtnl.IFLA_MTU -> mtuSum += attrs.u32();
                    case Rtnl.IFLA_LINKINFO -> {
                        attrs.nested(inner);
                        if (inner.find(Rtnl.IFLA_INFO_KIND) && inner.stringEquals("veth")) {
                            veths++;
                        }
                    }
                    default -> {
                    }
                }
            }
            links++;
        }
    }
}
