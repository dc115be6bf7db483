package dev.keelson.netns.link;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.rtnetlink.LinkAttrs;

/**
 * A VLAN link as read back; its lower device is {@link Link#parentIndex()}.
 *
 * @param id       IFLA_VLAN_ID, 0 to 4094
 * @param protocol IFLA_VLAN_PROTOCOL (a big-endian ethertype on the wire)
 */
public record VlanData(int id, VlanProtocol protocol) implements LinkData {

    static VlanData decode(AttrCursor a) {
        int id = 0;
        VlanProtocol protocol = VlanProtocol.IEEE_802_1Q;
        while (a.next()) {
            switch (a.type()) {
                case LinkAttrs.IFLA_VLAN_ID -> id = a.u16();
                case LinkAttrs.IFLA_VLAN_PROTOCOL -> protocol = VlanProtocol.of(a.u16be());
                default -> { }
            }
        }
        return new VlanData(id, protocol);
    }
}
