package dev.keelson.cni.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cni.skel.Skeleton;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.GoJson;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.cni.spec.NetworkConfigList;
import dev.keelson.cni.spec.Result;
import dev.keelson.cni.spec.ResultCodec;
import dev.keelson.cni.spec.SpecVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs network config lists for a runtime, as libcni's {@code CNIConfig} does:
 *
 * <ul>
 * <li>ADD runs the plugins in order, each getting the previous plugin's result as
 *     {@code prevResult}; the last result is cached and returned.</li>
 * <li>DEL runs them in reverse with the cached result as {@code prevResult} (0.4.0+), then drops
 *     the cache entry. An unreadable entry is dropped and DEL goes on without it.</li>
 * <li>CHECK needs 0.4.0+ (an error below), is skipped with {@code disableCheck}, and gives every
 *     plugin the cached result.</li>
 * <li>STATUS (1.1.0+; a no-op below) asks each plugin in order and stops at the first error.</li>
 * <li>GC (skipped with {@code disableGC}) first DELs every cached attachment of the network that
 *     is not in the valid set, then (1.1.0+) sends GC with {@code cni.dev/valid-attachments} to
 *     every plugin; all errors are collected.</li>
 * </ul>
 *
 * <p>Plugins run on the calling thread's network namespace (the runtime's host namespace). A
 * failing ADD or DEL names the plugin, as libcni does ({@code plugin type="bridge" name="net"
 * failed (add): ...}) and keeps the plugin's code and details.
 */
public final class CniInvoker {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PluginRunner runner;
    private final ResultCache cache;

    public CniInvoker(PluginRunner runner, ResultCache cache) {
        this.runner = runner;
        this.cache = cache;
    }

    /** Keelson's plugins in-process, others from {@code path}, the default timeout, results cached under {@code cacheDir}. */
    public static CniInvoker create(List<Path> path, Path cacheDir) {
        return create(path, cacheDir, PluginRunner.DEFAULT_TIMEOUT, PluginRunner.keelsonPlugins());
    }

    /** Fully specified: plugin path, cache dir, exec timeout and the in-process plugin registry. */
    public static CniInvoker create(List<Path> path, Path cacheDir, Duration timeout, Map<String, Supplier<Skeleton>> inProcess) {
        return new CniInvoker(new PluginRunner(path, timeout, inProcess), new ResultCache(cacheDir));
    }

    public PluginRunner runner() {
        return runner;
    }

    public ResultCache cache() {
        return cache;
    }

    /** Runs the chain's ADD and caches and returns the final result. */
    public Result add(NetworkList list, RuntimeConf rt) {
        NetworkConfigList c = list.config();
        Result result = null;
        for (int i = 0; i < c.plugins().size(); i++) {
            ObjectNode conf = c.pluginConfig(i, prev(result), rt.capabilityArgs());
            byte[] out = invoke(c, i, "ADD", rt, conf, "add");
            result = parseResult(c, i, out, list.cniVersion());
        }
        cache.put(list, rt, result);
        return result;
    }

    /** Runs the chain's DEL in reverse order with the cached result, then removes the cache entry. */
    public void del(NetworkList list, RuntimeConf rt) {
        NetworkConfigList c = list.config();
        JsonNode prev = null;
        if (atLeast(list.cniVersion(), SpecVersion.V0_4_0)) {
            try {
                prev = cache.get(list.name(), rt).flatMap(e -> e.result(list.cniVersion())).map(CniInvoker::prev).orElse(null);
            } catch (CniException e) {
                // A broken entry must not make the attachment undeletable: drop it and DEL without prevResult.
                cache.remove(list.name(), rt);
            }
        }
        for (int i = c.plugins().size() - 1; i >= 0; i--) {
            invoke(c, i, "DEL", rt, c.pluginConfig(i, prev, rt.capabilityArgs()), "delete");
        }
        cache.remove(list.name(), rt);
    }

