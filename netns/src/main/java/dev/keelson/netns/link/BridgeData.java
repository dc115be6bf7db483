package dev.keelson.netns.link;

import dev.keelson.linux.netlink.AttrCursor;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import java.time.Duration;

/**
 * A bridge's settings as read back (IFLA_BR_* in IFLA_INFO_DATA, linux/if_link.h). The kernel keeps
 * times in jiffies and reports them in 1/100 s, so a value set may read back rounded by 1/100 s.
 *
 * @param stp            spanning tree on (IFLA_BR_STP_STATE != 0)
 * @param forwardDelay   IFLA_BR_FORWARD_DELAY
 * @param ageingTime     IFLA_BR_AGEING_TIME: how long learnt FDB entries live
 * @param mcastSnooping  IFLA_BR_MCAST_SNOOPING
 * @param vlanFiltering  IFLA_BR_VLAN_FILTERING
 */
public record BridgeData(boolean stp, Duration forwardDelay, Duration ageingTime, boolean mcastSnooping,
                         boolean vlanFiltering) implements LinkData {

    static BridgeData decode(AttrCursor a) {
        boolean stp = false;
        boolean snooping = false;
        boolean filtering = false;
        Duration delay = Duration.ZERO;
        Duration ageing = Duration.ZERO;
        while (a.next()) {
            switch (a.type()) {
                case LinkAttrs.IFLA_BR_STP_STATE -> stp = a.u32() != 0;
                case LinkAttrs.IFLA_BR_FORWARD_DELAY -> delay = Bridge.fromClockT(a.u32());
                case LinkAttrs.IFLA_BR_AGEING_TIME -> ageing = Bridge.fromClockT(a.u32());
                case LinkAttrs.IFLA_BR_MCAST_SNOOPING -> snooping = a.u8() != 0;
                case LinkAttrs.IFLA_BR_VLAN_FILTERING -> filtering = a.u8() != 0;
                default -> { }
            }
        }
        return new BridgeData(stp, delay, ageing, snooping, filtering);
    }
}
