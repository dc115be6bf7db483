package dev.keelson.netns.link;

import dev.keelson.linux.rtnetlink.LinkAttrs;

/** How macvlan devices on one lower device reach each other (MACVLAN_MODE_* in linux/if_link.h). */
public enum MacvlanMode {
    /** No traffic between macvlans on the same lower device. */
    PRIVATE(LinkAttrs.MACVLAN_MODE_PRIVATE),
    /** Traffic between macvlans goes out to the adjacent switch (802.1Qbg). */
    VEPA(LinkAttrs.MACVLAN_MODE_VEPA),
    /** Macvlans on the same lower device talk directly (the CNI default). */
    BRIDGE(LinkAttrs.MACVLAN_MODE_BRIDGE),
    /** One macvlan takes over the lower device (only one per device). */
    PASSTHRU(LinkAttrs.MACVLAN_MODE_PASSTHRU),
    /** Accepts only frames from an allowed list of source MACs. */
    SOURCE(LinkAttrs.MACVLAN_MODE_SOURCE);

    private final int value;

    MacvlanMode(int value) {
        this.value = value;
    }

    /** The kernel's value. */
    public int value() {
        return value;
    }

    /** The mode for a kernel value. */
    public static MacvlanMode of(int value) {
        for (MacvlanMode m : values()) {
            if (m.value == value) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown macvlan mode " + value);
    }

    /** The name {@code ip} uses ({@code bridge}, {@code vepa}...). */
    public String ipName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
