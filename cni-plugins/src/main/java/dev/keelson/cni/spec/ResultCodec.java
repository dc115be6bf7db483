package dev.keelson.cni.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and prints results of every supported version. Field order and omission follow the
 * reference's Go types (pkg/types/100, 040, 020), so printed results match byte for byte:
 *
 * <pre>
 * 1.x    {cniVersion, interfaces[{name, mac, mtu, sandbox, socketPath, pciID}],
 *         ips[{interface, address, gateway}], routes[{dst, gw, mtu, advmss, priority, table, scope}], dns}
 * 0.3/4  {cniVersion, interfaces[{name, mac, sandbox}], ips[{version, interface, address, gateway}], routes, dns}
 * 0.1/2  {cniVersion, ip4{ip, gateway, routes[{dst, gw}]}, ip6{...}, dns}
 * </pre>
 *
 * Empty lists and absent values are omitted; {@code dns} is always printed ({@code {}} when
 * empty), as Go prints a non-pointer struct.
 */
public final class ResultCodec {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ResultCodec() {
    }

    /**
     * Reads a result of any supported version into the current model (libcni's upconversion).
     * {@code defaultVersion} applies when the JSON has no {@code cniVersion} (a pre-1.0 prevResult
     * takes the config's version). Bad content is a {@link CniException} with code 6, an
     * unsupported version code 1.
     */
    public static Result read(JsonNode json, String defaultVersion) {
        if (json == null || !json.isObject()) {
            throw new CniException(CniException.DECODING_FAILURE, "result is not a JSON object");
        }
        String text = json.hasNonNull("cniVersion") ? json.get("cniVersion").asText() : defaultVersion;
        if (text == null || text.isEmpty()) {
            text = SpecVersion.DEFAULT.text();
        }
        String label = text;
        SpecVersion v = SpecVersion.find(text).orElseThrow(() -> new CniException(CniException.INCOMPATIBLE_VERSION,
                "unsupported CNI result version", "result is " + GoJson.goQuoted(label) + ", supported " + GoJson.goQuotedList(SpecVersion.texts())));
        try {
            return v.legacyResult() ? readLegacy(json, text) : readCurrent(json, text);
        } catch (IllegalArgumentException e) {
            throw new CniException(CniException.DECODING_FAILURE, "failed to decode " + text + " result: " + e.getMessage());
        }
    }

    private static Result readCurrent(JsonNode json, String version) {
        List<Interface> ifs = new ArrayList<>();
        for (JsonNode i : array(json, "interfaces")) {
            ifs.add(new Interface(str(i, "name", true), str(i, "mac", false), integer(i, "mtu"), str(i, "sandbox", false),
                    str(i, "socketPath", false), str(i, "pciID", false)));
        }
        List<IpConfig> ips = new ArrayList<>();
        for (JsonNode ip : array(json, "ips")) {
            ips.add(new IpConfig(integer(ip, "interface"), str(ip, "address", true), str(ip, "gateway", false)));
        }
        return new Result(version, ifs, ips, routes(json), dns(json.get("dns")));
    }

    private static Result readLegacy(JsonNode json, String version) {
        List<IpConfig> ips = new ArrayList<>();
        List<Route> routes = new ArrayList<>();
        for (String key : List.of("ip4", "ip6")) {
            JsonNode sec = json.get(key);
            if (sec == null || sec.isNull()) {
                continue;
            }
            ips.add(new IpConfig(null, str(sec, "ip", true), str(sec, "gateway", false)));
            routes.addAll(routes(sec));
        }
        return new Result(version, List.of(), ips, routes, dns(json.get("dns")));
    }

    private static List<Route> routes(JsonNode parent) {
        List<Route> routes = new ArrayList<>();
        for (JsonNode r : array(parent, "routes")) {
            routes.add(readRoute(r));
        }
        return routes;
    }

    /** Reads one route object ({@code dst}, {@code gw}, and the 1.1.0 attributes). */
    public static Route readRoute(JsonNode r) {
        return new Route(str(r, "dst", true), str(r, "gw", false), integer(r, "mtu"), integer(r, "advmss"),
                integer(r, "priority"), integer(r, "table"), integer(r, "scope"));
    }

    /** Reads a DNS object; null or absent gives {@link Dns#EMPTY}. */
    public static Dns dns(JsonNode d) {
        if (d == null || d.isNull()) {
            return Dns.EMPTY;
        }
        if (!d.isObject()) {
            throw new IllegalArgumentException("dns is not an object");
        }
        return new Dns(strings(d, "nameservers"), str(d, "domain", false), strings(d, "search"), strings(d, "options"));
    }

