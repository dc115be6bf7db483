package dev.keelson.netns.link;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.rtnetlink.LinkAttrs;

/**
 * An ipvlan as read back; its lower device is {@link Link#parentIndex()}.
 *
 * @param mode IFLA_IPVLAN_MODE (a u16)
 */
public record IpvlanData(IpvlanMode mode) implements LinkData {

    static IpvlanData decode(AttrCursor a) {
        IpvlanMode mode = IpvlanMode.L3; // the kernel's default when none was given
        if (a.find(LinkAttrs.IFLA_IPVLAN_MODE)) {
            mode = IpvlanMode.of(a.u16());
        }
        return new IpvlanData(mode);
    }
}
