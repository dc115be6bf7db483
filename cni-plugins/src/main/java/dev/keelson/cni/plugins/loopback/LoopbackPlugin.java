package dev.keelson.cni.plugins.loopback;

import dev.keelson.cni.plugins.common.PodNetns;
import dev.keelson.cni.skel.About;
import dev.keelson.cni.skel.Plugin;
import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.Dns;
import dev.keelson.cni.spec.Interface;
import dev.keelson.cni.spec.IpConfig;
import dev.keelson.cni.spec.Result;
import dev.keelson.linux.ErrnoException;
import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.Rtnetlink;
import dev.keelson.netns.addr.Address;
import dev.keelson.netns.addr.Addresses;
import dev.keelson.netns.link.Link;
import dev.keelson.netns.link.Links;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code loopback} plugin: brings {@code lo} up in the container's namespace (ADD), down
 * again (DEL), and checks it is up (CHECK). CNI_IFNAME is ignored — only {@code lo} is touched —
 * as in the reference. ADD's result names {@code lo} with MAC 00:00:00:00:00:00 in the sandbox
 * and the first IPv4 and IPv6 address {@code lo} carries (127.0.0.1/8, ::1/128); with a
 * {@code prevResult} (chained after another plugin) that result is passed through unchanged.
 */
public final class LoopbackPlugin implements Plugin {
    /** The name the banner and VERSION use. */
    public static final About ABOUT = About.of("loopback");

    private static final String LO = "lo";
    private static final String ZERO_MAC = "00:00:00:00:00:00";
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    @Override
    public Result add(Request request) {
        Optional<Result> prev = request.config().prevResult();
        List<IpConfig> ips = inNamespace(request.netns(), rtnl -> {
            Links links = new Links(rtnl);
            links.setUp(LO);
            int index = links.indexOf(LO);
            Addresses addrs = new Addresses(rtnl);
            List<IpConfig> found = new ArrayList<>();
            firstLoopback(addrs.list(index, AF_INET)).ifPresent(found::add);
            firstLoopback(addrs.list(index, AF_INET6)).ifPresent(found::add);
            return found;
        });
        if (prev.isPresent()) {
            return prev.get();
        }
        return Result.of(List.of(Interface.of(LO, ZERO_MAC, request.netns())), ips, List.of(), Dns.EMPTY);
    }

    @Override
    public void del(Request request) {
        if (request.netnsPath() == null) {
            return;
        }
        // DEL must succeed when the runtime has already removed the namespace (SPEC.md DEL).
        inNamespaceIfPresent(request.netns(), rtnl -> {
            new Links(rtnl).setDown(LO);
            return Boolean.TRUE;
        });
    }

    @Override
    public void check(Request request) {
        Link lo = inNamespace(request.netns(), rtnl -> new Links(rtnl).get(LO));
        if (!lo.isUp()) {
            throw new CniException(CniException.INTERNAL, "loopback interface is down");
        }
    }

    /** The first address of one family, after checking every address of lo is a loopback one. */
    private static Optional<IpConfig> firstLoopback(List<Address> addrs) {
        for (Address a : addrs) {
            InetAddress ip = a.prefix().address();
            if (!ip.isLoopbackAddress()) {
                throw new CniException(CniException.INTERNAL,
                        "loopback interface found with non-loopback address \"" + ip.getHostAddress() + "\"");
            }
        }
        if (addrs.isEmpty()) {
            return Optional.empty();
        }
        Address a = addrs.get(0);
        return Optional.of(new IpConfig(0, a.prefix().address().getHostAddress() + "/" + a.prefix().length(), null));
    }

    private static <T> T inNamespace(String netns, Function<Rtnetlink, T> work) {
        return inNamespaceIfPresent(netns, work).orElseThrow(() -> new CniException(CniException.INTERNAL,
                "failed to open netns \"" + netns + "\": no such file or directory"));
    }

    /** Runs {@code work} in the namespace; empty when there is no file at {@code netns}. */
    private static <T> Optional<T> inNamespaceIfPresent(String netns, Function<Rtnetlink, T> work) {
        Optional<NetNamespace> found = PodNetns.openIfPresent(Path.of(netns));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        NetNamespace ns = found.get();
        try (ns; Rtnetlink rtnl = Rtnetlink.open(ns)) {
            return Optional.of(work.apply(rtnl));
        } catch (ErrnoException e) {
            throw new CniException(CniException.INTERNAL, e.getMessage(), "", e);
        }
    }
}
