package dev.keelson.cni.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cni.spec.GoJson;
import dev.keelson.cni.spec.NetworkConfig;
import dev.keelson.cni.spec.NetworkConfigList;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A parsed conflist together with the bytes it was read from: libcni caches those bytes (as the
 * cache entry's {@code config}), so they are kept exactly as found in the file.
 *
 * @param config the parsed list (negotiated {@code cniVersion}, plugins)
 * @param bytes the list's JSON: the file content, or for a wrapped single config the synthesized list
 * @param source the file it came from, or null
 */
public record NetworkList(NetworkConfigList config, byte[] bytes, Path source) {

    /** Parses conflist bytes (errors as {@link NetworkConfigList#parse}). */
    public static NetworkList parse(byte[] bytes) {
        return new NetworkList(NetworkConfigList.parse(bytes), bytes.clone(), null);
    }

    /**
     * Wraps a single network config ({@code .conf}/{@code .json}) into a one-plugin list the way
     * libcni's {@code ConfListFromConf} does: {@code {"cniVersion", "name", "plugins": [config]}}
     * re-encoded by Go's map marshalling, i.e. with every object's keys sorted.
     */
    public static NetworkList wrap(byte[] singleConfig) {
        NetworkConfig single = NetworkConfig.parse(singleConfig);
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("cniVersion", single.cniVersion() == null ? "" : single.cniVersion());
        list.put("name", single.name());
        list.putArray("plugins").add(single.raw().deepCopy());
        byte[] bytes = GoJson.compact(sorted(list)).getBytes(StandardCharsets.UTF_8);
        return new NetworkList(NetworkConfigList.parse(bytes), bytes, null);
    }

    /** This list labelled with the file it came from. */
    public NetworkList from(Path file) {
        return new NetworkList(config, bytes, file);
    }

    public String name() {
        return config.name();
    }

    public String cniVersion() {
        return config.cniVersion() == null ? "" : config.cniVersion();
    }

    /** A copy of {@code n} with every object's keys in Go's map order (sorted), recursively. */
    static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            Map<String, JsonNode> m = new TreeMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), sorted(e.getValue())));
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            m.forEach(o::set);
            return o;
        }
        if (n.isArray()) {
            var a = JsonNodeFactory.instance.arrayNode();
            n.forEach(e -> a.add(sorted(e)));
            return a;
        }
        return n;
    }
}
