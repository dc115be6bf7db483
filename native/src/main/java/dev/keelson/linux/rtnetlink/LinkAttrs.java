package dev.keelson.linux.rtnetlink;

/**
 * Link attribute ids and values beyond {@link Rtnl}: the kind-specific IFLA_INFO_DATA attributes of
 * veth, bridge, bridge ports, macvlan, ipvlan, vlan and vxlan. Values are those of the kernel uapi
 * headers linux/if_link.h, linux/veth.h, linux/if_bridge.h, linux/if.h and linux/if_ether.h
 * (checked against linux-libc-dev 6.1 with a C program printing each constant).
 */
public final class LinkAttrs {
    /** IFNAMSIZ (linux/if.h): names are at most 15 bytes plus the NUL. */
    public static final int IFNAMSIZ = 16;

    // enum ifla, the ones Rtnl lacks
    public static final int IFLA_PROTINFO = 12;
    public static final int IFLA_EXT_MASK = 29;
    public static final int IFLA_LINK_NETNSID = 37;
    public static final int IFLA_MIN_MTU = 50;
    public static final int IFLA_MAX_MTU = 51;

    // IFLA_LINKINFO nested: enum ifla_info
    public static final int IFLA_INFO_XSTATS = 3;
    public static final int IFLA_INFO_SLAVE_KIND = 4;
    public static final int IFLA_INFO_SLAVE_DATA = 5;

    // IFLA_EXT_MASK bits (linux/rtnetlink.h)
    public static final int RTEXT_FILTER_VF = 1;
    public static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

    // linux/veth.h: the peer is a nested struct ifinfomsg followed by IFLA_* attributes
    public static final int VETH_INFO_PEER = 1;

    // bridge IFLA_INFO_DATA (enum in linux/if_link.h); times are clock_t (1/100 s)
    public static final int IFLA_BR_FORWARD_DELAY = 1;
    public static final int IFLA_BR_HELLO_TIME = 2;
    public static final int IFLA_BR_MAX_AGE = 3;
    public static final int IFLA_BR_AGEING_TIME = 4;
    public static final int IFLA_BR_STP_STATE = 5;
    public static final int IFLA_BR_PRIORITY = 6;
    public static final int IFLA_BR_VLAN_FILTERING = 7;
    public static final int IFLA_BR_VLAN_PROTOCOL = 8;
    public static final int IFLA_BR_MCAST_SNOOPING = 23;

    // bridge port IFLA_INFO_SLAVE_DATA / IFLA_PROTINFO (enum in linux/if_link.h)
    public static final int IFLA_BRPORT_STATE = 1;
    public static final int IFLA_BRPORT_PRIORITY = 2;
    public static final int IFLA_BRPORT_COST = 3;
    /** Hairpin mode: frames may go back out of the port they came in on. */
    public static final int IFLA_BRPORT_MODE = 4;
    public static final int IFLA_BRPORT_GUARD = 5;
    public static final int IFLA_BRPORT_PROTECT = 6;
    public static final int IFLA_BRPORT_FAST_LEAVE = 7;
    public static final int IFLA_BRPORT_LEARNING = 8;
    public static final int IFLA_BRPORT_UNICAST_FLOOD = 9;
    public static final int IFLA_BRPORT_PROXYARP = 10;
    public static final int IFLA_BRPORT_MCAST_FLOOD = 27;
    public static final int IFLA_BRPORT_BCAST_FLOOD = 30;
    public static final int IFLA_BRPORT_NEIGH_SUPPRESS = 32;
    public static final int IFLA_BRPORT_ISOLATED = 33;

    // macvlan
    public static final int IFLA_MACVLAN_MODE = 1;
    public static final int IFLA_MACVLAN_FLAGS = 2;
    public static final int MACVLAN_MODE_PRIVATE = 1;
    public static final int MACVLAN_MODE_VEPA = 2;
    public static final int MACVLAN_MODE_BRIDGE = 4;
    public static final int MACVLAN_MODE_PASSTHRU = 8;
    public static final int MACVLAN_MODE_SOURCE = 16;

    // ipvlan (IFLA_IPVLAN_MODE is a u16)
    public static final int IFLA_IPVLAN_MODE = 1;
    public static final int IFLA_IPVLAN_FLAGS = 2;
    public static final int IPVLAN_MODE_L2 = 0;
    public static final int IPVLAN_MODE_L3 = 1;
    public static final int IPVLAN_MODE_L3S = 2;

    // vlan (IFLA_VLAN_ID u16; IFLA_VLAN_PROTOCOL a __be16 ethertype)
    public static final int IFLA_VLAN_ID = 1;
    public static final int IFLA_VLAN_FLAGS = 2;
    public static final int IFLA_VLAN_PROTOCOL = 5;
    /** linux/if_ether.h ETH_P_8021Q. */
    public static final int ETH_P_8021Q = 0x8100;
    /** linux/if_ether.h ETH_P_8021AD. */
    public static final int ETH_P_8021AD = 0x88A8;

    // vxlan: addresses are raw network-order bytes, IFLA_VXLAN_PORT a __be16,
    // IFLA_VXLAN_PORT_RANGE struct ifla_vxlan_port_range { __be16 low, high; }
    public static final int IFLA_VXLAN_ID = 1;
    public static final int IFLA_VXLAN_GROUP = 2;
    public static final int IFLA_VXLAN_LINK = 3;
    public static final int IFLA_VXLAN_LOCAL = 4;
    public static final int IFLA_VXLAN_TTL = 5;
    public static final int IFLA_VXLAN_TOS = 6;
    public static final int IFLA_VXLAN_LEARNING = 7;
    public static final int IFLA_VXLAN_AGEING = 8;
    public static final int IFLA_VXLAN_LIMIT = 9;
    public static final int IFLA_VXLAN_PORT_RANGE = 10;
    public static final int IFLA_VXLAN_PORT = 15;
    public static final int IFLA_VXLAN_GROUP6 = 16;
    public static final int IFLA_VXLAN_LOCAL6 = 17;

    // IFLA_OPERSTATE values (RFC 2863, linux/if.h)
    public static final int IF_OPER_UNKNOWN = 0;
    public static final int IF_OPER_NOTPRESENT = 1;
    public static final int IF_OPER_DOWN = 2;
    public static final int IF_OPER_LOWERLAYERDOWN = 3;
    public static final int IF_OPER_TESTING = 4;
    public static final int IF_OPER_DORMANT = 5;
    public static final int IF_OPER_UP = 6;

    // linux/if.h interface flags Rtnl lacks
    public static final int IFF_ALLMULTI = 0x200;
    public static final int IFF_MASTER = 0x400;
    public static final int IFF_SLAVE = 0x800;
    public static final int IFF_DORMANT = 0x20000;

    /** NETNSA_NSID_NOT_ASSIGNED (linux/net_namespace.h). */
    public static final int NSID_NOT_ASSIGNED = -1;

    private LinkAttrs() {
    }
}
