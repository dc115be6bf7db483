package dev.keelson.cni.plugins;

import dev.keelson.cni.skel.About;
import dev.keelson.cni.skel.Invocation;
import dev.keelson.cni.skel.Plugin;
import dev.keelson.netns.NetNamespace;
import dev.keelson.testing.Ip;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One side of a differential test of a main plugin: its own "host" namespace, pod namespaces and
 * host-local data dir. Ours runs in-process on a thread inside the host namespace, the reference
 * ({@code /usr/lib/cni/TYPE}) through {@code ip netns exec HOST}. {@code DATADIR} in a config is
 * replaced by this side's data dir.
 */
public final class TwinSide {
    private static final AtomicInteger SEQ = new AtomicInteger();

    public final NetNamespace host;
    public final List<NetNamespace> pods = new ArrayList<>();
    public final Path dataDir;
    public final boolean reference;
    private final String type;
    private final String network;
    private final Supplier<Plugin> plugin;
    private final About about;

    /**
     * @param prefix  namespace name prefix, e.g. "br"
     * @param network the config's network name (host-local's directory under the data dir)
     */
    public TwinSide(String prefix, String tag, boolean reference, String type, String network,
                    Supplier<Plugin> plugin, About about) {
        int n = SEQ.incrementAndGet();
        this.reference = reference;
        this.type = type;
        this.network = network;
        this.plugin = plugin;
        this.about = about;
        host = NetNamespace.create(prefix + "-" + tag + "-host-" + n);
        pods.add(NetNamespace.create(prefix + "-" + tag + "-pod-" + n));
        try {
            dataDir = Files.createTempDirectory(prefix + "-ipam-" + tag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public NetNamespace pod() {
        return pods.get(0);
    }

    public NetNamespace newPod() {
        NetNamespace p = NetNamespace.create(host.name().replace("-host-", "-pod" + pods.size() + "-"));
        pods.add(p);
        return p;
    }

    public Invocation run(String cmd, String containerId, String netns, String conf) {
        return run(cmd, containerId, netns, conf, "");
    }

    public Invocation run(String cmd, String containerId, String netns, String conf, String cniArgs) {
        Map<String, String> env = env(cmd, containerId, netns, cniArgs);
        String c = conf.replace("DATADIR", dataDir.toString());
        if (reference) {
            return Invocation.exec(List.of("/usr/sbin/ip", "netns", "exec", host.name(), "/usr/lib/cni/" + type), env, c);
        }
        return host.run(() -> Invocation.ours(plugin.get(), about, env, c));
    }

    public Invocation add(NetNamespace pod, String containerId, String conf) {
        return run("ADD", containerId, pod.path().toString(), conf);
    }

    public Invocation del(String netns, String containerId, String conf) {
        return run("DEL", containerId, netns, conf);
    }

    /** host-local's allocation files (one per address handed out). */
    public List<String> allocations() {
        Path net = dataDir.resolve(network);
        if (!Files.isDirectory(net)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(net)) {
            return s.map(p -> p.getFileName().toString()).filter(f -> Character.isDigit(f.charAt(0))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the links in namespace {@code ns}. */
    public static List<String> linkNames(String ns) {
        return Ip.links(ns).stream().map(l -> (String) l.get("ifname")).toList();
    }

    /** The IPv4 addresses on {@code dev} in namespace {@code ns}, as {@code a.b.c.d/len}. */
    @SuppressWarnings("unchecked")
    public static List<String> addrs(String ns, String dev) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> a : Ip.json(ns, "addr", "show", "dev", dev)) {
            for (Map<String, Object> i : (List<Map<String, Object>>) a.get("addr_info")) {
                if ("inet".equals(i.get("family"))) {
                    out.add(i.get("local") + "/" + i.get("prefixlen"));
                }
            }
        }
        return out;
    }

    /** The routes of namespace {@code ns} as sorted {@code dst via gw dev d} lines. */
    public static List<String> routes(String ns) {
        return Ip.json(ns, "route", "show").stream()
                .map(r -> r.get("dst") + " via " + r.get("gateway") + " dev " + r.get("dev")).sorted().toList();
    }

    public void close() {
        for (NetNamespace p : pods) {
            p.delete();
            p.close();
        }
        host.delete();
        host.close();
    }

    private static Map<String, String> env(String cmd, String containerId, String netns, String cniArgs) {
        Map<String, String> m = new HashMap<>();
        m.put("CNI_COMMAND", cmd);
        m.put("CNI_CONTAINERID", containerId);
        m.put("CNI_NETNS", netns);
        m.put("CNI_IFNAME", "eth0");
        m.put("CNI_PATH", "/usr/lib/cni");
        m.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        if (!cniArgs.isEmpty()) {
            m.put("CNI_ARGS", cniArgs);
        }
        return m;
    }
}
