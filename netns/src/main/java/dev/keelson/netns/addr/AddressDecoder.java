package dev.keelson.netns.addr;

import dev.keelson.linux.Flags;
import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NlMsg;
import dev.keelson.linux.rtnetlink.IfAddrMsg;
import dev.keelson.linux.rtnetlink.IfaCacheInfo;
import dev.keelson.linux.rtnetlink.RouteAttrs;
import java.net.InetAddress;

/**
 * Reads an RTM_NEWADDR or RTM_DELADDR message (a dump entry or a notification) into an
 * {@link Address}: the one decoder behind {@link Addresses#list} and the address events of
 * {@code dev.keelson.netns.event}. The flyweights are reused, so one decoder serves one thread at a
 * time.
 */
public final class AddressDecoder {
    private final IfAddrMsg hdr = new IfAddrMsg();
    private final AttrCursor attrs = new AttrCursor();
    private final IfaCacheInfo ci = new IfaCacheInfo();

    /** The IPv4 or IPv6 address in {@code m}, or null for another message. */
    public Address decode(NlMsg m) {
        return decode(m, 0, RouteAttrs.AF_UNSPEC);
    }

    /**
     * As {@link #decode(NlMsg)}, and null too unless on interface {@code ifindex} (0: any) and of
     * {@code family} (AF_UNSPEC: either); decided from the header, before anything is allocated.
     */
    Address decode(NlMsg m, int ifindex, int family) {
        if ((m.type() != RouteAttrs.RTM_NEWADDR && m.type() != RouteAttrs.RTM_DELADDR)
                || m.length() < Netlink.HEADER_SIZE + IfAddrMsg.SIZE) {
            return null;
        }
        hdr.wrap(m.segment(), m.payload());
        if ((ifindex != 0 && hdr.index() != ifindex) || (family != RouteAttrs.AF_UNSPEC && hdr.family() != family)
                || (hdr.family() != Flags.AF_INET && hdr.family() != Flags.AF_INET6)) {
            return null;
        }
        InetAddress local = null;
        InetAddress address = null;
        InetAddress broadcast = null;
        String label = null;
        int flags = hdr.flags();
        long valid = Address.FOREVER;
        long preferred = Address.FOREVER;
        m.attributes(IfAddrMsg.SIZE, attrs);
        while (attrs.next()) {
            switch (attrs.type()) {
                case RouteAttrs.IFA_LOCAL -> local = InetAddresses.read(attrs);
                case RouteAttrs.IFA_ADDRESS -> address = InetAddresses.read(attrs);
                case RouteAttrs.IFA_BROADCAST -> broadcast = InetAddresses.read(attrs);
                case RouteAttrs.IFA_LABEL -> label = attrs.string();
                case RouteAttrs.IFA_FLAGS -> flags = attrs.u32();
                case RouteAttrs.IFA_CACHEINFO -> {
                    if (attrs.payloadLength() >= IfaCacheInfo.SIZE) {
                        ci.wrap(attrs.segment(), attrs.payloadOffset());
                        preferred = Integer.toUnsignedLong(ci.preferred());
                        valid = Integer.toUnsignedLong(ci.valid());
                    }
                }
                default -> { }
            }
        }
        // IPv4 always sends IFA_LOCAL; IPv6 sends it only for a point-to-point address (linux/if_addr.h)
        InetAddress mine = local != null ? local : address;
        if (mine == null) {
            return null;
        }
        InetAddress peer = local != null && address != null && !address.equals(local) ? address : null;
        return new Address(hdr.index(), new IpPrefix(mine, hdr.prefixLength()), peer, broadcast, hdr.scope(),
                label, flags, valid, preferred);
    }
}
