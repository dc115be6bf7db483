package dev.keelson.cni.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.GoJson;
import dev.keelson.cni.spec.Result;
import dev.keelson.cni.spec.ResultCodec;
import dev.keelson.cni.spec.SpecVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * libcni's result cache, file for file: {@code <cacheDir>/results/<network>-<containerId>-<ifName>}
 * holding one compact JSON object {@code kind} ({@code "cniCacheV1"}), {@code containerId},
 * {@code config} (the list's bytes, base64), {@code ifName}, {@code networkName}, and when not
 * empty {@code netns}, {@code cniArgs} ({@code [[k, v], ...]}), {@code capabilityArgs} and
 * {@code result}: the field order and Go's encoding (sorted keys inside {@code result} and
 * {@code capabilityArgs}, HTML-safe escapes) are libcni's, so libcni and Keelson can read each
 * other's entries. Directory 0700, files 0600.
 */
public final class ResultCache {
    /** libcni's default cache dir. */
    public static final Path DEFAULT = Path.of("/var/lib/cni");
    /** The {@code kind} of a current cache entry. */
    public static final String KIND = "cniCacheV1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    /** A cache under {@code cacheDir} (entries live in its {@code results} subdirectory). */
    public ResultCache(Path cacheDir) {
        this.dir = cacheDir;
    }

    public Path cacheDir() {
        return dir;
    }