    /** Runs the chain's CHECK with the cached result (see the class comment for the version rules). */
    public void check(NetworkList list, RuntimeConf rt) {
        if (!atLeast(list.cniVersion(), SpecVersion.V0_4_0)) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "configuration version "
                    + GoJson.goQuoted(list.cniVersion()) + " does not support the CHECK command");
        }
        NetworkConfigList c = list.config();
        if (c.disableCheck()) {
            return;
        }
        JsonNode prev;
        try {
            prev = cache.get(list.name(), rt).flatMap(e -> e.result(list.cniVersion())).map(CniInvoker::prev).orElse(null);
        } catch (CniException e) {
            throw new CniException(e.code(), "failed to get network " + GoJson.goQuoted(list.name()) + " cached result: " + e.msg(),
                    e.details(), e);
        }
        for (int i = 0; i < c.plugins().size(); i++) {
            invoke(c, i, "CHECK", rt, c.pluginConfig(i, prev, rt.capabilityArgs()), "check");
        }
    }

    /** Asks every plugin for its STATUS (1.1.0+); the first plugin that is not ready fails the call with its error. */
    public void status(NetworkList list) {
        if (!atLeast(list.cniVersion(), SpecVersion.V1_1_0)) {
            return;
        }
        NetworkConfigList c = list.config();
        RuntimeConf none = RuntimeConf.of("", "", "");
        for (int i = 0; i < c.plugins().size(); i++) {
            invoke(c, i, "STATUS", none, c.pluginConfig(i, null, null), "status");
        }
    }

    /**
     * Garbage-collects the network: DEL for every cached attachment of it not in {@code valid},
     * then (1.1.0+) GC to every plugin with {@code valid} as {@code cni.dev/valid-attachments}.
     * Every failure is collected; if any, one {@link CniException} (the first one's code) lists them all.
     */
    public void gc(NetworkList list, List<NetworkConfig.Attachment> valid) {
        NetworkConfigList c = list.config();
        if (c.disableGC()) {
            return;
        }
        Set<NetworkConfig.Attachment> keep = new HashSet<>(valid);
        List<CniException> errors = new ArrayList<>();
        for (ResultCache.Entry e : cache.attachments("")) {
            if (!e.networkName().equals(list.name()) || keep.contains(new NetworkConfig.Attachment(e.containerId(), e.ifName()))) {
                continue;
            }
            try {
                del(list, e.runtimeConf());
            } catch (CniException ex) {
                errors.add(new CniException(ex.code(), "failed to delete stale attachment " + e.containerId() + " " + e.ifName()
                        + ": " + ex.msg(), ex.details(), ex));
            }
        }
        if (atLeast(list.cniVersion(), SpecVersion.V1_1_0)) {
            ArrayNode attachments = JSON.createArrayNode();
            for (NetworkConfig.Attachment a : valid) {
                attachments.addObject().put("containerID", a.containerID()).put("ifname", a.ifname());
            }
            RuntimeConf none = RuntimeConf.of("", "", "");
            for (int i = 0; i < c.plugins().size(); i++) {
                ObjectNode conf = c.pluginConfig(i, null, null);
                conf.set("cni.dev/valid-attachments", attachments.deepCopy());
                try {
                    invoke(c, i, "GC", none, conf, "gc");
                } catch (CniException ex) {
                    errors.add(ex);
                }
            }
        }
        if (!errors.isEmpty()) {
            StringBuilder msg = new StringBuilder();
            for (CniException ex : errors) {
                msg.append(msg.isEmpty() ? "" : "\n").append(ex.getMessage());
            }
            throw new CniException(errors.get(0).code(), msg.toString(), "", errors.get(0));
        }
    }

    /** The cached result of an attachment in the list's version, if any (libcni's {@code GetNetworkListCachedResult}). */
    public Optional<Result> cachedResult(NetworkList list, RuntimeConf rt) {
        return cache.get(list.name(), rt).flatMap(e -> e.result(list.cniVersion()));
    }

    /** Cached attachments of all networks, optionally of one container (libcni's {@code GetCachedAttachments}). */
    public List<ResultCache.Entry> cachedAttachments(String containerId) {
        return cache.attachments(containerId);
    }

    private byte[] invoke(NetworkConfigList c, int i, String command, RuntimeConf rt, ObjectNode conf, String verb) {
        String type = c.plugins().get(i).path("type").asText();
        try {
            return runner.run(type, command, rt, GoJson.compact(conf).getBytes(StandardCharsets.UTF_8));
        } catch (CniException e) {
            throw new CniException(e.code(), "plugin " + describe(type, c.name()) + " failed (" + verb + "): " + e.msg(),
                    e.details(), e);
        }
    }

    private static Result parseResult(NetworkConfigList c, int i, byte[] out, String version) {
        String type = c.plugins().get(i).path("type").asText();
        try {
            return ResultCodec.read(JSON.readTree(out), version);
        } catch (IOException e) {
            throw new CniException(CniException.DECODING_FAILURE, "plugin " + describe(type, c.name())
                    + " failed (add): cannot decode its result: " + e.getMessage(), "", e);
        } catch (CniException e) {
            throw new CniException(e.code(), "plugin " + describe(type, c.name()) + " failed (add): " + e.msg(), e.details(), e);
        }
    }

    /** A result as {@code prevResult}: in the version it carries (libcni passes results through unconverted). */
    private static JsonNode prev(Result r) {
        return r == null ? null : ResultCodec.write(r, ResultCache.versionOf(r));
    }

    private static boolean atLeast(String version, SpecVersion min) {
        String v = version == null || version.isEmpty() ? SpecVersion.DEFAULT.text() : version;
        return SpecVersion.compare(v, min.text()) >= 0;
    }

    private static String describe(String type, String name) {
        return "type=" + GoJson.goQuoted(type) + (name == null || name.isEmpty() ? "" : " name=" + GoJson.goQuoted(name));
    }
}
