package dev.keelson.netns.link;

import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.rtnetlink.LinkAttrs;
import dev.keelson.linux.rtnetlink.Rtnl;
import java.time.Duration;

/**
 * A Linux bridge. Unset options (null) keep the kernel's defaults (STP off, forward delay 15 s,
 * ageing 300 s, multicast snooping on, VLAN filtering off).
 *
 * <pre>{@code
 * links.ensure(Bridge.named("cni0").stp(false).up());
 * }</pre>
 *
 * VLAN filtering needs a kernel built with CONFIG_BRIDGE_VLAN_FILTERING; without it any value of
 * IFLA_BR_VLAN_FILTERING fails with EOPNOTSUPP, so it is sent only when set.
 *
 * @param name           the bridge's name
 * @param stp            IFLA_BR_STP_STATE
 * @param forwardDelay   IFLA_BR_FORWARD_DELAY (sent in 1/100 s; 2–30 s when STP is on)
 * @param ageingTime     IFLA_BR_AGEING_TIME (sent in 1/100 s)
 * @param mcastSnooping  IFLA_BR_MCAST_SNOOPING
 * @param vlanFiltering  IFLA_BR_VLAN_FILTERING
 * @param options        common options
 */
public record Bridge(String name, Boolean stp, Duration forwardDelay, Duration ageingTime, Boolean mcastSnooping,
                     Boolean vlanFiltering, LinkOptions options) implements LinkSpec<Bridge> {
    public static final String KIND = "bridge";

    public Bridge {
        IfNames.check(name);
    }

    /** A bridge {@code name} with the kernel's defaults. */
    public static Bridge named(String name) {
        return new Bridge(name, null, null, null, null, null, LinkOptions.DEFAULTS);
    }

    /** Spanning tree on or off. */
    public Bridge stp(boolean on) {
        return new Bridge(name, on, forwardDelay, ageingTime, mcastSnooping, vlanFiltering, options);
    }

    /** The STP forward delay (whole 1/100 s). */
    public Bridge forwardDelay(Duration d) {
        return new Bridge(name, stp, d, ageingTime, mcastSnooping, vlanFiltering, options);
    }

    /** How long learnt MAC addresses stay in the FDB (whole 1/100 s). */
    public Bridge ageingTime(Duration d) {
        return new Bridge(name, stp, forwardDelay, d, mcastSnooping, vlanFiltering, options);
    }

    /** IGMP/MLD snooping on or off. */
    public Bridge mcastSnooping(boolean on) {
        return new Bridge(name, stp, forwardDelay, ageingTime, on, vlanFiltering, options);
    }

    /** VLAN filtering on or off (needs CONFIG_BRIDGE_VLAN_FILTERING, else EOPNOTSUPP). */
    public Bridge vlanFiltering(boolean on) {
        return new Bridge(name, stp, forwardDelay, ageingTime, mcastSnooping, on, options);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Bridge options(LinkOptions options) {
        return new Bridge(name, stp, forwardDelay, ageingTime, mcastSnooping, vlanFiltering, options);
    }

    void writeData(MessageWriter w) {
        if (stp == null && forwardDelay == null && ageingTime == null && mcastSnooping == null && vlanFiltering == null) {
            return;
        }
        int data = w.beginNested(Rtnl.IFLA_INFO_DATA);
        if (stp != null) {
            w.putU32(LinkAttrs.IFLA_BR_STP_STATE, stp ? 1 : 0);
        }
        if (forwardDelay != null) {
            w.putU32(LinkAttrs.IFLA_BR_FORWARD_DELAY, toClockT(forwardDelay));
        }
        if (ageingTime != null) {
            w.putU32(LinkAttrs.IFLA_BR_AGEING_TIME, toClockT(ageingTime));
        }
        if (mcastSnooping != null) {
            w.putU8(LinkAttrs.IFLA_BR_MCAST_SNOOPING, mcastSnooping ? 1 : 0);
        }
        if (vlanFiltering != null) {
            w.putU8(LinkAttrs.IFLA_BR_VLAN_FILTERING, vlanFiltering ? 1 : 0);
        }
        w.endNested(data);
    }

    /** Bridge times travel as clock_t: USER_HZ (100) ticks a second. */
    static int toClockT(Duration d) {
        return Math.toIntExact(d.toMillis() / 10);
    }

    static Duration fromClockT(int ticks) {
        return Duration.ofMillis(Integer.toUnsignedLong(ticks) * 10);
    }
}
