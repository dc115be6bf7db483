package dev.keelson.cli.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.linux.FileId;
import dev.keelson.linux.nft.Nftables;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.compile.NodeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The proxy state files: one JSON file per network namespace under a directory
 * ({@code /run/keelson/proxy} by default, a tmpfs, so state never outlives the rules it describes
 * across a reboot). The file is named for the namespace's nsfs inode, so applies made through
 * {@code ip netns exec} in different namespaces keep apart. Writes go to a temporary file that is
 * renamed over the old one, so a reader sees the old or the new state, never half of one.
 */
public final class StateStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * 2: the nft table layout with IPv6 and node-port affinity. A state of another version means a
     * table this build did not write, which must not be resumed: the next apply is full.
     */
    private static final int VERSION = 2;

    private final Path dir;

    /** A store under {@code dir} (created on first save). */
    public StateStore(Path dir) {
        this.dir = dir;
    }

    /** The state file of the calling thread's network namespace. */
    public Path file() {
        FileId ns = Nftables.currentNetns();
        return dir.resolve("netns-" + ns.inode() + ".json");
    }

    /** A loaded state, or why there is none usable. */
    public record Loaded(ProxyState state, String problem) {
        /** Whether a state was read. */
        public boolean present() {
            return state != null;
        }
    }

    /** Reads the current namespace's state: absent, unreadable or of another version yield a problem. */
    public Loaded load() {
        Path f = file();
        if (!Files.exists(f)) {
            return new Loaded(null, null);
        }
        try {
            return new Loaded(decode(JSON.readTree(Files.readString(f, StandardCharsets.UTF_8))), null);
        } catch (IOException | RuntimeException e) {
            return new Loaded(null, "state file " + f + " is unreadable (" + e.getMessage() + ")");
        }
    }

    /** Writes {@code s} atomically. */
    public void save(ProxyState s) {
        Path f = file();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, f.getFileName().toString(), ".tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(encode(s)));
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write proxy state " + f + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the state file; whether there was one. */
    public boolean delete() {
        try {
            return Files.deleteIfExists(file());
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete proxy state " + file() + ": " + e.getMessage(), e);
        }
    }

    static ObjectNode encode(ProxyState s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", VERSION);
        o.put("backend", s.backend().option());
        o.put("mark", s.mark());
        o.put("needsFullSync", s.needsFullSync());
        o.set("node", node(s.node()));
        ArrayNode files = o.putArray("sources");
        for (ManifestSources.Source src : s.sources().files()) {
            files.addObject().put("name", src.name()).put("text", src.text());
        }
        ProxyState.History h = s.history();
        ObjectNode m = o.putObject("history");
        m.put("syncs", h.syncs()).put("fullSyncs", h.fullSyncs()).put("errors", h.errors())
                .put("lastKind", h.lastKind()).put("lastLines", h.lastLines())
                .put("lastSyncMillis", h.lastSyncMillis()).put("lastApplyMillis", h.lastApplyMillis())
                .put("conntrackDeleted", h.conntrackDeleted()).put("lastSync", h.lastSync())
                .put("lastError", h.lastError());
        return o;
    }

    /** The node configuration as JSON (also used by {@code show --json}). */
    public static ObjectNode node(NodeConfig n) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", n.nodeName());
        n.nodeIPs().forEach(a -> o.withArray("nodeIPs").add(InetAddresses.format(a)));
        n.clusterCidrs().forEach(p -> o.withArray("clusterCIDRs").add(p.toString()));
        n.serviceCidrs().forEach(p -> o.withArray("serviceCIDRs").add(p.toString()));
        o.put("masqueradeAll", n.masqueradeAll());
        return o;
    }

    static ProxyState decode(JsonNode o) {
        if (o.path("version").asInt() != VERSION) {
            throw new IllegalArgumentException("version " + o.path("version") + ", expected " + VERSION);
        }
        BackendKind b = BackendKind.of(o.path("backend").asText());
        if (b == null) {
            throw new IllegalArgumentException("unknown backend " + o.path("backend"));
        }
        JsonNode n = o.path("node");
        NodeConfig node = new NodeConfig(n.path("name").asText(), list(n.path("nodeIPs"), InetAddresses::parse),
                list(n.path("clusterCIDRs"), IpPrefix::parse), list(n.path("serviceCIDRs"), IpPrefix::parse),
                n.path("masqueradeAll").asBoolean());
        List<ManifestSources.Source> files = new ArrayList<>();
        for (JsonNode f : required(o, "sources")) {
            files.add(new ManifestSources.Source(f.path("name").asText(), required(f, "text").asText()));
        }
        JsonNode h = required(o, "history");
        ProxyState.History history = new ProxyState.History(h.path("syncs").asLong(), h.path("fullSyncs").asLong(),
                h.path("errors").asLong(), h.path("lastKind").asText("none"), h.path("lastLines").asInt(),
                h.path("lastSyncMillis").asDouble(), h.path("lastApplyMillis").asDouble(),
                h.path("conntrackDeleted").asLong(), text(h.path("lastSync")), text(h.path("lastError")));
        return new ProxyState(b, required(o, "mark").asLong(), o.path("needsFullSync").asBoolean(), node,
                new ManifestSources(files), history);
    }

    private static JsonNode required(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("field " + field + " is missing");
        }
        return v;
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    private static <T> List<T> list(JsonNode arr, Function<String, T> parse) {
        List<T> out = new ArrayList<>();
        arr.forEach(e -> out.add(parse.apply(e.asText())));
        return out;
    }

}
