package dev.keelson.netns.addr;

import dev.keelson.linux.Flags;
import dev.keelson.linux.rtnetlink.RouteAttrs;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address on an interface, as {@code ip addr} shows it.
 *
 * <pre>{@code
 * Address a = Address.of(ifindex, "10.1.0.2/24").withBroadcast(InetAddresses.parse("10.1.0.255"));
 * Address v6 = Address.of(ifindex, "fd00::2/64").withFlags(RouteAttrs.IFA_F_NODAD);
 * }</pre>
 *
 * @param ifindex           the interface index
 * @param prefix            the local address and the prefix length (IFA_LOCAL, ifa_prefixlen)
 * @param peer              the other end of a point-to-point link (IFA_ADDRESS when it differs from
 *                          the local address), or null
 * @param broadcast         the IPv4 broadcast address (IFA_BROADCAST), or null
 * @param scope             RT_SCOPE_* ({@code universe} 0, {@code link} 253, {@code host} 254)
 * @param label             the IPv4 label (IFA_LABEL), which must begin with the interface name, e.g.
 *                          {@code "eth0:1"}; null for none (the kernel then reports the interface name)
 * @param flags             IFA_F_* flags ({@code nodad}, {@code noprefixroute}, {@code permanent}...)
 * @param validLifetime     seconds the address stays valid, {@link #FOREVER} for ever
 * @param preferredLifetime seconds it stays preferred (not deprecated), {@link #FOREVER} for ever
 */
public record Address(int ifindex, IpPrefix prefix, InetAddress peer, InetAddress broadcast, int scope,
                      String label, int flags, long validLifetime, long preferredLifetime) {
    /** The lifetime of an address that never expires (INFINITY_LIFE_TIME in linux/if_addr.h). */
    public static final long FOREVER = 0xFFFFFFFFL;

    public Address {
        Objects.requireNonNull(prefix, "prefix");
        if (peer != null && InetAddresses.family(peer) != prefix.family()) {
            throw new IllegalArgumentException("peer " + peer + " is not of the family of " + prefix);
        }
        if (broadcast != null && prefix.family() != Flags.AF_INET) {
            throw new IllegalArgumentException("a broadcast address is IPv4 only: " + prefix);
        }
        if (validLifetime < 0 || validLifetime > FOREVER || preferredLifetime < 0 || preferredLifetime > FOREVER) {
            throw new IllegalArgumentException("lifetimes are 0.." + FOREVER + " seconds");
        }
    }

    /** {@code prefix} on {@code ifindex}, scope universe, no flags, lifetimes forever. */
    public static Address of(int ifindex, IpPrefix prefix) {
        return new Address(ifindex, prefix, null, null, RouteAttrs.RT_SCOPE_UNIVERSE, null, 0, FOREVER, FOREVER);
    }

    /** {@code cidr} such as {@code "10.0.0.1/24"} on {@code ifindex}. */
    public static Address of(int ifindex, String cidr) {
        return of(ifindex, IpPrefix.parse(cidr));
    }

    public int family() {
        return prefix.family();
    }

    /** The local address without the prefix length. */
    public InetAddress local() {
        return prefix.address();
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) == flag;
    }

    public Address withPeer(InetAddress p) {
        return new Address(ifindex, prefix, p, broadcast, scope, label, flags, validLifetime, preferredLifetime);
    }

    public Address withBroadcast(InetAddress b) {
        return new Address(ifindex, prefix, peer, b, scope, label, flags, validLifetime, preferredLifetime);
    }

    public Address withScope(int s) {
        return new Address(ifindex, prefix, peer, broadcast, s, label, flags, validLifetime, preferredLifetime);
    }

    public Address withLabel(String l) {
        return new Address(ifindex, prefix, peer, broadcast, scope, l, flags, validLifetime, preferredLifetime);
    }

    /** The same address with IFA_F_* {@code f} (replacing the current flags). */
    public Address withFlags(int f) {
        return new Address(ifindex, prefix, peer, broadcast, scope, label, f, validLifetime, preferredLifetime);
    }

    public Address withLifetimes(long valid, long preferred) {
        return new Address(ifindex, prefix, peer, broadcast, scope, label, flags, valid, preferred);
    }

    /** Whether {@code other} is the same address on the same interface: local address, prefix length and peer. */
    public boolean sameAs(Address other) {
        return ifindex == other.ifindex && prefix.equals(other.prefix) && Objects.equals(peer, other.peer);
    }

    /** {@code 10.0.0.1/24 on ifindex 3}, the way errors name an address. */
    public String describe() {
        return prefix + (peer != null ? " peer " + InetAddresses.format(peer) : "") + " on ifindex " + ifindex;
    }
}
