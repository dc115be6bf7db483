package dev.keelson.netns.link;

import dev.keelson.linux.rtnetlink.LinkAttrs;

/** The layer at which an ipvlan device switches (IPVLAN_MODE_* in linux/if_link.h). */
public enum IpvlanMode {
    L2(LinkAttrs.IPVLAN_MODE_L2),
    L3(LinkAttrs.IPVLAN_MODE_L3),
    /** L3 with netfilter hooks run in the slave's namespace. */
    L3S(LinkAttrs.IPVLAN_MODE_L3S);

    private final int value;

    IpvlanMode(int value) {
        this.value = value;
    }

    /** The kernel's value. */
    public int value() {
        return value;
    }

    /** The mode for a kernel value. */
    public static IpvlanMode of(int value) {
        for (IpvlanMode m : values()) {
            if (m.value == value) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown ipvlan mode " + value);
    }
}
