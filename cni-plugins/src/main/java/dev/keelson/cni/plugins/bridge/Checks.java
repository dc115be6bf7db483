package dev.keelson.cni.plugins.bridge;

import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.Interface;
import dev.keelson.cni.spec.IpConfig;
import dev.keelson.cni.spec.Result;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.netns.link.Bridge;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.Veth;
import java.util.List;
import java.util.Optional;

/**
 * CHECK's comparison of {@code prevResult} with the kernel (a basic pass): the bridge exists in
 * the host namespace as a bridge with the MAC and promiscuity recorded; the container interface
 * is in the pod as a veth with the MAC recorded and carries every address of the result.
 * Messages follow the reference's.
 */
final class Checks {
    private Checks() {
    }

    static void verify(Request req, BridgeConfig conf, Result prev, NetNamespace pod) {
        Optional<Interface> br = prev.interfaces().stream().filter(i -> i.name().equals(conf.bridge())).findFirst();
        Optional<Interface> cont = prev.interfaces().stream()
                .filter(i -> i.name().equals(req.ifName()) && req.netns().equals(i.sandbox())).findFirst();
        try (Rtnetlink host = Rtnetlink.open()) {
            Link brLink = new Links(host).find(conf.bridge()).orElseThrow(() -> fail("Interface name " + conf.bridge() + " not found"));
            if (!brLink.is(Bridge.KIND)) {
                throw fail("Interface " + conf.bridge() + " does not have link type of bridge");
            }
            if (br.isPresent() && br.get().mac() != null && brLink.mac() != null && !br.get().mac().equals(brLink.mac().toString())) {
                throw fail("Bridge interface " + conf.bridge() + " Mac doesn't match: " + br.get().mac());
            }
            if ((brLink.promiscuity() != 0) != conf.promiscMode()) {
                throw fail("Bridge interface " + conf.bridge() + " configured Promisc Mode " + conf.promiscMode()
                        + " doesn't match current state: " + (brLink.promiscuity() != 0) + " ");
            }
        }
        if (cont.isEmpty()) {
            throw fail("Sandbox in prevResult  doesn't match configured netns: " + req.netns());
        }
        try (Rtnetlink inPod = Rtnetlink.open(pod)) {
            Link l = new Links(inPod).find(req.ifName()).orElseThrow(() -> fail("Interface name " + req.ifName() + " not found"));
            if (!l.is(Veth.KIND)) {
                throw fail("Error: Container interface " + l.name() + " not of type veth");
            }
            String mac = cont.get().mac();
            if (mac != null && l.mac() != null && !mac.equals(l.mac().toString())) {
                throw fail("Interface " + l.name() + " Mac " + mac + " doesn't match container Mac: " + l.mac());
            }
            List<Address> have = new Addresses(inPod).list(l.index(), 0);
            for (IpConfig ip : prev.ips()) {
                IpPrefix want = IpPrefix.parse(ip.address());
                if (have.stream().noneMatch(a -> a.prefix().equals(want))) {
                    throw fail("Failed to match addr " + ip.address() + " on interface " + req.ifName());
                }
            }
        }
    }

    private static CniException fail(String msg) {
        return new CniException(CniException.INTERNAL, msg);
    }
}
