package dev.keelson.cni.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cni.plugins.bridge.BridgePlugin;
import dev.keelson.cni.plugins.hostlocal.HostLocalPlugin;
import dev.keelson.cni.plugins.loopback.LoopbackPlugin;
import dev.keelson.cni.skel.Skeleton;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.GoJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
        return own != null ? runInProcess(own.get(), env, stdin) : exec(find(type), env, stdin);
    }

    /** The first regular file named {@code type} in the path; errors read as libcni's {@code FindInPath}. */
    public Path find(String type) {
        if (type == null || type.isEmpty()) {
            throw new CniException(CniException.INTERNAL, "no plugin name provided");
        }
        if (type.indexOf('/') >= 0) {
            throw new CniException(CniException.INTERNAL, "invalid plugin name: " + type);
        }
        if (path.isEmpty()) {
            throw new CniException(CniException.INTERNAL, "no paths provided");
        }
        for (Path dir : path) {
            Path p = dir.resolve(type);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new CniException(CniException.INTERNAL, "failed to find plugin \"" + type + "\" in path "
                + path.stream().map(Path::toString).collect(Collectors.joining(" ", "[", "]")));
    }

    private static byte[] runInProcess(Skeleton skel, Map<String, String> env, byte[] stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = skel.run(env, stdin, out, OutputStream.nullOutputStream());
        byte[] bytes = out.toByteArray();
        if (exit != 0) {
            throw failure(exit, bytes, "");
        }
        return bytes;
    }

    private byte[] exec(Path binary, Map<String, String> env, byte[] stdin) {
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CniException(CniException.INTERNAL, "failed to run plugin " + binary + ": " + e.getMessage(), "", e);
        }
        // Both pipes are drained on their own threads: the timeout must hold even while the
        // plugin keeps stdout open, and a chatty plugin must not block on a full pipe.
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), Thread.ofVirtual()::start);
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), Thread.ofVirtual()::start);
        // stdin too: a hung plugin that never reads a large config must not block us past the timeout.
        Thread.ofVirtual().start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // The plugin may exit before reading stdin; its exit status says what went wrong.
            }
        });
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new CniException(CniException.TRY_AGAIN_LATER, "plugin " + binary + " did not finish "
                        + env.get("CNI_COMMAND") + " within " + timeout.toMillis() + " ms and was killed");
            }
            int exit = p.exitValue();
            // A plugin's children may hold the pipes open after it exits; give them the rest of the timeout.
            byte[] stdout = out.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exit != 0) {
                byte[] stderr = err.getNow(new byte[0]);
                throw failure(exit, stdout, new String(stderr, StandardCharsets.UTF_8));
            }
            return stdout;
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new CniException(CniException.INTERNAL, "interrupted while waiting for plugin " + binary);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            kill(p);
            throw new CniException(CniException.TRY_AGAIN_LATER, "plugin " + binary + " exited but its output did not close within "
                    + timeout.toMillis() + " ms");
        }
    }

    /** Kills the plugin and whatever it started (a shell plugin's {@code sleep} would otherwise linger). */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The plugin's error as libcni's RawExec reports it: its error JSON, else its stderr. */
    static CniException failure(int exit, byte[] stdout, String stderr) {
        String out = new String(stdout, StandardCharsets.UTF_8);
        if (out.isBlank()) {
            return new CniException(CniException.INTERNAL, stderr.isEmpty()
                    ? "netplugin failed with no error message: exit status " + exit
                    : "netplugin failed: " + GoJson.goQuoted(stderr));
        }
        try {
            JsonNode e = JSON.readTree(out);
            return new CniException(e.path("code").asInt(0), e.path("msg").asText(""), e.path("details").asText(""));
        } catch (IOException e) {
            return new CniException(CniException.INTERNAL, "netplugin failed but error parsing its diagnostic message "
                    + GoJson.goQuoted(out) + ": " + e.getMessage());
        }
    }

    private static byte[] drain(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
