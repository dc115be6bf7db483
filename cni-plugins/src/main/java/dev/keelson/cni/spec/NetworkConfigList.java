package dev.keelson.cni.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A network configuration list (a {@code .conflist}): name, version, {@code disableCheck},
 * {@code disableGC} and the plugin chain. {@code cniVersions} (spec 1.1) is negotiated as libcni
 * does: the highest listed version this implementation supports wins, {@code cniVersion} taking
 * part in the choice; versions newer than {@link SpecVersion#CURRENT} are skipped.
 *
 * @param cniVersion the negotiated version
 * @param cniVersions the {@code cniVersions} list as given (empty when absent)
 * @param plugins the raw plugin objects, in chain order
 */
public record NetworkConfigList(String cniVersion, List<String> cniVersions, String name, boolean disableCheck,
                                boolean disableGC, List<ObjectNode> plugins, ObjectNode raw) {

    /** Parses a conflist; problems are code 6 (bad JSON or types) or 7 (missing name, plugins, type). */
    public static NetworkConfigList parse(byte[] json) {
        JsonNode n = Jackson.parse(json, "error parsing configuration list: ");
        if (!n.isObject()) {
            throw invalid(CniException.DECODING_FAILURE, "expected a JSON object");
        }
        ObjectNode o = (ObjectNode) n;
        String name = NetworkConfig.text(o, "name");
        if (name == null) {
            throw invalid(CniException.INVALID_NETWORK_CONFIG, "no name");
        }
        String version = NetworkConfig.text(o, "cniVersion");
        List<String> versions = new ArrayList<>();
        JsonNode vs = o.get("cniVersions");
        if (vs != null && !vs.isNull()) {
            if (!vs.isArray()) {
                throw invalid(CniException.DECODING_FAILURE, "invalid type for cniVersions");
            }
            for (int i = 0; i < vs.size(); i++) {
                if (!vs.get(i).isTextual()) {
                    throw invalid(CniException.DECODING_FAILURE, "invalid type for cniVersions index " + i);
                }
                versions.add(vs.get(i).textValue());
            }
            version = negotiate(version, versions);
        }
        JsonNode ps = o.get("plugins");
        if (ps == null || !ps.isArray() || ps.isEmpty()) {
            throw invalid(CniException.INVALID_NETWORK_CONFIG, "no plugins in list");
        }
        List<ObjectNode> plugins = new ArrayList<>();
        for (JsonNode p : ps) {
            if (!p.isObject()) {
                throw invalid(CniException.DECODING_FAILURE, "plugin entries must be objects");
            }
            String type = NetworkConfig.text((ObjectNode) p, "type");
            if (type == null || type.isEmpty()) {
                throw new CniException(CniException.INVALID_NETWORK_CONFIG, "error parsing configuration: missing 'type'");
            }
            plugins.add((ObjectNode) p);
        }
        return new NetworkConfigList(version, List.copyOf(versions), name, bool(o, "disableCheck"), bool(o, "disableGC"),
                List.copyOf(plugins), o);
    }

    /**
     * The version a runtime uses for a list: the highest of {@code cniVersions} plus
     * {@code cniVersion} that is not newer than {@link SpecVersion#CURRENT}; malformed entries are
     * code 6. With nothing usable, {@code cniVersion} stays as it was.
     */
    public static String negotiate(String cniVersion, List<String> cniVersions) {
        String best = null;
        List<String> all = new ArrayList<>(cniVersions);
        if (cniVersion != null && !cniVersion.isEmpty()) {
            all.add(cniVersion);
        }
        for (String v : all) {
            if (SpecVersion.compare(v, SpecVersion.CURRENT.text()) > 0) {
                continue;
            }
            if (best == null || SpecVersion.compare(v, best) > 0) {
                best = v;
            }
        }
        return best != null ? best : cniVersion;
    }

    /**
     * The config plugin {@code index} receives, as libcni builds it: the entry with the list's
     * {@code name} and {@code cniVersion}, {@code prevResult} when given, and a
     * {@code runtimeConfig} holding only the capabilities the entry declares.
     */
    public ObjectNode pluginConfig(int index, JsonNode prevResult, Map<String, JsonNode> capabilityArgs) {
        ObjectNode c = plugins.get(index).deepCopy();
        c.put("name", name);
        if (cniVersion != null) {
            c.put("cniVersion", cniVersion);
        }
        if (prevResult != null) {
            c.set("prevResult", prevResult);
        }
        JsonNode caps = c.get("capabilities");
        if (caps != null && caps.isObject() && capabilityArgs != null) {
            ObjectNode rc = Jackson.MAPPER.createObjectNode();
            for (Map.Entry<String, JsonNode> e : caps.properties()) {
                if (e.getValue().asBoolean(false) && capabilityArgs.containsKey(e.getKey())) {
                    rc.set(e.getKey(), capabilityArgs.get(e.getKey()));
                }
            }
            if (!rc.isEmpty()) {
                c.set("runtimeConfig", rc);
            }
        }
        return c;
    }

    private static boolean bool(ObjectNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual()) {
            switch (v.textValue().toLowerCase(java.util.Locale.ROOT)) {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    throw invalid(CniException.DECODING_FAILURE, "invalid value \"" + v.textValue() + "\" for " + key);
            }
        }
        throw invalid(CniException.DECODING_FAILURE, "invalid type for " + key);
    }

    private static CniException invalid(int code, String why) {
        return new CniException(code, "error parsing configuration list: " + why);
    }
}
