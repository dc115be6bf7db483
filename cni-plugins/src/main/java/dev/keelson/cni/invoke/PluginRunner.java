package dev.keelson.cni.invoke;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cni.exec.PluginExec;
import dev.keelson.cni.plugins.bridge.BridgePlugin;
import dev.keelson.cni.plugins.hostlocal.HostLocalPlugin;
import dev.keelson.cni.plugins.loopback.LoopbackPlugin;
import dev.keelson.cni.skel.Skeleton;
import dev.keelson.cni.spec.CniException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs one plugin invocation and returns its stdout, or throws the plugin's error as a
 * {@link CniException} with the plugin's own code, msg and details. Keelson's plugins (by
 * {@code type}, from the registry) run in-process through their {@link Skeleton}, which is the
 * same code path as their exec'd {@code main}, so they behave identically; any other type is
 * exec'd from the plugin path (first directory holding it wins, as with {@code CNI_PATH}).
 *
 * <p>Both run on the calling thread's network namespace: an in-process plugin directly, an exec'd
 * one because a child process inherits the namespaces of the thread that spawned it.
 */
public final class PluginRunner {
    /** libcni has no limit; a runtime needs one, so a hung plugin cannot wedge pod setup forever. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Path> path;
    private final Duration timeout;
    private final Map<String, Supplier<Skeleton>> inProcess;

    /**
     * @param path plugin directories, searched in order
     * @param timeout how long an exec'd plugin may run before it (and its children) are killed
     * @param inProcess plugin types run in-process; {@link #keelsonPlugins()} for Keelson's own
     */
    public PluginRunner(List<Path> path, Duration timeout, Map<String, Supplier<Skeleton>> inProcess) {
        this.path = List.copyOf(path);
        this.timeout = timeout;
        this.inProcess = Map.copyOf(inProcess);
    }

    /** Keelson's plugins by type: loopback, host-local, bridge. */
    public static Map<String, Supplier<Skeleton>> keelsonPlugins() {
        Map<String, Supplier<Skeleton>> m = new LinkedHashMap<>();
        m.put("loopback", () -> new Skeleton(new LoopbackPlugin(), LoopbackPlugin.ABOUT));
        m.put("host-local", () -> new Skeleton(new HostLocalPlugin(), HostLocalPlugin.ABOUT));
        m.put("bridge", () -> new Skeleton(new BridgePlugin(), BridgePlugin.ABOUT));
        return m;
    }

    public List<Path> path() {
        return path;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Whether {@code type} runs in-process. */
    public boolean isInProcess(String type) {
        return inProcess.containsKey(type);
    }

    /**
     * Runs plugin {@code type} with {@code command} and returns its stdout (empty for verbs
     * without output). {@code args} carries the CNI_* variables other than the command and path.
     */
    public byte[] run(String type, String command, RuntimeConf args, byte[] stdin) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", args.containerId());
        env.put("CNI_NETNS", args.netns());
        env.put("CNI_IFNAME", args.ifName());
        env.put("CNI_ARGS", args.cniArgs());
        env.put("CNI_PATH", path.stream().map(Path::toString).collect(Collectors.joining(":")));
        Supplier<Skeleton> own = inProcess.get(type);
        return own != null ? runInProcess(own.get(), env, stdin) : PluginExec.exec(find(type), env, stdin, timeout);
    }

    /** The first regular file named {@code type} in the path; errors read as libcni's {@code FindInPath}. */
    public Path find(String type) {
        return PluginExec.find(type, path);
    }

    private static byte[] runInProcess(Skeleton skel, Map<String, String> env, byte[] stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = skel.run(env, stdin, out, OutputStream.nullOutputStream());
        byte[] bytes = out.toByteArray();
        if (exit != 0) {
            throw PluginExec.failure(exit, bytes, "");
        }
        return bytes;
    }

}
