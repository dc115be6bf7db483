package dev.keelson.cni.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One plugin's network configuration, as a plugin receives it on stdin: the well-known keys
 * typed, everything else (plugin-specific fields such as bridge's {@code "bridge"}) available
 * from {@link #raw()}, {@link #field(String)} or {@link #as(Class)}.
 *
 * @param cniVersion the {@code cniVersion} text, or null when absent (meaning 0.1.0)
 * @param capabilities {@code capabilities} (only in conflist plugin entries)
 * @param ipam the {@code ipam} object, or an empty object
 * @param rawPrevResult the raw {@code prevResult}, or null; see {@link #prevResult()}
 * @param args the {@code args} object, or an empty object
 * @param validAttachments GC's {@code cni.dev/valid-attachments}
 */
public record NetworkConfig(String cniVersion, String name, String type, Map<String, Boolean> capabilities,
                            ObjectNode ipam, Dns dns, RuntimeConfig runtimeConfig, JsonNode rawPrevResult,
                            ObjectNode args, List<Attachment> validAttachments, ObjectNode raw) {

    /** Names of networks and container IDs: libcni's {@code ^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$}. */
    public static final Pattern VALID_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");

    /** A {@code cni.dev/valid-attachments} entry of a GC request. */
    public record Attachment(String containerID, String ifname) {
    }

    /**
     * Parses stdin. Bad JSON or a wrongly typed well-known field is code 6 ("error unmarshall
     * network config: ..."); a missing network name or one with invalid characters is code 7.
     */
    public static NetworkConfig parse(byte[] json) {
        JsonNode n = Jackson.parse(json, "error unmarshall network config: ");
        if (!n.isObject()) {
            throw decode("expected a JSON object, got " + n.getNodeType().name().toLowerCase());
        }
        return of((ObjectNode) n);
    }

    /** Reads an already parsed config object (same checks as {@link #parse(byte[])}). */
    public static NetworkConfig of(ObjectNode o) {
        String name = text(o, "name");
        if (name == null || name.isEmpty()) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "missing network name");
        }
        if (!VALID_NAME.matcher(name).matches()) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid characters found in network name", name);
        }
        Map<String, Boolean> caps = new LinkedHashMap<>();
        JsonNode c = o.get("capabilities");
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                throw decode("\"capabilities\" must be an object");
            }
            for (Map.Entry<String, JsonNode> e : c.properties()) {
                if (!e.getValue().isBoolean()) {
                    throw decode("capability \"" + e.getKey() + "\" must be a boolean");
                }
                caps.put(e.getKey(), e.getValue().booleanValue());
            }
        }
        Dns dns;
        try {
            dns = ResultCodec.dns(o.get("dns"));
        } catch (IllegalArgumentException e) {
            throw decode("\"dns\": " + e.getMessage());
        }
        JsonNode prev = o.get("prevResult");
        if (prev != null && !prev.isNull() && !prev.isObject()) {
            throw decode("\"prevResult\" must be an object");
        }
        return new NetworkConfig(text(o, "cniVersion"), name, text(o, "type"), Map.copyOf(caps), object(o, "ipam"), dns,
                new RuntimeConfig(object(o, "runtimeConfig")), prev == null || prev.isNull() ? null : prev,
                object(o, "args"), attachments(o), o);
    }

    /**
     * The config's version, checked against the supported ones: code 1 "incompatible CNI
     * versions" with details as libcni prints them. No {@code cniVersion} means 0.1.0.
     */
    public SpecVersion version() {
        String v = cniVersion == null || cniVersion.isEmpty() ? SpecVersion.DEFAULT.text() : cniVersion;
        return SpecVersion.find(v).orElseThrow(() -> new CniException(CniException.INCOMPATIBLE_VERSION,
                "incompatible CNI versions",
                "config is " + GoJson.goQuoted(v) + ", plugin supports " + GoJson.goQuotedList(SpecVersion.texts())));
    }

    /** The version text the config speaks ({@code 0.1.0} when absent), unchecked. */
    public String versionText() {
        return cniVersion == null || cniVersion.isEmpty() ? SpecVersion.DEFAULT.text() : cniVersion;
    }

    /** {@code prevResult} upconverted to the current model (a pre-1.0 one takes the config's version). */
    public Optional<Result> prevResult() {
        return rawPrevResult == null ? Optional.empty() : Optional.of(ResultCodec.read(rawPrevResult, versionText()));
    }

    /** {@code ipam.type}, or empty when there is no IPAM. */
    public Optional<String> ipamType() {
        JsonNode t = ipam.get("type");
        return t == null || !t.isTextual() || t.textValue().isEmpty() ? Optional.empty() : Optional.of(t.textValue());
    }

    /** A field of the config, e.g. a plugin-specific one; null when absent. */
    public JsonNode field(String key) {
        return raw.get(key);
    }

    /** True when the config declares capability {@code name} as enabled. */
    public boolean hasCapability(String name) {
        return Boolean.TRUE.equals(capabilities.get(name));
    }

    /**
     * Binds the whole config to a plugin's own type (a record or bean; unknown keys ignored).
     * Wrongly typed content is code 6 naming the field.
     */
    public <T> T as(Class<T> type) {
        try {
            return Jackson.MAPPER.treeToValue(raw, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CniException(CniException.DECODING_FAILURE, "failed to load netconf: " + e.getOriginalMessage(), "", e);
        }
    }

    private static List<Attachment> attachments(ObjectNode o) {
        JsonNode a = o.get("cni.dev/valid-attachments");
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw decode("\"cni.dev/valid-attachments\" must be an array");
        }
        List<Attachment> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (!e.isObject()) {
                throw decode("\"cni.dev/valid-attachments\" entries must be objects");
            }
            out.add(new Attachment(text((ObjectNode) e, "containerID"), text((ObjectNode) e, "ifname")));
        }
        return List.copyOf(out);
    }

    static String text(ObjectNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw decode("\"" + key + "\" must be a string, got " + v.getNodeType().name().toLowerCase());
        }
        return v.textValue();
    }

    static ObjectNode object(ObjectNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return Jackson.MAPPER.createObjectNode();
        }
        if (!v.isObject()) {
            throw decode("\"" + key + "\" must be an object");
        }
        return (ObjectNode) v;
    }

    private static CniException decode(String why) {
        return new CniException(CniException.DECODING_FAILURE, "error unmarshall network config: " + why);
    }
}
