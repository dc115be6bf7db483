package dev.keelson.cni.plugins.bridge;

import dev.keelson.cni.spec.CniException;
import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.Veth;
import java.util.Optional;

/**
 * The gateway interface of a VLAN on the bridge, as the reference makes it
 * ({@code ensureVlanInterface}): a veth pair in the host namespace whose end {@code BRIDGE.VLAN}
 * (e.g. {@code cni0.100}) carries the gateway addresses, and whose other end is a bridge port
 * with that VLAN as its untagged PVID. Shared by every container of the VLAN, so, like the bridge,
 * it is never deleted.
 */
final class VlanGateway {
    private VlanGateway() {
    }

    /** The gateway interface for {@code vlan} on {@code br}, created and up if it was missing. */
    static Link ensure(Links links, Rtnetlink rtnl, Link br, int vlan) {
        String name = br.name() + "." + vlan;
        Optional<Link> there = links.find(name);
        if (there.isPresent()) {
            return there.get();
        }
        String port = Veths.randomName();
        try {
            Veth spec = Veth.named(port).peer(name).up();
            if (br.mtu() > 0) {
                spec = spec.mtu(br.mtu()).peerMtu(br.mtu());
            }
            links.add(spec);
        } catch (AlreadyExistsException e) {
            // Made concurrently by another ADD of the same VLAN.
            return links.find(name).orElseThrow(() -> fail(name, e));
        } catch (RuntimeException e) {
            throw fail(name, e);
        }
        try {
            links.setMaster(port, br.index());
            BridgeVlans.setAccessVlan(rtnl, links.indexOf(port), port, vlan);
            links.setUp(name);
        } catch (RuntimeException e) {
            links.deleteIfExists(port);
            throw fail(name, e);
        }
        return links.get(name);
    }

    private static CniException fail(String name, RuntimeException e) {
        return new CniException(CniException.INTERNAL, "failed to create vlan interface: could not create vlan gateway \""
                + name + "\": " + e.getMessage(), "", e);
    }
}
