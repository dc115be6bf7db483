package dev.keelson.cni.plugins.bridge;

import dev.keelson.cni.spec.CniException;
import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.linux.NotSupportedException;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.netns.link.Bridge;
import dev.keelson.netns.link.BridgeData;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.Links;
import java.util.List;
import java.util.Optional;

/**
 * The bridge in the host namespace: created if missing (never deleted: other containers share
 * it), promiscuous if asked, up; and its gateway addresses. Messages are the reference's, e.g.
 * {@code failed to create bridge "cni0": "cni0" already exists but is not a bridge}.
 *
 * <p>A bridge this plugin creates gets a {@linkplain StableMac stable MAC} at creation, so its MAC
 * no longer follows the lowest port MAC as containers come and go (the reference v1.1.1 pins it
 * only once it sets a gateway address, and not at all for an L2-only network). With {@code vlan},
 * the bridge is created with VLAN filtering, and an existing bridge without it gets it turned on
 * (the reference leaves an existing bridge unfiltered, so its VLAN is silently not enforced).
 */
final class HostBridge {
    private HostBridge() {
    }

    /** Ensures the bridge exists, is a bridge (filtering VLANs if {@code vlan} is set) and is up; returns it as read back. */
    static Link ensure(Links links, Rtnetlink rtnl, BridgeConfig conf) {
        String name = conf.bridge();
        Bridge spec = Bridge.named(name).mac(StableMac.of(name)).up();
        if (conf.mtu() > 0) {
            spec = spec.mtu(conf.mtu());
        }
        if (conf.vlan() != 0) {
            spec = spec.vlanFiltering(true);
        }
        Link br = links.find(name).filter(l -> l.is(Bridge.KIND)).orElse(null); // usually there: one read
        try {
            if (br == null) {
                br = links.ensure(spec);
            }
        } catch (AlreadyExistsException e) {
            Optional<Link> other = links.find(name);
            if (other.isPresent() && !other.get().is(Bridge.KIND)) {
                throw new CniException(CniException.INTERNAL, "failed to create bridge \"" + name + "\": \"" + name
                        + "\" already exists but is not a bridge", "", e);
            }
            throw new CniException(CniException.INTERNAL, "failed to create bridge \"" + name + "\": could not add \""
                    + name + "\": " + e.getMessage(), "", e);
        } catch (NotSupportedException e) {
            if (conf.vlan() != 0) {
                throw noVlanFiltering(name, conf.vlan(), e);
            }
            throw new CniException(CniException.INTERNAL, "failed to create bridge \"" + name + "\": could not add \""
                    + name + "\": " + e.getMessage(), "", e);
        } catch (RuntimeException e) {
            throw new CniException(CniException.INTERNAL, "failed to create bridge \"" + name + "\": could not add \""
                    + name + "\": " + e.getMessage(), "", e);
        }
        if (conf.vlan() != 0 && br.data() instanceof BridgeData d && !d.vlanFiltering()) {
            try {
                BridgeVlans.enableFiltering(rtnl, br.index(), name);
            } catch (NotSupportedException e) {
                throw noVlanFiltering(name, conf.vlan(), e);
            }
        }
        if (conf.promiscMode() && !br.isPromisc()) {
            links.setPromisc(name, true);
        }
        if (!br.isUp()) {
            links.setUp(name);
        }
        return br;
    }

    private static CniException noVlanFiltering(String name, int vlan, RuntimeException e) {
        return new CniException(CniException.INTERNAL, "failed to create bridge \"" + name + "\": vlan " + vlan
                + " needs bridge VLAN filtering, which this kernel does not support (it lacks"
                + " CONFIG_BRIDGE_VLAN_FILTERING): operation not supported", "", e);
    }

    /**
     * Puts {@code cidr} on the bridge unless it is there. Another IPv4 address (or an overlapping
     * IPv6 one) is an error, or is removed with {@code forceAddress}. Having added it, the bridge's
     * MAC is set to itself: an explicitly set address stops the kernel from taking the lowest port MAC,
     * which would change as containers come and go.
     */
    static void ensureAddress(Links links, Addresses addrs, Link br, String cidr, boolean forceAddress) {
        ensureAddress(links, addrs, br, cidr, forceAddress, "failed to set bridge addr: ");
    }

    /** As above on any link (a VLAN's gateway interface), with the reference's message {@code prefix}. */
    static void ensureAddress(Links links, Addresses addrs, Link br, String cidr, boolean forceAddress, String prefix) {
        IpPrefix want = IpPrefix.parse(cidr);
        List<Address> there = addrs.list(br.index(), want.family());
        boolean v4 = want.address().getAddress().length == 4;
        for (Address a : there) {
            IpPrefix have = a.prefix();
            if (have.equals(want)) {
                return;
            }
            if (v4 || have.contains(want.address()) || want.contains(have.address())) {
                if (!forceAddress) {
                    throw new CniException(CniException.INTERNAL, prefix + "\"" + br.name()
                            + "\" already has an IP address different from " + cidr);
                }
                addrs.delete(a);
            }
        }
        try {
            addrs.add(Address.of(br.index(), want));
        } catch (AlreadyExistsException e) {
            return; // added concurrently by another ADD on the same bridge, which also sets the MAC
        }
        Link now = links.get(br.index());
        if (now.mac() != null) {
            links.setMac(br.name(), now.mac());
        }
    }
}
