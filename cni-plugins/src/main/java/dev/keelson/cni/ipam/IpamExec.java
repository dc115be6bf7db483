package dev.keelson.cni.ipam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.GoJson;
import dev.keelson.cni.spec.Result;
import dev.keelson.cni.spec.ResultCodec;
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
 * Delegates IPAM to a plugin executable found in {@code CNI_PATH}, as the spec's delegation
 * rules (and libcni's {@code invoke.Delegate*}) have it: the delegate sees the caller's
 * environment with {@code CNI_COMMAND} set to the verb, and the caller's network config on
 * stdin. A failing delegate's error JSON is passed on with its code and message, so a runtime
 * sees e.g. host-local's "no IP addresses available in range set" unchanged.
 *
 * <p>The environment is rebuilt from the {@link Request} rather than inherited from this
 * process, so an in-process plugin (whose process environment is not the CNI one) delegates
 * exactly like an exec'd one. The child inherits the calling thread's network namespace.
 */
public final class IpamExec {
    /** How long a delegate may run before it is killed (libcni itself has no limit). */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private IpamExec() {
    }

    /** Runs the IPAM plugin {@code type} with ADD and returns its result, upconverted. */
    public static Result add(Request request, String type) {
        String out = exec(request, type, "ADD");
        try {
            JsonNode json = JSON.readTree(out);
            return ResultCodec.read(json, request.config().versionText());
        } catch (IOException e) {
            throw new CniException(CniException.DECODING_FAILURE,
                    "failed to decode the result of IPAM plugin \"" + type + "\": " + e.getMessage(), "", e);
        }
    }

    /** Runs the IPAM plugin {@code type} with DEL. */
    public static void del(Request request, String type) {
        exec(request, type, "DEL");
    }

    /** Runs the IPAM plugin {@code type} with CHECK. */
    public static void check(Request request, String type) {
        exec(request, type, "CHECK");
    }

    /**
     * The first regular file named {@code plugin} in {@code path}; errors read as libcni's
     * {@code FindInPath}.
     */
    public static Path find(String plugin, List<Path> path) {
        if (plugin == null || plugin.isEmpty()) {
            throw new CniException(CniException.INTERNAL, "no plugin name provided");
        }
        if (plugin.indexOf('/') >= 0) {
            throw new CniException(CniException.INTERNAL, "invalid plugin name: " + plugin);
        }
        if (path.isEmpty()) {
            throw new CniException(CniException.INTERNAL, "no paths provided");
        }
        for (Path dir : path) {
            Path p = dir.resolve(plugin);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new CniException(CniException.INTERNAL, "failed to find plugin \"" + plugin + "\" in path "
                + path.stream().map(Path::toString).collect(Collectors.joining(" ", "[", "]")));
    }

    private static String exec(Request request, String type, String verb) {
        Path binary = find(type, request.path());
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        Map<String, String> env = pb.environment();
        env.put("CNI_COMMAND", verb);
        env.put("CNI_CONTAINERID", request.containerId());
        env.put("CNI_NETNS", request.netns());
        env.put("CNI_IFNAME", request.ifName());
        env.put("CNI_ARGS", request.rawArgs());
        env.put("CNI_PATH", request.path().stream().map(Path::toString).collect(Collectors.joining(":")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CniException(CniException.INTERNAL, "failed to run IPAM plugin " + binary + ": " + e.getMessage(), "", e);
        }
        // stderr is drained on its own (virtual) thread so a chatty plugin cannot block on a full pipe.
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()),
                Thread.ofVirtual()::start);
        try (OutputStream in = p.getOutputStream()) {
            in.write(request.stdin());
        } catch (IOException e) {
            // The plugin may exit before reading stdin; its exit status says what went wrong.
        }
        String out = read(p.getInputStream());
        int exit;
        try {
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new CniException(CniException.TRY_AGAIN_LATER,
                        "IPAM plugin " + binary + " did not finish " + verb + " within " + TIMEOUT.toSeconds() + "s");
            }
            exit = p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CniException(CniException.INTERNAL, "interrupted while waiting for IPAM plugin " + binary);
        }
        if (exit != 0) {
            throw failure(exit, out, err.join());
        }
        return out;
    }

    /** The delegate's error as libcni's RawExec reports it. */
    private static CniException failure(int exit, String out, String err) {
        if (out.isBlank()) {
            return new CniException(CniException.INTERNAL, err.isEmpty()
                    ? "netplugin failed with no error message: exit status " + exit
                    : "netplugin failed: " + GoJson.goQuoted(err));
        }
        try {
            JsonNode e = JSON.readTree(out);
            int code = e.path("code").asInt(0);
            return new CniException(code, e.path("msg").asText(""), e.path("details").asText(""));
        } catch (IOException e) {
            return new CniException(CniException.INTERNAL, "netplugin failed but error parsing its diagnostic message "
                    + GoJson.goQuoted(out) + ": " + e.getMessage());
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