    /** The entry file of one attachment; network name, container id and ifname must all be set. */
    public Path file(String network, RuntimeConf rt) {
        if (network.isEmpty() || rt.containerId().isEmpty() || rt.ifName().isEmpty()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "cache file path requires network name ("
                    + GoJson.goQuoted(network) + "), container ID (" + GoJson.goQuoted(rt.containerId())
                    + "), and interface name (" + GoJson.goQuoted(rt.ifName()) + ")");
        }
        return dir.resolve("results").resolve(network + "-" + rt.containerId() + "-" + rt.ifName());
    }

    /** Writes the entry of a successful ADD, replacing any older one atomically. */
    public void put(NetworkList list, RuntimeConf rt, Result result) {
        Path f = file(list.name(), rt);
        byte[] bytes = encode(list, rt, result).getBytes(StandardCharsets.UTF_8);
        try {
            Path results = f.getParent();
            if (!Files.isDirectory(results)) {
                Files.createDirectories(results, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = Files.createTempFile(results, ".tmp-", "");
            Files.write(tmp, bytes);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CniException(CniException.IO_FAILURE, "failed to set network \"" + list.name()
                    + "\" cached result: " + e.getMessage(), "", e);
        }
    }

    /** The entry's JSON text as libcni would write it. */
    public static String encode(NetworkList list, RuntimeConf rt, Result result) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("kind", KIND);
        o.put("containerId", rt.containerId());
        o.put("config", Base64.getEncoder().encodeToString(list.bytes()));
        o.put("ifName", rt.ifName());
        o.put("networkName", list.name());
        if (!rt.netns().isEmpty()) {
            o.put("netns", rt.netns());
        }
        if (!rt.args().isEmpty()) {
            var args = o.putArray("cniArgs");
            rt.args().forEach(a -> args.addArray().add(a.key()).add(a.value()));
        }
        if (!rt.capabilityArgs().isEmpty()) {
            ObjectNode caps = JsonNodeFactory.instance.objectNode();
            rt.capabilityArgs().forEach(caps::set);
            o.set("capabilityArgs", NetworkList.sorted(caps));
        }
        if (result != null) {
            o.set("result", NetworkList.sorted(ResultCodec.write(result, versionOf(result))));
        }
        return GoJson.compact(o);
    }

    /**
     * The cached entry of one attachment, empty when there is none. An unreadable or foreign
     * entry is code 6 (the caller decides: DEL drops it, CHECK fails).
     */
    public Optional<Entry> get(String network, RuntimeConf rt) {
        Path f = file(network, rt);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // libcni treats an unreadable entry like a missing one.
            return Optional.empty();
        }
        return Optional.of(decode(f, bytes));
    }

    /** Removes an attachment's entry; a missing entry is fine. */
    public void remove(String network, RuntimeConf rt) {
        try {
            Files.deleteIfExists(file(network, rt));
        } catch (IOException | CniException e) {
            // Like libcni, a cache entry that cannot be removed does not fail the DEL.
        }
    }

    /**
     * Every readable {@code cniCacheV1} entry (all networks), in file name order, optionally only
     * those of {@code containerId}; entries without network or ifName are skipped as libcni does.
     */
    public List<Entry> attachments(String containerId) {
        Path results = dir.resolve("results");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(results)) {
            s.filter(p -> !p.getFileName().toString().startsWith(".tmp-")).forEach(files::add);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CniException(CniException.IO_FAILURE, "failed to list " + results + ": " + e.getMessage(), "", e);
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        List<Entry> out = new ArrayList<>();
        for (Path f : files) {
            try {
                Entry e = decode(f, Files.readAllBytes(f));
                if (e.networkName().isEmpty() || e.ifName().isEmpty()) {
                    continue;
                }
                if (containerId != null && !containerId.isEmpty() && !e.containerId().equals(containerId)) {
                    continue;
                }
                out.add(e);
            } catch (IOException | CniException ex) {
                // Not an entry of ours (or half written by someone else): not an attachment.
            }
        }
        return out;
    }

    private static Entry decode(Path f, byte[] bytes) {
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new CniException(CniException.DECODING_FAILURE, "failed to unmarshal cache entry " + f + ": " + e.getMessage());
        }
        if (n == null || !n.isObject() || !KIND.equals(n.path("kind").asText())) {
            throw new CniException(CniException.DECODING_FAILURE, "cache entry " + f + " has wrong kind: " + n.path("kind").asText(""));
        }
        List<RuntimeConf.Arg> args = new ArrayList<>();
        for (JsonNode a : n.path("cniArgs")) {
            args.add(new RuntimeConf.Arg(a.path(0).asText(""), a.path(1).asText("")));
        }
        Map<String, JsonNode> caps = new LinkedHashMap<>();
        n.path("capabilityArgs").properties().forEach(e -> caps.put(e.getKey(), e.getValue()));
        byte[] config;
        try {
            config = Base64.getDecoder().decode(n.path("config").asText(""));
        } catch (IllegalArgumentException e) {
            throw new CniException(CniException.DECODING_FAILURE, "cache entry " + f + " has a bad config: " + e.getMessage());
        }
        JsonNode result = n.get("result");
        return new Entry(f, n.path("networkName").asText(""),
                new RuntimeConf(n.path("containerId").asText(""), n.path("netns").asText(""), n.path("ifName").asText(""), args, caps),
                config, result == null || result.isNull() ? null : result);
    }

    /** The version a result is labelled with, as the model knows it (unknown labels fall back to current). */
    static SpecVersion versionOf(Result r) {
        return SpecVersion.find(r.cniVersion()).orElse(SpecVersion.CURRENT);
    }

    /**
     * One cache entry.
     *
     * @param file where it is stored
     * @param runtimeConf container id, netns, ifName, cniArgs and capabilityArgs as cached
     * @param config the cached list bytes
     * @param result the raw cached result, or null
     */
    public record Entry(Path file, String networkName, RuntimeConf runtimeConf, byte[] config, JsonNode result) {
        public String containerId() {
            return runtimeConf.containerId();
        }

        public String ifName() {
            return runtimeConf.ifName();
        }

        /** The cached result converted to {@code version} (libcni's {@code GetAsVersion}), if any. */
        public Optional<Result> result(String version) {
            if (result == null) {
                return Optional.empty();
            }
            Result r = ResultCodec.read(result, version);
            return Optional.of(r.withVersion(version));
        }
    }
}
