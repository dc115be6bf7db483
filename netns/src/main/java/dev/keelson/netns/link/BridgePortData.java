package dev.keelson.netns.link;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.rtnetlink.LinkAttrs;

/**
 * The bridge-port side of a link enslaved to a bridge, as read back from
 * IFLA_LINKINFO { IFLA_INFO_SLAVE_KIND "bridge", IFLA_INFO_SLAVE_DATA { IFLA_BRPORT_* } }.
 * {@link Link#bridgePort()} is null for a link that is not a bridge port.
 *
 * @param hairpin  IFLA_BRPORT_MODE: frames may leave through the port they arrived on
 * @param isolated IFLA_BRPORT_ISOLATED: no forwarding to other isolated ports
 * @param learning IFLA_BRPORT_LEARNING: source MACs are learnt into the FDB
 * @param flood    IFLA_BRPORT_UNICAST_FLOOD: unknown unicast is flooded to this port
 * @param state    IFLA_BRPORT_STATE: 0 disabled, 1 listening, 2 learning, 3 forwarding, 4 blocking
 */
public record BridgePortData(boolean hairpin, boolean isolated, boolean learning, boolean flood, int state) {

    static BridgePortData decode(AttrCursor a) {
        boolean hairpin = false;
        boolean isolated = false;
        boolean learning = false;
        boolean flood = false;
        int state = 0;
        while (a.next()) {
            switch (a.type()) {
                case LinkAttrs.IFLA_BRPORT_MODE -> hairpin = a.u8() != 0;
                case LinkAttrs.IFLA_BRPORT_ISOLATED -> isolated = a.u8() != 0;
                case LinkAttrs.IFLA_BRPORT_LEARNING -> learning = a.u8() != 0;
                case LinkAttrs.IFLA_BRPORT_UNICAST_FLOOD -> flood = a.u8() != 0;
                case LinkAttrs.IFLA_BRPORT_STATE -> state = a.u8();
                default -> { }
            }
        }
        return new BridgePortData(hairpin, isolated, learning, flood, state);
    }
}
