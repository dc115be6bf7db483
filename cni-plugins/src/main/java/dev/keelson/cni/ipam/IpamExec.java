package dev.keelson.cni.ipam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cni.exec.PluginExec;
import dev.keelson.cni.skel.Request;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.Result;
import dev.keelson.cni.spec.ResultCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
     * GC or STATUS (spec 1.1) of the IPAM plugin: exec'd with only {@code CNI_COMMAND} and
     * {@code CNI_PATH}, as the spec passes these verbs (no container, netns or interface).
     */
    public static void networkVerb(Request request, String type, String verb) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("CNI_"));
        env.put("CNI_COMMAND", verb);
        env.put("CNI_PATH", request.path().stream().map(Path::toString).collect(Collectors.joining(":")));
        PluginExec.exec(find(type, request.path()), env, request.stdin(), TIMEOUT);
    }

    /** The first regular file named {@code plugin} in {@code path}; errors read as libcni's {@code FindInPath}. */
    public static Path find(String plugin, List<Path> path) {
        return PluginExec.find(plugin, path);
    }

    private static String exec(Request request, String type, String verb) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("CNI_COMMAND", verb);
        env.put("CNI_CONTAINERID", request.containerId());
        env.put("CNI_NETNS", request.netns());
        env.put("CNI_IFNAME", request.ifName());
        env.put("CNI_ARGS", request.rawArgs());
        env.put("CNI_PATH", request.path().stream().map(Path::toString).collect(Collectors.joining(":")));
        return new String(PluginExec.exec(find(type, request.path()), env, request.stdin(), TIMEOUT), StandardCharsets.UTF_8);
    }
}
