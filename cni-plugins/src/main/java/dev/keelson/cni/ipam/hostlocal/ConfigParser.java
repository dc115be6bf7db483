package dev.keelson.cni.ipam.hostlocal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a network configuration into a {@link HostLocalConfig}. Field names match
 * case-insensitively, exact spelling first, because the reference decodes with Go's
 * {@code encoding/json}, which does; a JSON {@code null} or {@code ""} address means "unset", as
 * for Go's {@code net.IP}.
 */
final class ConfigParser {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ConfigParser() {
    }

    static HostLocalConfig parse(String json) throws IpamException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new IpamException(IpamException.DECODE, "failed to decode network config: " + e.getOriginalMessage(), e);
        }
        return parse(root);
    }

    static HostLocalConfig parse(JsonNode root) throws IpamException {
        if (root == null || !root.isObject()) {
            throw new IpamException(IpamException.DECODE, "network config is not a JSON object");
        }
        JsonNode ipam = field(root, "ipam");
        if (ipam == null || ipam.isNull()) {
            throw invalid("IPAM config missing 'ipam' key");
        }
        requireObject(ipam, "ipam");
        String name = text(root, "name", "name");
        String version = text(root, "cniVersion", "cniVersion");
        JsonNode runtime = field(root, "runtimeConfig");

        List<InetAddress> requested = new ArrayList<>();
        JsonNode args = field(root, "args");
        JsonNode cniArgs = args == null ? null : field(args, "cni");
        addRequested(requested, cniArgs == null ? null : field(cniArgs, "ips"), "args.cni.ips");
        addRequested(requested, runtime == null ? null : field(runtime, "ips"), "runtimeConfig.ips");

        List<List<JsonNode>> written = new ArrayList<>();
        if (runtime != null) {
            written.addAll(rangeSets(field(runtime, "ipRanges"), "runtimeConfig.ipRanges"));
        }
        JsonNode legacySubnet = field(ipam, "subnet");
        if (legacySubnet != null && !legacySubnet.isNull()) {
            written.add(List.of(ipam));
        }
        written.addAll(rangeSets(field(ipam, "ranges"), "ipam.ranges"));
        if (written.isEmpty()) {
            throw invalid("no IP ranges specified");
        }
        List<RangeSet> sets = validate(written, version);
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
            // The name becomes a directory under dataDir; the reference joins it unchecked.
            throw invalid("network name " + (name == null ? "(missing)" : "\"" + name + "\"")
                    + " cannot name an allocation directory");
        }
        String dataDir = text(ipam, "dataDir", "ipam.dataDir");
        String resolvConf = text(ipam, "resolvConf", "ipam.resolvConf");
        return new HostLocalConfig(version == null ? "" : version, name, sets, routes(field(ipam, "routes")),
                dataDir == null || dataDir.isEmpty() ? HostLocalConfig.DEFAULT_DATA_DIR : Path.of(dataDir),
                resolvConf == null || resolvConf.isEmpty() ? null : Path.of(resolvConf), requested);
    }

    private static List<RangeSet> validate(List<List<JsonNode>> written, String version) throws IpamException {
        List<RangeSet> sets = new ArrayList<>();
        int v4 = 0;
        int v6 = 0;
        for (int i = 0; i < written.size(); i++) {
            try {
                List<IpRange> ranges = new ArrayList<>();
                for (JsonNode r : written.get(i)) {
                    ranges.add(range(r, "range set " + i));
                }
                sets.add(RangeSet.of(ranges));
            } catch (IpamException e) {
                throw new IpamException(e.code(), "invalid range set " + i + ": " + e.getMessage(), e);
            }
            if (sets.getLast().isIpv4()) {
                v4++;
            } else {
                v6++;
            }
        }
        if ((v4 > 1 || v6 > 1) && !atLeast030(version)) {
            throw invalid("CNI version " + version + " does not support more than 1 address per family");
        }
        for (int i = 0; i < sets.size(); i++) {
            for (int j = i + 1; j < sets.size(); j++) {
                if (sets.get(i).overlaps(sets.get(j))) {
                    throw invalid("range set " + i + " overlaps with " + j);
                }
            }
        }
        return sets;
    }

    private static IpRange range(JsonNode r, String where) throws IpamException {
        requireObject(r, where);
        String subnetText = text(r, "subnet", where + ".subnet");
        Cidr subnet = subnetText == null ? null : Cidr.parse(subnetText);
        if (subnet == null) {
            throw new IpamException(IpamException.DECODE, "invalid CIDR address: " + (subnetText == null ? "" : subnetText));
        }
        return IpRange.of(subnet, address(r, "rangeStart", where), address(r, "rangeEnd", where),
                address(r, "gateway", where));
    }

    private static List<List<JsonNode>> rangeSets(JsonNode node, String where) throws IpamException {
        List<List<JsonNode>> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        requireArray(node, where);
        for (JsonNode set : node) {
            requireArray(set, where + "[]");
            List<JsonNode> ranges = new ArrayList<>();
            set.forEach(ranges::add);
            out.add(ranges);
        }
        return out;
    }

    private static List<Route> routes(JsonNode node) throws IpamException {
        List<Route> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        requireArray(node, "ipam.routes");
        for (JsonNode r : node) {
            requireObject(r, "ipam.routes[]");
            String dst = text(r, "dst", "ipam.routes[].dst");
            Cidr cidr = dst == null ? null : Cidr.parse(dst);
            if (cidr == null) {
                throw new IpamException(IpamException.DECODE, "invalid CIDR address: " + (dst == null ? "" : dst));
            }
            out.add(new Route(cidr, address(r, "gw", "ipam.routes[]")));
        }
        return out;
    }

    private static void addRequested(List<InetAddress> out, JsonNode node, String where) throws IpamException {
        if (node == null || node.isNull()) {
            return;
        }
        requireArray(node, where);
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw decode(where + ": expected strings");
            }
            out.add(requestedIp(n.asText()));
        }
    }

    /** An address requested as {@code a.b.c.d} or {@code a.b.c.d/len} (the prefix is ignored). */
    static InetAddress requestedIp(String text) throws IpamException {
        int slash = text.indexOf('/');
        InetAddress a = slash < 0 ? Ips.parse(text) : cidrAddress(text);
        if (a == null) {
            throw new IpamException(IpamException.DECODE, "invalid IP address: " + text);
        }
        return a;
    }

    private static InetAddress cidrAddress(String text) {
        Cidr c = Cidr.parse(text);
        return c == null ? null : c.address();
    }

    private static InetAddress address(JsonNode obj, String key, String where) throws IpamException {
        String t = text(obj, key, where + "." + key);
        if (t == null || t.isEmpty()) {
            return null;
        }
        InetAddress a = Ips.parse(t);
        if (a == null) {
            throw new IpamException(IpamException.DECODE, "invalid IP address: " + t);
        }
        return a;
    }

    private static String text(JsonNode obj, String key, String where) throws IpamException {
        JsonNode n = field(obj, key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw decode(where + ": expected a string, got " + n.getNodeType().name().toLowerCase());
        }
        return n.asText();
    }

    /** The member named {@code key}: exact spelling first, then any case, like Go's decoder. */
    private static JsonNode field(JsonNode obj, String key) {
        if (obj == null || !obj.isObject()) {
            return null;
        }
        JsonNode exact = obj.get(key);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, JsonNode> e : obj.properties()) {
            if (e.getKey().equalsIgnoreCase(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static boolean atLeast030(String version) {
        if (version == null) {
            return false;
        }
        String[] p = version.split("\\.");
        if (p.length != 3) {
            return false;
        }
        try {
            int major = Integer.parseInt(p[0]);
            int minor = Integer.parseInt(p[1]);
            return major > 0 || minor >= 3;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void requireObject(JsonNode n, String where) throws IpamException {
        if (!n.isObject()) {
            throw decode(where + ": expected an object");
        }
    }

    private static void requireArray(JsonNode n, String where) throws IpamException {
        if (!n.isArray()) {
            throw decode(where + ": expected an array");
        }
    }

    private static IpamException decode(String message) {
        return new IpamException(IpamException.DECODE, "failed to decode network config: " + message);
    }

    private static IpamException invalid(String message) {
        return new IpamException(IpamException.INVALID_CONFIG, message);
    }
}