    /**
     * Prints {@code r} for {@code version} (libcni's downconversion): drops what the version
     * lacks, adds {@code ips[].version} for 0.3.x/0.4.0, and folds into {@code ip4}/{@code ip6}
     * (first address of each family, routes by family) for 0.1.0/0.2.0 — which needs at least
     * one address, else "cannot convert: no valid IP addresses" (code 999, as the reference).
     */
    public static ObjectNode write(Result r, SpecVersion version) {
        ObjectNode o = F.objectNode();
        o.put("cniVersion", version.text());
        if (version.legacyResult()) {
            writeLegacy(o, r);
        } else {
            if (!r.interfaces().isEmpty()) {
                ArrayNode a = o.putArray("interfaces");
                r.interfaces().forEach(i -> a.add(iface(i, version)));
            }
            if (!r.ips().isEmpty()) {
                ArrayNode a = o.putArray("ips");
                r.ips().forEach(ip -> a.add(ip(ip, version)));
            }
            if (!r.routes().isEmpty()) {
                ArrayNode a = o.putArray("routes");
                r.routes().forEach(rt -> a.add(route(rt)));
            }
        }
        o.set("dns", dnsJson(r.dns()));
        return o;
    }

    private static void writeLegacy(ObjectNode o, Result r) {
        IpConfig v4 = r.ips().stream().filter(IpConfig::isIpv4).findFirst().orElse(null);
        IpConfig v6 = r.ips().stream().filter(ip -> !ip.isIpv4()).findFirst().orElse(null);
        if (v4 == null && v6 == null) {
            throw new CniException(CniException.INTERNAL, "cannot convert: no valid IP addresses");
        }
        for (IpConfig ip : new IpConfig[] {v4, v6}) {
            if (ip == null) {
                continue;
            }
            ObjectNode sec = o.putObject(ip.isIpv4() ? "ip4" : "ip6");
            sec.put("ip", ip.address());
            if (ip.gateway() != null) {
                sec.put("gateway", ip.gateway());
            }
            ArrayNode rs = F.arrayNode();
            for (Route rt : r.routes()) {
                if (Cidr.isIpv4(rt.dst()) == ip.isIpv4()) {
                    ObjectNode ro = rs.addObject();
                    ro.put("dst", rt.dst());
                    if (rt.gw() != null) {
                        ro.put("gw", rt.gw());
                    }
                }
            }
            if (!rs.isEmpty()) {
                sec.set("routes", rs);
            }
        }
    }

    private static ObjectNode iface(Interface i, SpecVersion v) {
        boolean full = v.atLeast(SpecVersion.V1_1_0);
        ObjectNode o = F.objectNode();
        o.put("name", i.name());
        putStr(o, "mac", i.mac());
        if (full && i.mtu() != null && i.mtu() != 0) {
            o.put("mtu", i.mtu());
        }
        putStr(o, "sandbox", i.sandbox());
        if (full) {
            putStr(o, "socketPath", i.socketPath());
            putStr(o, "pciID", i.pciID());
        }
        return o;
    }

    private static ObjectNode ip(IpConfig ip, SpecVersion v) {
        ObjectNode o = F.objectNode();
        if (v.versionedIps()) {
            o.put("version", ip.isIpv4() ? "4" : "6");
        }
        if (ip.interfaceIndex() != null) {
            o.put("interface", ip.interfaceIndex());
        }
        o.put("address", ip.address());
        putStr(o, "gateway", ip.gateway());
        return o;
    }

    /** A route object as the reference prints it. */
    public static ObjectNode route(Route r) {
        ObjectNode o = F.objectNode();
        o.put("dst", r.dst());
        putStr(o, "gw", r.gw());
        putNonZero(o, "mtu", r.mtu());
        putNonZero(o, "advmss", r.advmss());
        putNonZero(o, "priority", r.priority());
        if (r.table() != null) {
            o.put("table", r.table());
        }
        if (r.scope() != null) {
            o.put("scope", r.scope());
        }
        return o;
    }

    /** A DNS object as the reference prints it (empty parts omitted). */
    public static ObjectNode dnsJson(Dns d) {
        ObjectNode o = F.objectNode();
        if (!d.nameservers().isEmpty()) {
            d.nameservers().forEach(o.putArray("nameservers")::add);
        }
        putStr(o, "domain", d.domain());
        if (!d.search().isEmpty()) {
            d.search().forEach(o.putArray("search")::add);
        }
        if (!d.options().isEmpty()) {
            d.options().forEach(o.putArray("options")::add);
        }
        return o;
    }

    private static void putStr(ObjectNode o, String k, String v) {
        if (v != null && !v.isEmpty()) {
            o.put(k, v);
        }
    }

    private static void putNonZero(ObjectNode o, String k, Integer v) {
        if (v != null && v != 0) {
            o.put(k, v);
        }
    }

    private static Iterable<JsonNode> array(JsonNode parent, String key) {
        JsonNode a = parent.get(key);
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw new IllegalArgumentException("\"" + key + "\" is not an array");
        }
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (!e.isObject()) {
                throw new IllegalArgumentException("\"" + key + "\" has an entry that is not an object");
            }
            out.add(e);
        }
        return out;
    }

    private static String str(JsonNode o, String key, boolean required) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing \"" + key + "\"");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("\"" + key + "\" is not a string");
        }
        return v.textValue();
    }

    private static Integer integer(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("\"" + key + "\" is not an integer");
        }
        return v.intValue();
    }

    private static List<String> strings(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("\"" + key + "\" is not an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException("\"" + key + "\" is not an array of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }
}
