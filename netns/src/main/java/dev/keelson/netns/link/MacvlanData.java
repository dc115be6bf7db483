package dev.keelson.netns.link;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.rtnetlink.LinkAttrs;

/**
 * A macvlan as read back; its lower device is {@link Link#parentIndex()}.
 *
 * @param mode IFLA_MACVLAN_MODE
 */
public record MacvlanData(MacvlanMode mode) implements LinkData {

    static MacvlanData decode(AttrCursor a) {
        MacvlanMode mode = MacvlanMode.VEPA; // the kernel's default when none was given
        if (a.find(LinkAttrs.IFLA_MACVLAN_MODE)) {
            mode = MacvlanMode.of(a.u32());
        }
        return new MacvlanData(mode);
    }
}
