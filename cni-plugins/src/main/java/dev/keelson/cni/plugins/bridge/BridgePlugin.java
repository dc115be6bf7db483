package dev.keelson.cni.plugins.bridge;

import dev.keelson.cni.ipam.Ipam;
import dev.keelson.cni.nft.IpMasq;
import dev.keelson.cni.nft.SpoofCheck;
import dev.keelson.cni.plugins.common.Cleanup;
import dev.keelson.cni.plugins.common.IpamStep;
import dev.keelson.cni.plugins.common.ContainerSide;
import dev.keelson.cni.plugins.common.PodNetns;
import dev.keelson.cni.skel.About;
import dev.keelson.cni.skel.Plugin;
import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.Dns;
import dev.keelson.cni.spec.Interface;
import dev.keelson.cni.spec.IpConfig;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.cni.spec.Result;
import dev.keelson.cni.spec.Route;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.link.Bridge;
import dev.keelson.netns.link.BridgePortOptions;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.Links;
import dev.keelson.netns.sysctl.IpFamily;
import dev.keelson.netns.sysctl.Sysctls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code bridge} plugin, a drop-in for containernetworking/plugins' (v1.1.1): the container
 * gets one end of a veth pair, the other end is a port of a bridge in the host namespace (the
 * namespace of the calling thread), addresses come from the IPAM plugin named in the config.
 *
 * <pre>
 * ADD  config and MAC checked ─ bridge ensured (stable MAC when created; VLAN filtering with
 *      vlan), up ─ veth created with its container end (and requested MAC) directly in CNI_NETNS
 *      and its host end already enslaved, up ─ hairpin, isolated, access VLAN ─ IPAM ADD ─ one
 *      visit to the pod: container sysctls (DAD), addresses, up, DAD awaited, routes ─ spoof
 *      check ─ port forwarding ─ gateway on the bridge (or on the
 *      VLAN's BRIDGE.VLAN interface), forwarding ─ result: [bridge, host veth, container(, vlan
 *      gateway)], ips, routes, dns
 *      (each step that acquires something registers its undo: a failed ADD leaves nothing behind)
 *      ─ with macspoofchk, an nftables rule lets only the container's MAC in from its host veth;
 *      with ipMasq, its addresses are masqueraded to everything outside the network
 * DEL  container interface deleted (if the netns and it still exist) ─ spoof check and masquerade
 *      removed by container id and interface (no netns or prevResult needed) ─ IPAM DEL
 * CHECK IPAM CHECK ─ prevResult's bridge and container interface exist as ADD left them, with
 *      its addresses
 * GC   spoof checks and masquerades of attachments not in cni.dev/valid-attachments removed ─
 *      IPAM GC (1.1.0)
 * STATUS code 50 when macspoofchk/ipMasq need nftables and it is unusable ─ IPAM STATUS (1.1.0)
 * </pre>
 *
 * Fields: those of v1.1.1 ({@code bridge}, {@code isGateway}, {@code isDefaultGateway},
 * {@code forceAddress}, {@code mtu}, {@code hairpinMode}, {@code promiscMode}, {@code vlan},
 * {@code enabledad}, the MAC from {@code runtimeConfig.mac}, {@code args.cni.mac} or
 * {@code CNI_ARGS} {@code MAC}) and, from later releases, {@code portIsolation},
 * {@code disableContainerInterface} and {@code preserveDefaultVlan} (see {@link BridgeConfig}).
 *
 * <p>Deliberate differences from the reference:
 * <ul>
 * <li>DNS from IPAM is returned when the config has none (the reference returns only the
 *     config's); the container end is created in place, never moved.</li>
 * <li>A bridge this plugin creates gets a stable MAC at creation ({@link StableMac}); the
 *     reference's follows the lowest port MAC until a gateway address is set.</li>
 * <li>A bad requested MAC is refused before anything is created, with code 7 (config) or 4
 *     ({@code CNI_ARGS}); the reference fails later with 999. {@code disableContainerInterface}
 *     with IPAM is code 7 (the later reference: 999).</li>
 * <li>With {@code enabledad}, ADD waits for DAD on every IPv6 address and fails, undoing
 *     everything, if DAD fails or takes over 5 s; v1.1.1 waits only with an IPv6 gateway, up to
 *     10 s, and then returns success with an unusable address.</li>
 * <li>{@code vlan}: an existing bridge without VLAN filtering gets it turned on (the reference
 *     leaves it off, so the VLAN is not enforced); a kernel without bridge VLAN filtering fails
 *     the ADD with a message saying so and leaves no veth (the reference leaks the veth when the
 *     bridge exists). The port keeps its default-VLAN membership, as in v1.1.1.</li>
 * <li>{@code vlanTrunk} (later releases) is refused with code 2.</li>
 * <li>{@code ipMasq} and {@code macspoofchk} are nftables rules in Keelson's own tables
 *     ({@link IpMasq}, {@link SpoofCheck}), found again by container id and interface, so DEL
 *     removes them also when the netns is gone (the reference leaks its iptables masquerade chain
 *     then, as it needs the container's addresses to find it).</li>
 * </ul>
 */
public final class BridgePlugin implements Plugin {
    /** The name the banner and VERSION use. */
    public static final About ABOUT = About.of("bridge");

    @Override
    public Result add(Request req) {
        BridgeConfig conf = BridgeConfig.forAdd(req);
        if (conf.hairpinMode() && conf.promiscMode()) {
            throw new CniException(CniException.INTERNAL, "cannot set hairpin mode and promiscuous mode at the same time.");
        }
        if (conf.disableContainerInterface() && req.config().ipamType().isPresent()) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG,
                    "cannot use IPAM when DisableContainerInterface flag is set");
        }
        try (Rtnetlink host = Rtnetlink.open(); Cleanup undo = new Cleanup()) {
            try {
                Result r = attach(req, conf, host, undo);
                undo.commit();
                return r;
            } catch (RuntimeException e) {
                throw undo.failed(e);
            }
        }
    }

    private static Result attach(Request req, BridgeConfig conf, Rtnetlink host, Cleanup undo) {
        Links links = new Links(host);
        Link br = HostBridge.ensure(links, host, conf);
        try (NetNamespace pod = PodNetns.open(req.netns())) {
            String hostVeth = Veths.create(links, pod, req.ifName(), conf.mtu(), br.index(), conf.mac(), undo);
            if (conf.hairpinMode() || conf.portIsolation()) { // both off is the kernel's default for a new port
                BridgePortOptions port = BridgePortOptions.NONE.hairpin(conf.hairpinMode());
                if (conf.portIsolation()) {
                    port = port.isolated(true); // only when asked: kernels before 4.18 lack IFLA_BRPORT_ISOLATED
                }
                links.setBridgePort(hostVeth, port);
            }
            Link hostLink = links.get(hostVeth);
            if (conf.vlan() != 0) {
                try {
                    BridgeVlans.setAccessVlan(host, hostLink.index(), hostVeth, conf.vlan());
                } catch (RuntimeException e) {
                    throw new CniException(CniException.INTERNAL, "failed to setup vlan tag on interface \"" + hostVeth
                            + "\": " + e.getMessage(), "", e);
                }
            }
            hostSysctls(List.of(conf.bridge(), hostVeth), null);
            String network = req.config().name();

            NetworkConfig nc = req.config();
            List<IpConfig> ips = List.of();
            List<Route> routes = List.of();
            Dns dns = nc.dns();
            Link vlanGateway = null;
            Gateways gw = null;
            Optional<String> ipamType = nc.ipamType();
            if (ipamType.isPresent()) {
                String type = ipamType.get();
                Result ipam = IpamStep.add(req, type, undo);
                gw = Gateways.of(ipam.ips(), ipam.routes(), conf);
                ips = gw.ips();
                routes = gw.routes();
                if (dns.isEmpty()) {
                    dns = ipam.dns();
                }
            }
            // One visit to the pod: its interface read back, and configured (or only brought up).
            Link contLink = ContainerSide.configureInside(pod, req.ifName(), ips, routes, conf.enableDad(),
                    !conf.disableContainerInterface());
            if (conf.macSpoofCheck()) {
                SpoofCheck.setup(network, req.containerId(), req.ifName(), hostVeth, mac(contLink));
                undo.onFailure("remove MAC spoof check", () -> SpoofCheck.teardown(network, req.containerId(), req.ifName()));
            }
            if (gw != null) {
                Ports.awaitForwarding(links, hostVeth);
                if (conf.isGateway()) {
                    vlanGateway = gateways(links, host, br, gw, conf);
                }
                if (conf.ipMasq()) {
                    IpMasq.setup(network, req.containerId(), req.ifName(), ips.stream().map(IpConfig::address).toList());
                    undo.onFailure("remove IP masquerade", () -> IpMasq.teardown(network, req.containerId(), req.ifName()));
                }
            }
            // The bridge's MAC may change when its first port is added or its address is set.
            Link brNow = links.get(br.index());
            List<Interface> ifs = new ArrayList<>();
            ifs.add(Interface.of(brNow.name(), mac(brNow), null));
            ifs.add(Interface.of(hostLink.name(), mac(hostLink), null));
            ifs.add(Interface.of(contLink.name(), mac(contLink), req.netns()));
            if (vlanGateway != null) {
                ifs.add(Interface.of(vlanGateway.name(), mac(vlanGateway), null));
            }
            return Result.of(ifs, ips, routes, dns);
        }
    }

    /**
     * Puts the gateway addresses on the bridge, or with {@code vlan} on the VLAN's gateway
     * interface (which is returned), and enables forwarding.
     */
    private static Link gateways(Links links, Rtnetlink host, Link br, Gateways gw, BridgeConfig conf) {
        Addresses hostAddrs = new Addresses(host);
        Link vlanGateway = null;
        if (conf.vlan() != 0 && !gw.bridgeAddresses().isEmpty()) {
            vlanGateway = VlanGateway.ensure(links, host, br, conf.vlan());
        }
        for (String cidr : gw.bridgeAddresses()) {
            if (vlanGateway != null) {
                HostBridge.ensureAddress(links, hostAddrs, vlanGateway, cidr, conf.forceAddress(),
                        "failed to set vlan interface for bridge with addr: ");
            } else {
                HostBridge.ensureAddress(links, hostAddrs, br, cidr, conf.forceAddress());
            }
        }
        hostSysctls(List.of(), gw.bridgeAddresses());
        return vlanGateway == null ? null : links.get(vlanGateway.index());
    }

    @Override
    public void del(Request req) {
        BridgeConfig conf = BridgeConfig.of(req.config());
        Path netns = req.netnsPath();
        if (netns != null) {
            Optional<NetNamespace> pod = PodNetns.openIfPresent(netns);
            if (pod.isPresent()) {
                try (NetNamespace ns = pod.get(); Rtnetlink inPod = Rtnetlink.open(ns)) {
                    new Links(inPod).deleteIfExists(req.ifName());
                }
            }
        }
        // Found by container and interface alone, so they go even when the netns is already gone;
        // before IPAM, so a released address never still has another container's masquerade.
        // DEL gets the ADD's config, so a config without them made none (GC sweeps strays).
        String network = req.config().name();
        if (conf.macSpoofCheck()) {
            SpoofCheck.teardown(network, req.containerId(), req.ifName());
        }
        if (conf.ipMasq()) {
            IpMasq.teardown(network, req.containerId(), req.ifName());
        }
        // After the interface: an address must not be handed out again while still configured.
        req.config().ipamType().ifPresent(type -> Ipam.del(req, type));
    }

    @Override
    public void check(Request req) {
        BridgeConfig conf = BridgeConfig.of(req.config());
        try (NetNamespace pod = PodNetns.open(req.netns())) {
            req.config().ipamType().ifPresent(type -> Ipam.check(req, type));
            Result prev = req.config().prevResult().orElseThrow(
                    () -> new CniException(CniException.INTERNAL, "Required prevResult missing"));
            Checks.verify(req, conf, prev, pod);
            String network = req.config().name();
            if (conf.ipMasq() && !IpMasq.isSetUp(network, req.containerId(), req.ifName(),
                    prev.ips().stream().map(IpConfig::address).toList())) {
                throw new CniException(CniException.INTERNAL, "ipMasq: the masquerade rules of container "
                        + req.containerId() + " interface " + req.ifName() + " are missing or changed");
            }
            if (conf.macSpoofCheck()) {
                String hostVeth = prev.interfaces().stream()
                        .filter(i -> i.sandbox() == null || i.sandbox().isEmpty())
                        .map(Interface::name).filter(n -> !n.equals(conf.bridge())).findFirst().orElse("");
                if (!SpoofCheck.isSetUp(network, req.containerId(), req.ifName(), hostVeth)) {
                    throw new CniException(CniException.INTERNAL, "macspoofchk: the spoof check of container "
                            + req.containerId() + " interface " + req.ifName() + " on " + hostVeth + " is missing");
                }
            }
        }
    }

    /**
     * GC (CNI 1.1): for every attachment of this network not in {@code cni.dev/valid-attachments},
     * removes its spoof check and masquerading, then releases its IPAM addresses (rules first, so
     * a released address never still carries a stale rule). Host veths need no collecting: the
     * kernel deletes a veth pair when the pod's namespace goes.
     */
    @Override
    public void gc(Request req) {
        BridgeConfig.of(req.config());
        String network = req.config().name();
        List<NetworkConfig.Attachment> valid = req.config().validAttachments();
        try {
            SpoofCheck.gc(network, valid);
            IpMasq.gc(network, valid);
        } catch (RuntimeException e) {
            throw new CniException(CniException.INTERNAL, "GC of the nftables rules of network \"" + network
                    + "\" failed: " + e.getMessage(), "", e);
        }
        req.config().ipamType().ifPresent(type -> Ipam.gc(req, type));
    }

    /**
     * STATUS (CNI 1.1): the IPAM plugin's STATUS, and code 50 when {@code macspoofchk} or
     * {@code ipMasq} is on and nftables cannot be used ({@code ipMasq} falls back to iptables
     * when an {@code iptables-restore} is on PATH).
     */
    @Override
    public void status(Request req) {
        BridgeConfig conf = BridgeConfig.of(req.config());
        Optional<String> spoof = conf.macSpoofCheck() ? SpoofCheck.unusableReason() : Optional.empty();
        Optional<String> masq = conf.ipMasq() ? IpMasq.unusableReason() : Optional.empty();
        if (spoof.isPresent() || masq.isPresent()) {
            throw new CniException(CniException.NOT_AVAILABLE, (spoof.isPresent() ? "macspoofchk" : "ipMasq")
                    + " cannot be set up: " + spoof.or(() -> masq).get());
        }
        try (Rtnetlink host = Rtnetlink.open()) {
            Optional<Link> br = new Links(host).find(conf.bridge());
            if (br.isPresent() && !br.get().is(Bridge.KIND)) {
                throw new CniException(CniException.NOT_AVAILABLE, "\"" + conf.bridge()
                        + "\" exists but is not a bridge: ADD cannot attach containers to it");
            }
            if (br.isPresent() && !br.get().isUp()) {
                // Existing containers are cut off, not just new ones refused: the spec's 51.
                throw new CniException(CniException.LIMITED_CONNECTIVITY, "bridge \"" + conf.bridge()
                        + "\" is down: the containers attached to it have no connectivity");
            }
        }
        req.config().ipamType().ifPresent(type -> Ipam.status(req, type));
    }

    /**
     * Host-namespace sysctls, written as the reference does: {@code accept_ra=0} on our links (we
     * own their routes; failures ignored, e.g. without IPv6) and forwarding for each family that
     * got a gateway.
     */
    private static void hostSysctls(List<String> noAcceptRa, List<String> gateways) {
        Sysctls s = Sysctls.here(); // the calling thread is in the host namespace
        for (String ifname : noAcceptRa) {
            try {
                s.setInterface(IpFamily.IPV6, ifname, "accept_ra", "0");
            } catch (RuntimeException e) {
                // IPv6 disabled or the interface has no IPv6 config: nothing to own.
            }
        }
        if (gateways != null) {
            try {
                if (gateways.stream().anyMatch(g -> g.indexOf(':') < 0) && !s.ipForward()) {
                    s.setIpForward(true);
                }
                if (gateways.stream().anyMatch(g -> g.indexOf(':') >= 0) && !s.ipv6Forwarding()) {
                    s.setIpv6Forwarding(true);
                }
            } catch (RuntimeException e) {
                throw new CniException(CniException.INTERNAL, "failed to enable forwarding: " + e.getMessage(), "", e);
            }
        }
    }

    private static String mac(Link l) {
        return l.mac() == null ? null : l.mac().toString();
    }
}
