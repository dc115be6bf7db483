package dev.keelson.netns.link;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import dev.keelson.linux.rtnetlink.Rtnl;

/**
 * An 802.1Q (or 802.1ad) VLAN link on a lower device. Needs CONFIG_VLAN_8021Q; a kernel without it
 * answers EOPNOTSUPP ({@link dev.keelson.linux.NotSupportedException}).
 *
 * <pre>{@code
 * links.add(Vlan.named("eth0.100", "eth0", 100));
 * }</pre>
 *
 * @param name     the new link's name
 * @param master   the lower device's name, looked up in the handle's namespace
 * @param id       IFLA_VLAN_ID, 0 to 4094
 * @param protocol IFLA_VLAN_PROTOCOL, or null for 802.1Q
 * @param options  common options
 */
public record Vlan(String name, String master, int id, VlanProtocol protocol, LinkOptions options)
        implements LinkSpec<Vlan> {
    public static final String KIND = "vlan";

    public Vlan {
        IfNames.check(name);
        IfNames.check(master);
        if (id < 0 || id > 4094) {
            throw new IllegalArgumentException("a VLAN id is 0 to 4094, not " + id);
        }
    }

    /** VLAN {@code id} on {@code master}, named {@code name}. */
    public static Vlan named(String name, String master, int id) {
        return new Vlan(name, master, id, null, LinkOptions.DEFAULTS);
    }

    /** The tag protocol (802.1Q unless set). */
    public Vlan protocol(VlanProtocol protocol) {
        return new Vlan(name, master, id, protocol, options);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Vlan options(LinkOptions options) {
        return new Vlan(name, master, id, protocol, options);
    }

    void writeData(MessageWriter w) {
        int data = w.beginNested(Rtnl.IFLA_INFO_DATA);
        w.putU16(LinkAttrs.IFLA_VLAN_ID, id);
        if (protocol != null) {
            w.putU16be(LinkAttrs.IFLA_VLAN_PROTOCOL, protocol.ethertype());
        }
        w.endNested(data);
    }
}
