package dev.keelson.cni.plugins.macvlan;

import dev.keelson.cni.ipam.Ipam;
import dev.keelson.cni.plugins.common.Cleanup;
import dev.keelson.cni.plugins.common.IpamStep;
import dev.keelson.cni.plugins.common.ContainerSide;
import dev.keelson.cni.plugins.common.PodNetns;
import dev.keelson.cni.skel.About;
import dev.keelson.cni.skel.Plugin;
import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.Interface;
import dev.keelson.cni.spec.IpConfig;
import dev.keelson.cni.spec.Result;
import dev.keelson.cni.spec.Route;
import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.link.MacAddress;
import dev.keelson.netns.link.Macvlan;
import dev.keelson.netns.link.MacvlanData;
import dev.keelson.netns.link.MacvlanMode;
import dev.keelson.netns.route.Routes;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code macvlan} plugin, a drop-in for containernetworking/plugins' (v1.1.1): the container
 * gets a macvlan on a lower device ({@code master}) of the host namespace (the namespace of the
 * calling thread), addresses from the IPAM plugin named in the config, or none (L2 only).
 *
 * <pre>
 * ADD  master resolved (config, else the default route's interface), MTU checked against it ─
 *      macvlan created directly in CNI_NETNS under CNI_IFNAME (IFLA_LINK is the master's index in
 *      the host namespace, IFLA_NET_NS_FD the pod) ─ IPAM ADD ─ arp_notify, addresses, up, routes
 *      ─ result: [container interface], ips, routes, the config's dns
 *      (each step that acquires something registers its undo: a failed ADD leaves nothing behind)
 * DEL  container interface deleted (if the netns and it still exist) ─ IPAM DEL
 * CHECK IPAM CHECK ─ prevResult's container interface is a macvlan of the configured mode on the
 *      master, with the recorded MAC and addresses
 * </pre>
 *
 * Deliberate differences from the reference v1.1.1: {@code linkInContainer} (from later
 * releases) is honoured; DEL does not look the master up, so it works (and releases the
 * address) after the master is gone, where the reference fails with "Link not found" and leaks
 * the address; the macvlan is created under its final name (no temporary name and rename), so a
 * taken name leaves no stray link; unknown {@code CNI_ARGS} keys are code 4 (the reference: 999);
 * IPv6 addresses get {@code accept_dad=0} instead of waiting for DAD. Gratuitous ARP is the
 * kernel's, through {@code arp_notify=1} (as in the reference), sent when the link comes up.
 */
public final class MacvlanPlugin implements Plugin {
    /** The name the banner and VERSION use. */
    public static final About ABOUT = About.of("macvlan");

    /** The master as found: its name and the namespace it was looked up in. */
    private record Master(String name, int mtu, boolean inContainer) {
    }

    @Override
    public Result add(Request req) {
        MacvlanConfig fields = MacvlanConfig.fieldsOnly(req.config());
        try (NetNamespace pod = PodNetns.open(req.netns());
             Rtnetlink host = Rtnetlink.open();
             Rtnetlink inPod = Rtnetlink.open(pod);
             Cleanup undo = new Cleanup()) {
            Master master = master(fields, host, inPod);
            MacvlanConfig conf = MacvlanConfig.of(req); // the MAC overrides come after the master, as in the reference
            try {
                Result r = attach(req, conf, master, pod, host, inPod, undo);
                undo.commit();
                return r;
            } catch (RuntimeException e) {
                throw undo.failed(e);
            }
        }
    }

    private static Result attach(Request req, MacvlanConfig conf, Master master, NetNamespace pod, Rtnetlink host,
                                 Rtnetlink inPod, Cleanup undo) {
        MacvlanMode mode = conf.macvlanMode();
        MacAddress mac = conf.macAddress();
        boolean layer3 = req.config().ipamType().isPresent();
        Links podLinks = new Links(inPod);
        String ifName = req.ifName();
        Macvlan spec = Macvlan.named(ifName, master.name()).mode(mode);
        if (conf.mtu() > 0) {
            spec = spec.mtu(conf.mtu());
        }
        if (mac != null) {
            spec = spec.mac(mac);
        }
        if (!layer3) {
            spec = spec.up(); // L2 only: up in the same request
        }
        try {
            if (master.inContainer()) {
                podLinks.add(spec);
            } else {
                new Links(host).add(spec.inNamespace(pod));
            }
        } catch (AlreadyExistsException e) {
            // The reference's wording: it creates under a temporary name and fails renaming.
            throw new CniException(CniException.INTERNAL, "failed to rename macvlan to \"" + ifName + "\": file exists",
                    "", e);
        } catch (RuntimeException e) {
            throw new CniException(CniException.INTERNAL, "failed to create macvlan: " + e.getMessage(), "", e);
        }
        undo.onFailure("delete " + ifName + " in the pod", () -> podLinks.deleteIfExists(ifName));
        Link link = podLinks.get(ifName);

        List<IpConfig> ips = List.of();
        List<Route> routes = List.of();
        Optional<String> ipamType = req.config().ipamType();
        if (ipamType.isPresent()) {
            String type = ipamType.get();
            Result ipam = IpamStep.add(req, type, undo);
            // Every address belongs to the one interface of the result.
            ips = ipam.ips().stream().map(ip -> new IpConfig(0, ip.address(), ip.gateway())).toList();
            routes = ipam.routes();
            ContainerSide.configure(pod, inPod, ifName, ips, routes);
        }
        String macText = link.mac() == null ? null : link.mac().toString();
        return Result.of(List.of(Interface.of(ifName, macText, req.netns())), ips, routes, req.config().dns());
    }

    /**
     * The master by name or, when the config names none, the default route's interface (first
     * IPv4, then IPv6, as the reference walks them), with its MTU; the configured MTU must be
     * within [0, master's].
     */
    private static Master master(MacvlanConfig conf, Rtnetlink host, Rtnetlink inPod) {
        Rtnetlink where = conf.linkInContainer() ? inPod : host;
        String ns = conf.linkInContainer() ? "the container namespace" : "the host namespace";
        Links links = new Links(where);
        String name = conf.master();
        if (name.isEmpty()) {
            name = defaultRouteInterface(where, links).orElseThrow(() -> new CniException(CniException.INTERNAL,
                    "no default route interface found", "no master in the config and no default route in " + ns));
        }
        Optional<Link> found = links.find(name);
        if (found.isEmpty()) {
            // The reference says only "Link not found"; the details say which.
            throw new CniException(CniException.INTERNAL, "Link not found", "master \"" + name + "\" not found in " + ns);
        }
        int mtu = found.get().mtu();
        if (conf.mtu() < 0 || conf.mtu() > mtu) {
            throw new CniException(CniException.INTERNAL, "invalid MTU " + conf.mtu() + ", must be [0, master MTU(" + mtu + ")]");
        }
        return new Master(name, mtu, conf.linkInContainer());
    }

    private static Optional<String> defaultRouteInterface(Rtnetlink rtnl, Links links) {
        for (dev.keelson.netns.route.Route r : new Routes(rtnl).list(0)) {
            if (r.dst().length() == 0) {
                int oif = r.oif() != 0 ? r.oif() : r.nexthops().isEmpty() ? 0 : r.nexthops().get(0).ifindex();
                return links.find(oif).map(Link::name);
            }
        }
        return Optional.empty();
    }

    @Override
    public void del(Request req) {
        MacvlanConfig.fieldsOnly(req.config()); // config errors as in ADD; the master is not needed
        RuntimeException linkError = null;
        Path netns = req.netnsPath();
        if (netns != null) {
            try {
                Optional<NetNamespace> pod = PodNetns.openIfPresent(netns);
                if (pod.isPresent()) {
                    try (NetNamespace ns = pod.get(); Rtnetlink inPod = Rtnetlink.open(ns)) {
                        new Links(inPod).deleteIfExists(req.ifName());
                    }
                }
            } catch (RuntimeException e) {
                linkError = e;
            }
        }
        // After the interface (an address must not be handed out while still configured), and
        // even when deleting it failed, so the address is never leaked.
        req.config().ipamType().ifPresent(type -> Ipam.del(req, type));
        if (linkError != null) {
            throw linkError instanceof CniException c ? c
                    : new CniException(CniException.INTERNAL, "failed to delete \"" + req.ifName() + "\": "
                    + linkError.getMessage(), "", linkError);
        }
    }

    @Override
    public void check(Request req) {
        MacvlanConfig fields = MacvlanConfig.fieldsOnly(req.config());
        try (NetNamespace pod = PodNetns.open(req.netns());
             Rtnetlink host = Rtnetlink.open();
             Rtnetlink inPod = Rtnetlink.open(pod)) {
            Master master = master(fields, host, inPod);
            MacvlanConfig conf = MacvlanConfig.of(req);
            req.config().ipamType().ifPresent(type -> Ipam.check(req, type));
            Result prev = req.config().prevResult().orElseThrow(
                    () -> new CniException(CniException.INTERNAL, "Required prevResult missing"));
            Optional<Interface> cont = prev.interfaces().stream()
                    .filter(i -> i.name().equals(req.ifName()) && req.netns().equals(i.sandbox())).findFirst();
            if (cont.isEmpty()) {
                throw fail("Sandbox in prevResult  doesn't match configured netns: " + req.netns());
            }
            Links podLinks = new Links(inPod);
            Link l = podLinks.find(req.ifName()).orElseThrow(
                    () -> fail("Container Interface name in prevResult: " + req.ifName() + " not found"));
            if (!(l.data() instanceof MacvlanData data)) {
                throw fail("Error: Container interface " + l.name() + " not of type macvlan");
            }
            MacvlanMode want = conf.macvlanMode();
            if (data.mode() != want) {
                throw fail("Container macvlan mode " + data.mode().ipName() + " does not match expected value: " + want.ipName());
            }
            Links masterLinks = new Links(master.inContainer() ? inPod : host);
            int masterIndex = masterLinks.indexOf(master.name());
            if (!master.inContainer() && l.parentIndex() != masterIndex) {
                throw fail("Container interface " + l.name() + " is not on master " + master.name());
            }
            String mac = cont.get().mac();
            if (mac != null && l.mac() != null && !mac.equals(l.mac().toString())) {
                throw fail("Interface " + l.name() + " Mac " + mac + " doesn't match container Mac: " + l.mac());
            }
            List<Address> have = new Addresses(inPod).list(l.index(), 0);
            for (IpConfig ip : prev.ips()) {
                IpPrefix p = IpPrefix.parse(ip.address());
                if (have.stream().noneMatch(a -> a.prefix().equals(p))) {
                    throw fail("Failed to match addr " + ip.address() + " on interface " + req.ifName());
                }
            }
        }
    }

    /** GC (CNI 1.1): IPAM GC; a macvlan holds nothing else outside the pod's namespace. */
    @Override
    public void gc(Request req) {
        MacvlanConfig.fieldsOnly(req.config());
        req.config().ipamType().ifPresent(type -> Ipam.gc(req, type));
    }

    /** STATUS (CNI 1.1): the IPAM plugin's STATUS (host-local: code 50 when its data dir is unusable). */
    @Override
    public void status(Request req) {
        MacvlanConfig.fieldsOnly(req.config());
        req.config().ipamType().ifPresent(type -> Ipam.status(req, type));
    }

    private static CniException fail(String msg) {
        return new CniException(CniException.INTERNAL, msg);
    }

}
