package dev.keelson.cni.skel;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cni.skel.Request.Command;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.GoJson;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.cni.spec.Result;
import dev.keelson.cni.spec.ResultCodec;
import dev.keelson.cni.spec.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs a {@link Plugin} for one CNI invocation, exec'd ({@link #main}) or in-process
 * ({@link #run}): validates the environment and config, checks the version, dispatches the verb
 * and prints the outcome. The order of checks, the codes and the messages follow libcni's
 * {@code pkg/skel}, so a runtime sees the same errors as from the reference plugins:
 *
 * <pre>
 * env vars (4, or 3 for an empty container ID) ─ CNI_COMMAND unset: banner on stderr, exit 0
 * stdin config (6 bad JSON, 7 missing/invalid name)      ─ not for VERSION
 * version (1 unsupported; CHECK needs ≥ 0.4.0, STATUS/GC ≥ 1.1.0)
 * prevResult on ADD/CHECK (1 unknown result version, 6 malformed)
 * verb ─ result printed for the config's version, or the error JSON; exit 0 / 1
 * </pre>
 *
 * Deliberate differences from reference v1.1.1: STATUS and GC are implemented; an unknown verb
 * is "unknown CNI_COMMAND" (code 4) as in current libcni; results are converted to the config's
 * version properly (the reference prints a 1.0.0-shaped result for 0.1.0–0.3.1 configs); errors
 * carry the config's {@code cniVersion} once the config is known (the spec's error format); a
 * prevResult of an unknown version is code 1 "unsupported CNI result version" up front (the
 * reference reports it, if at all, as code 999 from the plugin).
 */
public final class Skeleton {
    private final Plugin plugin;
    private final About about;

    public Skeleton(Plugin plugin, About about) {
        this.plugin = plugin;
        this.about = about;
    }

    /** Runs as an exec'd plugin: process environment and stdin; exits with the outcome. */
    public static void main(Plugin plugin, About about) {
        Map<String, String> env = System.getenv();
        String cmd = env.getOrDefault("CNI_COMMAND", "");
        // VERSION and a bare invocation never read stdin, so a terminal does not block them.
        byte[] stdin = cmd.isEmpty() || cmd.equals("VERSION") ? new byte[0] : readAll(System.in);
        int code = new Skeleton(plugin, about).run(env, stdin, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** {@link #run(Map, byte[], OutputStream, OutputStream)} with the banner going to System.err. */
    public int run(Map<String, String> env, byte[] stdin, OutputStream out) {
        return run(env, stdin, out, System.err);
    }

    /**
     * Runs one invocation. {@code out} receives the result, VERSION's answer or the error JSON;
     * {@code err} only the banner. Returns the exit code: 0, or 1 after an error.
     */
    public int run(Map<String, String> env, byte[] stdin, OutputStream out, OutputStream err) {
        NetworkConfig config = null;
        try {
            try {
                Environment.validate(env);
            } catch (CniException e) {
                if (e.code() == CniException.INVALID_ENVIRONMENT && env.getOrDefault("CNI_COMMAND", "").isEmpty()) {
                    write(err, about.banner());
                    return 0;
                }
                throw e;
            }
            String cmdText = env.get("CNI_COMMAND");
            Command cmd = Environment.command(cmdText);
            if (cmd == Command.VERSION) {
                write(out, GoJson.compact(versionJson()) + "\n");
                return 0;
            }
            config = NetworkConfig.parse(stdin);
            if (cmd == null) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "unknown CNI_COMMAND: " + cmdText);
            }
            Request req = new Request(cmd, env.getOrDefault("CNI_CONTAINERID", ""), env.getOrDefault("CNI_NETNS", ""),
                    env.getOrDefault("CNI_IFNAME", ""), env.getOrDefault("CNI_ARGS", ""),
                    Request.splitPath(env.get("CNI_PATH")), config, stdin);
            SpecVersion version = checkVersion(cmd, config);
            if ((cmd == Command.ADD || cmd == Command.CHECK) && config.rawPrevResult() != null) {
                // Before any work: a prevResult of an unknown version is code 1, a malformed one 6,
                // whether or not the plugin reads it (loopback does not; bridge's CHECK would
                // otherwise fail later on an unrelated symptom). DEL stays best-effort.
                config.prevResult();
            }
            dispatch(req, version, env, out);
            return 0;
        } catch (CniException e) {
            return fail(out, label(e, config));
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return fail(out, label(new CniException(CniException.INTERNAL, msg, "", e), config));
        }
    }

    private void dispatch(Request req, SpecVersion version, Map<String, String> env, OutputStream out) {
        switch (req.command()) {
            case ADD -> {
                rejectOwnNamespace(req, env);
                Result r = plugin.add(req);
                if (r == null) {
                    throw new CniException(CniException.INTERNAL, "plugin returned no result");
                }
                write(out, GoJson.pretty(ResultCodec.write(r, version)));
            }
            case DEL -> {
                rejectOwnNamespace(req, env);
                plugin.del(req);
            }
            case CHECK -> plugin.check(req);
            case STATUS -> plugin.status(req);
            case GC -> plugin.gc(req);
            case VERSION -> throw new IllegalStateException("VERSION is answered before dispatch");
        }
    }

    /** The config's version against the plugin's, and the minimum each verb needs. */
    private SpecVersion checkVersion(Command cmd, NetworkConfig config) {
        String text = config.versionText();
        SpecVersion minimum = switch (cmd) {
            case CHECK -> SpecVersion.V0_4_0;
            case STATUS, GC -> SpecVersion.V1_1_0;
            default -> null;
        };
        if (minimum != null && SpecVersion.compare(text, minimum.text()) < 0) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "config version does not allow " + cmd);
        }
        SpecVersion v = SpecVersion.find(text).filter(about.supported()::contains).orElse(null);
        if (v == null) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "incompatible CNI versions",
                    "config is " + GoJson.goQuoted(text) + ", plugin supports " + GoJson.goQuotedList(about.supportedTexts()));
        }
        return v;
    }

    /**
     * A plugin must not configure its own namespace (a runtime bug that would rewire the host);
     * CNI_NETNS_OVERRIDE=1/true allows it, as in libcni. A netns that does not exist is left to
     * the plugin to report.
     */
    private static void rejectOwnNamespace(Request req, Map<String, String> env) {
        String override = env.getOrDefault("CNI_NETNS_OVERRIDE", "");
        if (override.equals("1") || override.equalsIgnoreCase("true") || req.netnsPath() == null) {
            return;
        }
        try {
            // One stat each (a "unix:ino" read alone builds every attribute).
            Map<String, Object> mine = Files.readAttributes(Path.of("/proc/thread-self/ns/net"), "unix:dev,ino");
            Map<String, Object> theirs = Files.readAttributes(req.netnsPath(), "unix:dev,ino");
            if (mine.equals(theirs)) {
                throw new CniException(CniException.INVALID_NETNS,
                        "plugin's netns and netns from CNI_NETNS should not be the same");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Missing or unreadable: the plugin's own open reports it with the path.
        }
    }

    private ObjectNode versionJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("cniVersion", SpecVersion.CURRENT.text());
        about.supportedTexts().forEach(o.putArray("supportedVersions")::add);
        return o;
    }

    private static CniException label(CniException e, NetworkConfig config) {
        return config == null || config.cniVersion() == null ? e : e.withVersion(config.cniVersion());
    }

    private static int fail(OutputStream out, CniException e) {
        write(out, GoJson.pretty(e.toJson()));
        return 1;
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plugin's output", e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }
}
