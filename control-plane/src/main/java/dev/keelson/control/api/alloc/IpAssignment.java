package dev.keelson.control.api.alloc;

import dev.keelson.control.model.Ips;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.rest.ApiException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The cluster-IP half of one Service write (see {@link ServiceAllocator}). */
final class IpAssignment {
    private final ClusterIps ips;
    private final ServiceAllocator.Tx tx;

    IpAssignment(ClusterIps ips, ServiceAllocator.Tx tx) {
        this.ips = ips;
        this.tx = tx;
    }

    void assign(ObjectNode spec, JsonNode oldSpec) {
        String single = spec.path("clusterIP").asText("");
        List<String> listed = texts(spec.path("clusterIPs"));
        List<String> old = oldSpec == null || oldSpec.path("type").asText("").equals("ExternalName")
                ? List.of() : texts(oldSpec.path("clusterIPs"));
        if (old.isEmpty() && oldSpec != null && !oldSpec.path("clusterIP").asText("").isEmpty()) {
            old = List.of(oldSpec.path("clusterIP").asText());
        }
        if (!old.isEmpty()) {
            keep(spec, oldSpec, single, listed, old);
            return;
        }
        if (single.equals("None") || (!listed.isEmpty() && listed.getFirst().equals("None"))) {
            spec.put("clusterIP", "None");
            spec.putArray("clusterIPs").add("None");
            return;
        }
        if (!single.isEmpty() && !listed.isEmpty() && !single.equals(listed.getFirst())) {
            throw tx.invalid("spec.clusterIPs[0]", "Invalid value: " + ServiceAllocator.goStrings(listed)
                    + ": must match `clusterIP` when both are specified");
        }
        List<String> wanted = !listed.isEmpty() ? listed : single.isEmpty() ? List.of() : List.of(single);
        List<String> families = families(spec, wanted);
        List<String> result = new ArrayList<>();
        for (int i = 0; i < families.size(); i++) {
            if (i < wanted.size()) {
                result.add(takeRequested(wanted, i));
            } else if (!tx.dryRun()) {
                String ip = ips.takeAny(families.get(i), tx.owner()).orElseThrow(() ->
                        ApiException.internal("failed to allocate a serviceIP: range is full"));
                tx.onAbandon(() -> ips.release(ip, tx.owner()));
                result.add(ip);
            }
        }
        if (!result.isEmpty()) {
            ClusterIps.set(spec, result, families);
        }
    }

    /** An update: the IPs stay what they were; naming another primary IP is rejected. */
    private void keep(ObjectNode spec, JsonNode oldSpec, String single, List<String> listed, List<String> old) {
        String primary = !listed.isEmpty() ? listed.getFirst() : single;
        if (!primary.isEmpty() && !primary.equals(old.getFirst())) {
            List<String> shown = !listed.isEmpty() ? listed : List.of(single);
            throw tx.invalid("spec.clusterIPs[0]", "Invalid value: " + ServiceAllocator.goStrings(shown)
                    + ": may not change once set");
        }
        spec.put("clusterIP", old.getFirst());
        var list = spec.putArray("clusterIPs");
        old.forEach(list::add);
        if (oldSpec.has("ipFamilies")) {
            spec.set("ipFamilies", oldSpec.get("ipFamilies").deepCopy());
        }
    }

    private String takeRequested(List<String> wanted, int i) {
        InetAddress a = Ips.parse(wanted.get(i)).orElseThrow();  // families() checked it
        String ip = Ips.format(a);
        String prefix = "Invalid value: " + ServiceAllocator.goStrings(wanted) + ": failed to allocate IP " + ip + ": ";
        Optional<String> outside = ips.outOfRange(a);
        if (outside.isPresent()) {
            throw tx.invalid("spec.clusterIPs", prefix + outside.get());
        }
        boolean ok = tx.dryRun() ? ips.isFree(ip) : ips.take(ip, tx.owner());
        if (!ok) {
            throw tx.invalid("spec.clusterIPs", prefix + "provided IP is already allocated");
        }
        if (!tx.dryRun()) {
            tx.onAbandon(() -> ips.release(ip, tx.owner()));
        }
        return ip;
    }

    /** The families to allocate, from the requested IPs, {@code ipFamilies} and {@code ipFamilyPolicy}. */
    private List<String> families(ObjectNode spec, List<String> wanted) {
        List<String> families = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            String text = wanted.get(i);
            InetAddress a = Ips.parse(text).orElseThrow(() -> tx.invalid("spec.clusterIPs[" + families.size() + "]",
                    "Invalid value: \"" + text + "\": must be a valid IP address"));
            families.add(Ips.family(a));
        }
        List<String> declared = texts(spec.path("ipFamilies"));
        boolean defaulted = declared.equals(List.of("IPv4")) && ips.cidr("IPv4").isEmpty();
        for (String f : defaulted ? List.<String>of() : declared) {
            if (!families.contains(f)) {
                families.add(f);
            }
        }
        if (families.isEmpty()) {
            families.add(ips.primaryFamily());
        }
        String policy = spec.path("ipFamilyPolicy").asText("SingleStack");
        if (policy.equals("RequireDualStack") && ips.families().size() < 2) {
            throw tx.invalid("spec.ipFamilyPolicy", "Invalid value: \"RequireDualStack\": this cluster is not "
                    + "configured for dual-stack services");
        }
        if (!policy.equals("SingleStack") && families.size() == 1) {
            ips.families().stream().filter(f -> !families.contains(f)).findFirst().ifPresent(families::add);
        }
        if (policy.equals("SingleStack") && families.size() > 1) {
            families.subList(1, families.size()).clear();
        }
        for (int i = 0; i < families.size(); i++) {
            if (ips.cidr(families.get(i)).isEmpty()) {
                throw tx.invalid("spec.ipFamilies[" + i + "]", "Invalid value: \"" + families.get(i)
                        + "\": not configured on this cluster");
            }
        }
        return families;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (!n.asText("").isEmpty()) {
                out.add(n.asText());
            }
        }
        return out;
    }
}
