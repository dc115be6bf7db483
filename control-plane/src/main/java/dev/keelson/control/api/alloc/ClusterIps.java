package dev.keelson.control.api.alloc;

import dev.keelson.control.model.Cidr;
import dev.keelson.control.model.Ips;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.store.Store;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cluster IPs of Services: one {@link SlotRange} per configured service CIDR (one per family),
 * with records under {@code /registry/ranges/serviceips/<ip>}. Random allocation skips the
 * network address (and the IPv4 broadcast address); the first address is the {@code kubernetes}
 * Service's, taken at start.
 */
final class ClusterIps {
    static final String PREFIX = "/registry/ranges/serviceips/";
    private static final BigInteger MAX_SPAN = BigInteger.ONE.shiftLeft(62);
    private final Map<String, Cidr> byFamily = new LinkedHashMap<>();
    private final Map<String, SlotRange> ranges = new LinkedHashMap<>();

    ClusterIps(Store store, List<Cidr> cidrs) {
        for (Cidr c : cidrs) {
            if (byFamily.putIfAbsent(c.family(), c) != null) {
                throw new IllegalArgumentException("two service CIDRs of family " + c.family() + ": " + cidrs);
            }
            BigInteger size = c.size();
            long last = size.min(MAX_SPAN).longValueExact() - (c.family().equals("IPv4") ? 2 : 1);
            if (last < 1) {
                throw new IllegalArgumentException("service CIDR " + c + " is too small");
            }
            ranges.put(c.family(), new SlotRange(store, PREFIX, 1, last,
                    off -> Ips.format(c.at(BigInteger.valueOf(off)))));
        }
        if (byFamily.isEmpty()) {
            throw new IllegalArgumentException("no service CIDR configured");
        }
    }

    /** The family whose range is used when a Service names none (the first configured). */
    String primaryFamily() {
        return byFamily.keySet().iterator().next();
    }

    List<String> families() {
        return List.copyOf(byFamily.keySet());
    }

    Optional<Cidr> cidr(String family) {
        return Optional.ofNullable(byFamily.get(family));
    }

    /** The first usable address of the primary range: the {@code kubernetes} Service's cluster IP. */
    String first() {
        return Ips.format(byFamily.get(primaryFamily()).at(BigInteger.ONE));
    }

    /** Why {@code ip} cannot be requested, in Kubernetes' words, or empty when it is in range. */
    Optional<String> outOfRange(InetAddress ip) {
        Cidr c = byFamily.get(Ips.family(ip));
        if (c != null && c.contains(ip)) {
            return Optional.empty();
        }
        String range = c == null ? String.join(",", byFamily.values().stream().map(Cidr::toString).toList())
                : c.toString();
        return Optional.of("the provided IP (" + Ips.format(ip) + ") is not in the valid range. The range of valid IPs is "
                + range);
    }

    boolean take(String ip, String owner) {
        return range(ip).take(ip, owner);
    }

    boolean isFree(String ip) {
        return range(ip).holder(ip).isEmpty();
    }

    Optional<String> takeAny(String family, String owner) {
        return ranges.get(family).takeAny(owner);
    }

    void release(String ip, String owner) {
        Ips.parse(ip).filter(a -> byFamily.containsKey(Ips.family(a))).ifPresent(a -> range(ip).release(ip, owner));
    }

    Map<String, SlotRange.Holder> taken() {
        // One prefix holds both families, so either range lists them all.
        return ranges.values().iterator().next().taken();
    }

    private SlotRange range(String ip) {
        InetAddress a = Ips.parse(ip).orElseThrow(() -> new IllegalArgumentException("not an IP: " + ip));
        SlotRange r = ranges.get(Ips.family(a));
        if (r == null) {
            throw new IllegalArgumentException("no service CIDR of family " + Ips.family(a));
        }
        return r;
    }

    /** The IPs a Service spec holds ({@code None} and blanks excluded). */
    static List<String> of(JsonNode spec) {
        List<String> out = new ArrayList<>();
        for (JsonNode ip : spec.path("clusterIPs")) {
            if (!ip.asText("").isEmpty() && !ip.asText().equals("None")) {
                out.add(ip.asText());
            }
        }
        String single = spec.path("clusterIP").asText("");
        if (out.isEmpty() && !single.isEmpty() && !single.equals("None")) {
            out.add(single);
        }
        return out;
    }

    /** Writes {@code clusterIP}, {@code clusterIPs} and {@code ipFamilies} consistently. */
    static void set(ObjectNode spec, List<String> ips, List<String> families) {
        spec.put("clusterIP", ips.getFirst());
        ArrayNode list = spec.putArray("clusterIPs");
        ips.forEach(list::add);
        ArrayNode fam = spec.putArray("ipFamilies");
        families.forEach(fam::add);
    }
}
