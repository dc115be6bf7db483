package dev.keelson.netns.link;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import dev.keelson.linux.rtnetlink.Rtnl;

/**
 * An ipvlan: links sharing the lower device's MAC, switched by IP. Needs CONFIG_IPVLAN; a kernel
 * without it answers EOPNOTSUPP ({@link dev.keelson.linux.NotSupportedException}).
 *
 * @param name    the new link's name
 * @param master  the lower device's name, looked up in the handle's namespace
 * @param mode    IFLA_IPVLAN_MODE, or null for the kernel's default (l3)
 * @param options common options
 */
public record Ipvlan(String name, String master, IpvlanMode mode, LinkOptions options) implements LinkSpec<Ipvlan> {
    public static final String KIND = "ipvlan";

    public Ipvlan {
        IfNames.check(name);
        IfNames.check(master);
    }

    /** An ipvlan {@code name} on {@code master}. */
    public static Ipvlan named(String name, String master) {
        return new Ipvlan(name, master, null, LinkOptions.DEFAULTS);
    }

    /** The ipvlan mode. */
    public Ipvlan mode(IpvlanMode mode) {
        return new Ipvlan(name, master, mode, options);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Ipvlan options(LinkOptions options) {
        return new Ipvlan(name, master, mode, options);
    }

    void writeData(MessageWriter w) {
        if (mode != null) {
            int data = w.beginNested(Rtnl.IFLA_INFO_DATA);
            w.putU16(LinkAttrs.IFLA_IPVLAN_MODE, mode.value());
            w.endNested(data);
        }
    }
}
