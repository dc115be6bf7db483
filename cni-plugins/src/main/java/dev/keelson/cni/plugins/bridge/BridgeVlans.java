package dev.keelson.cni.plugins.bridge;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.rtnetlink.IfInfoMsg;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import dev.keelson.linux.rtnetlink.RouteAttrs;
import dev.keelson.linux.rtnetlink.Rtnl;
import dev.keelson.netns.Rtnetlink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Bridge VLAN filtering for the {@code vlan} field: turning it on for a bridge, and making a VLAN
 * a port's untagged PVID, as {@code bridge vlan add dev PORT vid N pvid untagged master} does.
 * Both need a kernel with CONFIG_BRIDGE_VLAN_FILTERING; without it the kernel answers EOPNOTSUPP.
 *
 * <pre>
 * port VLAN: RTM_SETLINK, ifinfomsg { family AF_BRIDGE, index PORT }
 *            IFLA_AF_SPEC { IFLA_BRIDGE_FLAGS u16 BRIDGE_FLAGS_MASTER,
 *                           IFLA_BRIDGE_VLAN_INFO struct bridge_vlan_info { u16 flags; u16 vid; } }
 * </pre>
 *
 * (linux/if_bridge.h, linux/if_link.h). A candidate for the netns module's link API.
 */
final class BridgeVlans {
    /** linux/if_link.h: IFLA_AF_SPEC. */
    private static final int IFLA_AF_SPEC = 26;
    /** linux/if_bridge.h: the attributes nested in IFLA_AF_SPEC for AF_BRIDGE. */
    private static final int IFLA_BRIDGE_FLAGS = 0;
    private static final int IFLA_BRIDGE_VLAN_INFO = 2;
    /** linux/if_bridge.h: address the bridge the port belongs to, not the port's own driver. */
    private static final int BRIDGE_FLAGS_MASTER = 1;
    private static final int BRIDGE_VLAN_INFO_PVID = 1 << 1;
    private static final int BRIDGE_VLAN_INFO_UNTAGGED = 1 << 2;

    private BridgeVlans() {
    }

    /** Sets IFLA_BR_VLAN_FILTERING on the existing bridge {@code index}. */
    static void enableFiltering(Rtnetlink rtnl, int bridgeIndex, String name) {
        rtnl.execute("RTM_NEWLINK", "\"" + name + "\" type bridge vlan_filtering 1", w -> {
            int m = header(w, Rtnl.RTM_NEWLINK, RouteAttrs.AF_UNSPEC, bridgeIndex);
            int info = w.beginNested(Rtnl.IFLA_LINKINFO);
            w.putString(Rtnl.IFLA_INFO_KIND, "bridge");
            int data = w.beginNested(Rtnl.IFLA_INFO_DATA);
            w.putU8(LinkAttrs.IFLA_BR_VLAN_FILTERING, 1);
            w.endNested(data);
            w.endNested(info);
            w.end(m);
        });
    }

    /** Makes {@code vid} the port's PVID, egressing untagged (an access port of that VLAN). */
    static void setAccessVlan(Rtnetlink rtnl, int portIndex, String port, int vid) {
        rtnl.execute("RTM_SETLINK", "bridge vlan add dev \"" + port + "\" vid " + vid + " pvid untagged master", w -> {
            int m = header(w, Rtnl.RTM_SETLINK, RouteAttrs.AF_BRIDGE, portIndex);
            int spec = w.beginNested(IFLA_AF_SPEC);
            w.putU16(IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_MASTER);
            int flags = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED;
            // struct bridge_vlan_info: two u16 in host byte order.
            ByteBuffer info = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
            w.putBytes(IFLA_BRIDGE_VLAN_INFO, info.putShort((short) flags).putShort((short) vid).array());
            w.endNested(spec);
            w.end(m);
        });
    }

    private static int header(MessageWriter w, int type, int family, int index) {
        int m = w.begin(type, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
        long ifi = w.reserve(IfInfoMsg.SIZE);
        new IfInfoMsg().wrap(w.segment(), ifi).family(family).index(index);
        return m;
    }
}
