package dev.keelson.netns.link;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import dev.keelson.linux.rtnetlink.Rtnl;

/**
 * A macvlan: a link with its own MAC on top of a lower device ({@code master}, sent as IFLA_LINK).
 *
 * <pre>{@code
 * links.add(Macvlan.named("mv0", "eth0").mode(MacvlanMode.BRIDGE).inNamespace(podNs));
 * }</pre>
 *
 * @param name    the new link's name
 * @param master  the lower device's name, looked up in the handle's namespace
 * @param mode    IFLA_MACVLAN_MODE, or null for the kernel's default (vepa)
 * @param options common options
 */
public record Macvlan(String name, String master, MacvlanMode mode, LinkOptions options) implements LinkSpec<Macvlan> {
    public static final String KIND = "macvlan";

    public Macvlan {
        IfNames.check(name);
        IfNames.check(master);
    }

    /** A macvlan {@code name} on {@code master}. */
    public static Macvlan named(String name, String master) {
        return new Macvlan(name, master, null, LinkOptions.DEFAULTS);
    }

    /** The macvlan mode. */
    public Macvlan mode(MacvlanMode mode) {
        return new Macvlan(name, master, mode, options);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Macvlan options(LinkOptions options) {
        return new Macvlan(name, master, mode, options);
    }

    void writeData(MessageWriter w) {
        if (mode != null) {
            int data = w.beginNested(Rtnl.IFLA_INFO_DATA);
            w.putU32(LinkAttrs.IFLA_MACVLAN_MODE, mode.value());
            w.endNested(data);
        }
    }
}
