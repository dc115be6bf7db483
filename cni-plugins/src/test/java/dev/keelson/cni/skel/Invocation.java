package dev.keelson.cni.skel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What one CNI invocation printed and returned, and the two ways the differential tests make
 * one: exec'ing a reference plugin from /usr/lib/cni with exactly the given environment, and
 * running a Keelson plugin in-process through {@link Skeleton}.
 */
public record Invocation(int exit, String out, String err) {
    private static final ObjectMapper M = new ObjectMapper();

    /** Execs {@code /usr/lib/cni/PLUGIN} with only {@code env} and {@code stdin}. */
    public static Invocation reference(String plugin, Map<String, String> env, String stdin) {
        return exec(List.of("/usr/lib/cni/" + plugin), env, stdin);
    }

    /** Execs a command with only {@code env} (plus PATH) and {@code stdin}. */
    public static Invocation exec(List<String> argv, Map<String, String> env, String stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // The plugin may exit without reading stdin (VERSION, env errors).
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + argv);
            }
            return new Invocation(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs {@code plugin} in-process with the same inputs. */
    public static Invocation ours(Plugin plugin, About about, Map<String, String> env, String stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Skeleton(plugin, about).run(env, stdin.getBytes(StandardCharsets.UTF_8), out, err);
        return new Invocation(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Execs Keelson's plugin main class in a fresh JVM (the exec'd path without the fast client). */
    public static Invocation oursExec(Class<?> main, Map<String, String> env, String stdin) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> argv = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        return exec(argv, env, stdin);
    }

    /** stdout as JSON. */
    public JsonNode json() {
        try {
            return M.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + out, e);
        }
    }

    /** The error object without its cniVersion (which Keelson adds and the reference omits). */
    public JsonNode errorWithoutVersion() {
        ObjectNode o = ((ObjectNode) json()).deepCopy();
        o.remove("cniVersion");
        return o;
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String path() {
        return "/usr/lib/cni" + File.pathSeparator + "/opt/cni/bin";
    }
}
