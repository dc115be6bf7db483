package dev.keelson.netns.link;

import dev.keelson.linux.rtnetlink.LinkAttrs;
import dev.keelson.linux.rtnetlink.Rtnl;

/**
 * A network link (interface) as the kernel reports it in an RTM_NEWLINK reply: a snapshot, read by
 * {@link Links#get}, {@link Links#find} or {@link Links#list}.
 *
 * @param index        ifindex (unique within its namespace)
 * @param name         IFLA_IFNAME
 * @param flags        the IFF_* flags of struct ifinfomsg (see {@link #isUp()} and friends)
 * @param operState    IFLA_OPERSTATE
 * @param mtu          IFLA_MTU
 * @param minMtu       IFLA_MIN_MTU, or 0 when not reported
 * @param maxMtu       IFLA_MAX_MTU, or 0 when not reported (or unlimited)
 * @param mac          IFLA_ADDRESS, or null
 * @param broadcast    IFLA_BROADCAST, or null
 * @param masterIndex  IFLA_MASTER: the bridge (or bond, VRF) it is enslaved to, or 0
 * @param alias        IFLA_IFALIAS, or null
 * @param txQueueLen   IFLA_TXQLEN
 * @param promiscuity  IFLA_PROMISCUITY: how many users asked for promiscuous mode (0 = off)
 * @param linkNetnsId  IFLA_LINK_NETNSID: the nsid (as seen from this namespace) of the namespace
 *                     {@link #parentIndex()} lives in, or -1 when it is this one
 * @param parentIndex  IFLA_LINK: the lower device (macvlan, vlan) or the veth peer, or 0
 * @param kind         IFLA_INFO_KIND ({@code "veth"}, {@code "bridge"}...), or null for devices
 *                     without rtnl link ops (physical NICs, lo)
 * @param data         typed kind data, or null for other kinds
 * @param bridgePort   the bridge-port options when the link is enslaved to a bridge, or null
 * @param carrier      IFLA_CARRIER: whether the device has carrier (a veth: both ends are up); unlike
 *                     {@link #isLowerUp()} some devices (dummy) report it while down; from
 *                     IFF_LOWER_UP where the kernel does not send it
 */
public record Link(int index, String name, int flags, OperState operState, int mtu, int minMtu, int maxMtu,
                   MacAddress mac, MacAddress broadcast, int masterIndex, String alias, int txQueueLen,
                   int promiscuity, int linkNetnsId, int parentIndex, String kind, LinkData data,
                   BridgePortData bridgePort, boolean carrier) {

    /** IFF_UP: administratively up. */
    public boolean isUp() {
        return (flags & Rtnl.IFF_UP) != 0;
    }

    /** IFF_RUNNING: operationally up (RFC 2863 UP). */
    public boolean isRunning() {
        return (flags & Rtnl.IFF_RUNNING) != 0;
    }

    /** IFF_LOWER_UP: the driver signals carrier. */
    public boolean isLowerUp() {
        return (flags & Rtnl.IFF_LOWER_UP) != 0;
    }

    /** IFF_PROMISC: promiscuous mode was asked for through the flags (see also {@link #promiscuity()}). */
    public boolean isPromisc() {
        return (flags & Rtnl.IFF_PROMISC) != 0;
    }

    /** IFF_LOOPBACK. */
    public boolean isLoopback() {
        return (flags & Rtnl.IFF_LOOPBACK) != 0;
    }

    /** IFF_MASTER: this link is a bond master (bridges do not set it; see {@link #masterIndex()}). */
    public boolean isMaster() {
        return (flags & LinkAttrs.IFF_MASTER) != 0;
    }

    /** True when the link is of kind {@code kind}. */
    public boolean is(String kind) {
        return kind.equals(this.kind);
    }
}
