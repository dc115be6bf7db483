package dev.keelson.linux.rtnetlink;

/**
 * rtnetlink multicast groups ({@code enum rtnetlink_groups}, linux/rtnetlink.h). A socket joins a
 * group with NETLINK_ADD_MEMBERSHIP and the group number; the legacy bind() bitmask (RTMGRP_*) is
 * {@code 1 << (group - 1)}. The message types the notifications carry are in {@link Rtnl}
 * (RTM_*LINK) and {@link RouteAttrs} (RTM_*ADDR, RTM_*ROUTE, RTM_*NEIGH).
 */
public final class Groups {
    public static final int RTNLGRP_LINK = 1;
    public static final int RTNLGRP_NOTIFY = 2;
    public static final int RTNLGRP_NEIGH = 3;
    public static final int RTNLGRP_TC = 4;
    public static final int RTNLGRP_IPV4_IFADDR = 5;
    public static final int RTNLGRP_IPV4_MROUTE = 6;
    public static final int RTNLGRP_IPV4_ROUTE = 7;
    public static final int RTNLGRP_IPV4_RULE = 8;
    public static final int RTNLGRP_IPV6_IFADDR = 9;
    public static final int RTNLGRP_IPV6_MROUTE = 10;
    public static final int RTNLGRP_IPV6_ROUTE = 11;
    public static final int RTNLGRP_IPV6_IFINFO = 12;
    public static final int RTNLGRP_IPV6_PREFIX = 18;
    public static final int RTNLGRP_IPV6_RULE = 19;
    public static final int RTNLGRP_IPV4_NETCONF = 24;
    public static final int RTNLGRP_IPV6_NETCONF = 25;
    public static final int RTNLGRP_NSID = 28;

    private Groups() {
    }

    /** The legacy RTMGRP_* bind() bit of {@code group} (only groups 1..32 have one). */
    public static int legacyMask(int group) {
        if (group < 1 || group > 32) {
            throw new IllegalArgumentException("rtnetlink group " + group + " has no legacy bind() bit");
        }
        return 1 << (group - 1);
    }
}
