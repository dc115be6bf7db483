package dev.keelson.netns.link;

import dev.keelson.netns.NetNamespace;

/**
 * What to create: one immutable record per link kind ({@link Veth}, {@link Bridge}, {@link Macvlan},
 * {@link Ipvlan}, {@link Vlan}, {@link Vxlan}, and {@link GenericLink} for kinds without typed
 * options). Each wither returns a new spec; the options common to every kind are here.
 *
 * <pre>{@code
 * links.add(Bridge.named("cni0").stp(false).mtu(1450).up());
 * }</pre>
 *
 * @param <S> the spec's own type, so that withers chain
 */
public sealed interface LinkSpec<S extends LinkSpec<S>>
        permits Veth, Bridge, Macvlan, Ipvlan, Vlan, Vxlan, GenericLink {

    /** The new link's name (at most 15 bytes). */
    String name();

    /** The IFLA_INFO_KIND the kernel knows the kind by, e.g. {@code "bridge"}. */
    String kind();

    /** The options common to every kind. */
    LinkOptions options();

    /** This spec with other common options. */
    S options(LinkOptions options);

    /** Sets the MTU (IFLA_MTU). */
    default S mtu(int mtu) {
        return options(options().withMtu(mtu));
    }

    /** Sets the MAC address (IFLA_ADDRESS). */
    default S mac(MacAddress mac) {
        return options(options().withMac(mac));
    }

    /** Sets the MAC address from {@code aa:bb:cc:dd:ee:ff}. */
    default S mac(String mac) {
        return mac(MacAddress.parse(mac));
    }

    /** Sets the transmit queue length (IFLA_TXQLEN). */
    default S txQueueLen(int len) {
        return options(options().withTxQueueLen(len));
    }

    /**
     * Creates the link directly inside {@code ns} (IFLA_NET_NS_FD), which is much cheaper than
     * creating it here and moving it. Lower devices (a macvlan's master) are still looked up in
     * the handle's namespace.
     */
    default S inNamespace(NetNamespace ns) {
        return options(options().withNamespace(ns));
    }

    /** Enslaves the new link to ifindex {@code ifindex} (e.g. a bridge) in the same request. */
    default S master(int ifindex) {
        return options(options().withMaster(ifindex));
    }

    /** Brings the link up in the same request. */
    default S up() {
        return options(options().withUp(true));
    }
}
