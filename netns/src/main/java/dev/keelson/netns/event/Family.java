package dev.keelson.netns.event;

import dev.keelson.linux.Flags;

/** The address family of an address, route or neighbour event. */
public enum Family {
    /** AF_INET. */
    IPV4(Flags.AF_INET),
    /** AF_INET6. */
    IPV6(Flags.AF_INET6);

    private final int af;

    Family(int af) {
        this.af = af;
    }

    /** The AF_* value. */
    public int af() {
        return af;
    }

    /** The family for an AF_* value, or null for one events are not decoded for (e.g. AF_BRIDGE). */
    static Family of(int af) {
        return switch (af) {
            case Flags.AF_INET -> IPV4;
            case Flags.AF_INET6 -> IPV6;
            default -> null;
        };
    }
}
