package dev.keelson.cni.plugins.hostlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keelson.cni.skel.Invocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The same invocations against the reference {@code /usr/lib/cni/host-local} (exec'd) and
 * Keelson's plugin (in-process), each with its own data directory: configs name it as
 * {@code @DIR@}. The network is always {@code hlnet}.
 */
final class Twin {
    static final String NETWORK = "hlnet";
    /** No namespace is touched by IPAM; a path that does not exist keeps the skeleton's own-netns check quiet. */
    static final String NETNS = "/var/run/netns/keelson-hl-absent";

    final Path refDir;
    final Path ourDir;

    Twin(Path tmp) {
        refDir = tmp.resolve("ref");
        ourDir = tmp.resolve("ours");
    }

    /** What both printed for one invocation. */
    record Pair(Invocation ref, Invocation ours) {
        /** Both succeeded and printed the same bytes. */
        Pair sameOutput() {
            assertEquals(0, ref.exit(), "reference: " + ref.out());
            assertEquals(0, ours.exit(), "ours: " + ours.out());
            assertEquals(ref.out(), ours.out());
            return this;
        }

        /** Both failed with the same message; returns the codes as "ref/ours". */
        String sameMessage() {
            assertEquals(1, ref.exit(), "reference: " + ref.out());
            assertEquals(1, ours.exit(), "ours: " + ours.out());
            assertEquals(ref.json().get("msg"), ours.json().get("msg"));
            return ref.json().get("code").asInt() + "/" + ours.json().get("code").asInt();
        }
    }

    static Map<String, String> env(String cmd, String containerId, String ifname, String cniArgs) {
        Map<String, String> m = new HashMap<>();
        m.put("CNI_COMMAND", cmd);
        m.put("CNI_CONTAINERID", containerId);
        m.put("CNI_NETNS", NETNS);
        m.put("CNI_IFNAME", ifname);
        m.put("CNI_PATH", "/usr/lib/cni");
        m.put("CNI_ARGS", cniArgs);
        return m;
    }

    Pair run(String cmd, String containerId, String cniArgs, String conf) {
        return run(cmd, containerId, "eth0", cniArgs, conf);
    }

    Pair run(String cmd, String containerId, String ifname, String cniArgs, String conf) {
        Map<String, String> env = env(cmd, containerId, ifname, cniArgs);
        Invocation ref = Invocation.reference("host-local", env, conf.replace("@DIR@", refDir.toString()));
        return new Pair(ref, ours(env, conf));
    }

    Invocation ours(Map<String, String> env, String conf) {
        return Invocation.ours(new HostLocalPlugin(), HostLocalPlugin.ABOUT, env, conf.replace("@DIR@", ourDir.toString()));
    }

    /** Both data directories hold the same files with the same modes and bytes. */
    void sameTrees() {
        assertEquals(tree(refDir.resolve(NETWORK)), tree(ourDir.resolve(NETWORK)));
    }

    /** Every file of a directory: name to "mode|content"; empty when the directory is absent. */
    static Map<String, String> tree(Path dir) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(f))
                        + "|" + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A network config of {@code version} whose ipam section holds {@code ipamFields} and the data dir. */
    static String conf(String version, String ipamFields) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"" + NETWORK + "\",\"type\":\"bridge\",\"ipam\":{\"type\":\"host-local\","
                + "\"dataDir\":\"@DIR@\"" + (ipamFields.isEmpty() ? "" : "," + ipamFields) + "}}";
    }
}
