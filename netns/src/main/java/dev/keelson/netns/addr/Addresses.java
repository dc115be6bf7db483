package dev.keelson.netns.addr;

import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.linux.netlink.MessageWriter;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.rtnetlink.IfAddrMsg;
import dev.keelson.linux.rtnetlink.IfaCacheInfo;
import dev.keelson.linux.rtnetlink.RouteAttrs;
import dev.keelson.netns.Rtnetlink;
import java.util.List;

/**
 * IPv4 and IPv6 interface addresses over rtnetlink (RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR), the
 * equivalent of {@code ip addr add|del|show}.
 *
 * <pre>{@code
 * try (Rtnetlink rtnl = Rtnetlink.open(podNs)) {
 *     Addresses addrs = new Addresses(rtnl);
 *     addrs.ensure(Address.of(eth0, "10.22.0.5/16"));
 *     addrs.add(Address.of(eth0, "fd00::5/64").withFlags(RouteAttrs.IFA_F_NODAD));
 *     List<Address> v4 = addrs.list(eth0, Flags.AF_INET);
 * }
 * }</pre>
 *
 * Errors are typed: an unknown interface index gives {@code NotFoundException} (ENODEV), an
 * address that is already there {@code AlreadyExistsException} (EEXIST), deleting one that is not
 * there an {@code ErrnoException} with EADDRNOTAVAIL.
 */
public final class Addresses {
    private final Rtnetlink rtnl;

    public Addresses(Rtnetlink rtnl) {
        this.rtnl = rtnl;
    }

    /** Adds {@code a}; fails with {@code AlreadyExistsException} if it is already there. */
    public void add(Address a) {
        rtnl.execute("RTM_NEWADDR", a.describe(), w -> write(w, RouteAttrs.RTM_NEWADDR,
                Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, a));
    }

    /** Adds {@code a}, or updates its flags and lifetimes if it is there already. */
    public void replace(Address a) {
        rtnl.execute("RTM_NEWADDR", a.describe(), w -> write(w, RouteAttrs.RTM_NEWADDR,
                Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE, a));
    }

    /**
     * Adds {@code a} unless the same address (local address, prefix length, peer) is already on the
     * interface; returns the address as the kernel now has it. If the local address is there with a
     * different prefix length or peer, the kernel's EEXIST is rethrown, saying what is there instead.
     */
    public Address ensure(Address a) {
        try {
            add(a);
        } catch (AlreadyExistsException e) {
            List<Address> there = list(a.ifindex(), a.family());
            for (Address x : there) {
                if (x.sameAs(a)) {
                    return x;
                }
            }
            for (Address x : there) {
                if (x.local().equals(a.local())) {
                    throw e.withHint(InetAddresses.format(a.local()) + " is already on ifindex " + a.ifindex()
                            + " as " + x.describe() + ", not as asked");
                }
            }
            throw e;
        }
        for (Address x : list(a.ifindex(), a.family())) {
            if (x.sameAs(a)) {
                return x;
            }
        }
        throw new IllegalStateException("added " + a.describe() + " but the kernel does not list it");
    }

    /** Deletes {@code a} (matched by interface, local address, prefix length, peer and label if set). */
    public void delete(Address a) {
        rtnl.execute("RTM_DELADDR", a.describe(), w -> write(w, RouteAttrs.RTM_DELADDR, 0, a));
    }

    /** Every address of every interface, IPv4 and IPv6. */
    public List<Address> list() {
        return list(0, RouteAttrs.AF_UNSPEC);
    }

    /** Addresses of {@code family} (AF_INET, AF_INET6, or RouteAttrs.AF_UNSPEC for both) on every interface. */
    public List<Address> list(int family) {
        return list(0, family);
    }

    /**
     * Addresses of {@code family} (AF_UNSPEC for both) on interface {@code ifindex} (0 for all). The
     * index is sent as a filter, which a handle in strict mode ({@link Rtnetlink#strict()}) has the
     * kernel apply; the result is filtered here as well, so it is right either way.
     */
    public List<Address> list(int ifindex, int family) {
        AddressDecoder decoder = new AddressDecoder();
        return rtnl.dump("RTM_GETADDR", w -> {
            int m = w.begin(RouteAttrs.RTM_GETADDR, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP);
            long at = w.reserve(IfAddrMsg.SIZE); // reserve first: it may move the buffer
            new IfAddrMsg().wrap(w.segment(), at).family(family).index(ifindex);
            w.end(m);
        }, msg -> decoder.decode(msg, ifindex, family));
    }

    /**
     * ifaddrmsg, then IFA_LOCAL (the local address) and IFA_ADDRESS (the peer, or the local address
     * again), IFA_FLAGS with all flag bits, and the optional IPv4 IFA_BROADCAST / IFA_LABEL and the
     * lifetimes in IFA_CACHEINFO. iproute2 sends the same set; for IPv6 the kernel takes IFA_LOCAL as
     * the address and a differing IFA_ADDRESS as the peer (net/ipv6/addrconf.c extract_addr).
     */
    private static void write(MessageWriter w, int type, int createFlags, Address a) {
        int m = w.begin(type, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | createFlags);
        long at = w.reserve(IfAddrMsg.SIZE); // reserve first: it may move the buffer
        new IfAddrMsg().wrap(w.segment(), at)
                .family(a.family()).prefixLength(a.prefix().length()).flags(a.flags() & 0xff)
                .scope(a.scope()).index(a.ifindex());
        InetAddresses.put(w, RouteAttrs.IFA_LOCAL, a.local());
        InetAddresses.put(w, RouteAttrs.IFA_ADDRESS, a.peer() != null ? a.peer() : a.local());
        if (a.broadcast() != null) {
            InetAddresses.put(w, RouteAttrs.IFA_BROADCAST, a.broadcast());
        }
        if (a.label() != null) {
            w.putString(RouteAttrs.IFA_LABEL, a.label());
        }
        if (type == RouteAttrs.RTM_NEWADDR) {
            w.putU32(RouteAttrs.IFA_FLAGS, a.flags());
            if (a.validLifetime() != Address.FOREVER || a.preferredLifetime() != Address.FOREVER) {
                w.putBytes(RouteAttrs.IFA_CACHEINFO, new byte[IfaCacheInfo.SIZE]);
                new IfaCacheInfo().wrap(w.segment(), w.length() - IfaCacheInfo.SIZE)
                        .preferred((int) a.preferredLifetime()).valid((int) a.validLifetime());
            }
        }
        w.end(m);
    }
}
