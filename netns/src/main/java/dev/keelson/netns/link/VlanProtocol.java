package dev.keelson.netns.link;

import dev.keelson.linux.rtnetlink.LinkAttrs;

/** The tag protocol of a VLAN link: its ethertype (linux/if_ether.h). */
public enum VlanProtocol {
    /** 802.1Q, ethertype 0x8100 (the default). */
    IEEE_802_1Q(LinkAttrs.ETH_P_8021Q),
    /** 802.1ad (QinQ service tag), ethertype 0x88a8. */
    IEEE_802_1AD(LinkAttrs.ETH_P_8021AD);

    private final int ethertype;

    VlanProtocol(int ethertype) {
        this.ethertype = ethertype;
    }

    /** The ethertype, e.g. 0x8100. */
    public int ethertype() {
        return ethertype;
    }

    /** The protocol for an ethertype. */
    public static VlanProtocol of(int ethertype) {
        for (VlanProtocol p : values()) {
            if (p.ethertype == ethertype) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown VLAN protocol 0x" + Integer.toHexString(ethertype));
    }

    /** The name {@code ip} uses: {@code 802.1Q} or {@code 802.1ad}. */
    public String ipName() {
        return this == IEEE_802_1Q ? "802.1Q" : "802.1ad";
    }
}
