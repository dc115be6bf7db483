package dev.keelson.cni.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.GoJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Exec'ing a CNI plugin the way libcni does (FindInPath, RawExec): find it in the plugin path, run
 * it with the CNI_* environment and the config on stdin, and turn a failure into the plugin's own
 * {@link CniException}. Used by the runtime-side invoker and by main plugins delegating to IPAM.
 * Unlike libcni, every exec has a timeout.
 */
public final class PluginExec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PluginExec() {
    }

    /** The first regular file named {@code type} in the path; errors read as libcni's {@code FindInPath}. */
    public static Path find(String type, List<Path> path) {
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

    /**
     * Execs {@code binary} with exactly {@code env} and {@code stdin}; returns its stdout, or throws
     * its error. After {@code timeout} the plugin and its children are killed (code 11).
     */
    public static byte[] exec(Path binary, Map<String, String> env, byte[] stdin, Duration timeout) {
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
                // Not getNow: stderr may still be draining when stdout reached EOF (seen under load).
                byte[] stderr = err.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
    public static CniException failure(int exit, byte[] stdout, String stderr) {
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
