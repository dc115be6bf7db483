package dev.keelson.cni.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A config's {@code runtimeConfig}: what the runtime passed for the capabilities the plugin
 * declared (CONVENTIONS.md "Dynamic Plugin specific fields"). Typed accessors for the well-known
 * ones; {@link #get(String)} for the rest. Wrongly typed content is code 6 naming the key.
 */
public record RuntimeConfig(ObjectNode raw) {

    /** {@code portMappings} entry: hostPort → containerPort over protocol, optionally on hostIP. */
    public record PortMapping(int hostPort, int containerPort, String protocol, String hostIP) {
    }

    /** {@code ipRanges} entry (host-local's range fields). */
    public record IpRange(String subnet, String rangeStart, String rangeEnd, String gateway) {
    }

    /** {@code bandwidth}: rates in bits per second, bursts in bits. */
    public record Bandwidth(long ingressRate, long ingressBurst, long egressRate, long egressBurst) {
    }

    /** {@code portMappings}, empty when absent. */
    public List<PortMapping> portMappings() {
        return list("portMappings", PortMapping.class);
    }

    /** {@code ips}: requested addresses, in CIDR form per the convention. */
    public List<String> ips() {
        return list("ips", String.class);
    }

    /** {@code mac}: the requested MAC address. */
    public Optional<String> mac() {
        return value("mac", String.class);
    }

    /** {@code ipRanges}: range sets, each a list of ranges. */
    public List<List<IpRange>> ipRanges() {
        JsonNode a = raw.get("ipRanges");
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw bad("ipRanges", "not an array of range sets");
        }
        List<List<IpRange>> sets = new ArrayList<>();
        for (JsonNode set : a) {
            sets.add(convertList("ipRanges", set, IpRange.class));
        }
        return List.copyOf(sets);
    }

    /** {@code bandwidth}. */
    public Optional<Bandwidth> bandwidth() {
        return value("bandwidth", Bandwidth.class);
    }

    /** {@code dns}: DNS settings from the runtime. */
    public Optional<Dns> dns() {
        JsonNode d = raw.get("dns");
        if (d == null || d.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ResultCodec.dns(d));
        } catch (IllegalArgumentException e) {
            throw bad("dns", e.getMessage());
        }
    }

    /** {@code aliases}: names of the container on this network. */
    public List<String> aliases() {
        return list("aliases", String.class);
    }

    /** {@code infinibandGUID}. */
    public Optional<String> infinibandGUID() {
        return value("infinibandGUID", String.class);
    }

    /** {@code deviceID}: a PCI address or other device handle. */
    public Optional<String> deviceID() {
        return value("deviceID", String.class);
    }

    /** {@code cgroupPath} of the pod. */
    public Optional<String> cgroupPath() {
        return value("cgroupPath", String.class);
    }

    /** Any key; null when absent. */
    public JsonNode get(String key) {
        return raw.get(key);
    }

    public boolean isEmpty() {
        return raw.isEmpty();
    }

    private <T> Optional<T> value(String key, Class<T> type) {
        JsonNode n = raw.get(key);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (type == String.class && !n.isTextual()) {
            throw bad(key, "not a string");
        }
        try {
            return Optional.of(Jackson.MAPPER.treeToValue(n, type));
        } catch (JsonProcessingException e) {
            throw bad(key, e.getOriginalMessage());
        }
    }

    private <T> List<T> list(String key, Class<T> type) {
        JsonNode a = raw.get(key);
        return a == null || a.isNull() ? List.of() : convertList(key, a, type);
    }

    private static <T> List<T> convertList(String key, JsonNode a, Class<T> type) {
        if (!a.isArray()) {
            throw bad(key, "not an array");
        }
        List<T> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (type == String.class && !e.isTextual()) {
                throw bad(key, "entries must be strings");
            }
            try {
                out.add(Jackson.MAPPER.treeToValue(e, type));
            } catch (JsonProcessingException ex) {
                throw bad(key, ex.getOriginalMessage());
            }
        }
        return List.copyOf(out);
    }

    private static CniException bad(String key, String why) {
        return new CniException(CniException.DECODING_FAILURE, "invalid runtimeConfig \"" + key + "\": " + why);
    }
}
