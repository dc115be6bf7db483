package dev.keelson.node.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The records of the cluster domain, computed from Services and EndpointSlices at query time
 * (the Kubernetes DNS specification, as CoreDNS' kubernetes plugin serves it):
 *
 * <pre>
 *   &lt;svc&gt;.&lt;ns&gt;.svc.&lt;domain&gt;                 A/AAAA  cluster IPs; headless: ready endpoint IPs
 *                                              CNAME   type ExternalName
 *   _&lt;port&gt;._&lt;proto&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;domain&gt;  SRV     per named port (headless: per endpoint)
 *   &lt;host&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;domain&gt;          A/AAAA  a headless endpoint, by hostname or dashed IP
 *   &lt;a-b-c-d&gt;.&lt;ns&gt;.pod.&lt;domain&gt;              A       the IP written in the name
 *   &lt;reversed ip&gt;.in-addr.arpa / ip6.arpa   PTR     cluster IPs and headless endpoints
 * </pre>
 *
 * A name that does not exist is NXDOMAIN; a name that exists without records of the asked type
 * (or an empty non-terminal such as {@code svc.<domain>}) is NODATA; both carry the zone's SOA.
 */
final class ClusterZone {
    /** The answer to one question: does the name exist, and its records. */
    record Answer(boolean exists, List<Record> answers, List<Record> additional) {
        static final Answer NXDOMAIN = new Answer(false, List.of(), List.of());
        static final Answer NODATA = new Answer(true, List.of(), List.of());
    }

    private final ServiceView view;
    private final Name domain;
    private final long ttl;
    private final SOARecord soa;

    ClusterZone(ServiceView view, String domain, long ttl) {
        this.view = view;
        this.ttl = ttl;
        try {
            this.domain = Name.fromString(domain, Name.root);
            this.soa = new SOARecord(this.domain, DClass.IN, ttl, Name.fromString("ns.dns", this.domain),
                    Name.fromString("hostmaster", this.domain), 1, 7200, 1800, 86400, ttl);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("invalid cluster domain " + domain, e);
        }
    }

    Name domain() {
        return domain;
    }

    SOARecord soa() {
        return soa;
    }

    boolean covers(Name name) {
        return name.subdomain(domain);
    }

    /** Answers a question about a name inside the cluster domain. */
    Answer answer(Name name, int type) {
        String rel = name.relativize(domain).toString(true).toLowerCase(Locale.ROOT);
        List<String> labels = name.equals(domain) ? List.of() : List.of(rel.split("\\."));
        int n = labels.size();
        if (n == 0) {
            return type == Type.SOA ? new Answer(true, List.of(soa), List.of()) : Answer.NODATA;
        }
        String last = labels.get(n - 1);
        if (last.equals("svc")) {
            return service(name, type, labels.subList(0, n - 1));
        }
        if (last.equals("pod")) {
            return pod(name, type, labels.subList(0, n - 1));
        }
        return Answer.NXDOMAIN;
    }

    private Answer service(Name name, int type, List<String> l) {
        switch (l.size()) {
            case 0:
                return Answer.NODATA;
            case 1:
                return view.namespaceHasServices(l.get(0)) ? Answer.NODATA : Answer.NXDOMAIN;
            case 2:
                return serviceName(name, type, l.get(1), l.get(0));
            case 3:
                return endpointName(name, type, l.get(2), l.get(1), l.get(0));
            case 4:
                return srv(name, type, l.get(3), l.get(2), l.get(0), l.get(1));
            default:
                return Answer.NXDOMAIN;
        }
    }

    private Answer serviceName(Name name, int type, String ns, String svcName) {
        ObjectNode svc = view.service(ns, svcName);
        if (svc == null) {
            return Answer.NXDOMAIN;
        }
        JsonNode spec = svc.path("spec");
        if (spec.path("type").asText("").equals("ExternalName")) {
            Name target = absolute(spec.path("externalName").asText(""));
            return target == null ? Answer.NODATA
                    : new Answer(true, List.of(new CNAMERecord(name, DClass.IN, ttl, target)), List.of());
        }
        List<Record> out = new ArrayList<>();
        if (headless(svc)) {
            view.endpoints(svc).forEach(ep -> address(name, type, ep.ip()).ifPresent(out::add));
        } else {
            for (JsonNode ip : clusterIps(spec)) {
                address(name, type, ip.asText()).ifPresent(out::add);
            }
        }
        if (type == Type.SRV) {
            // The service name itself carries SRV records for its named ports (CoreDNS does the same).
            List<Record> additional = new ArrayList<>();
            for (JsonNode p : spec.path("ports")) {
                if (!p.path("name").asText("").isEmpty()) {
                    srvRecords(name, svc, p, out, additional);
                }
            }
            return new Answer(true, out, additional);
        }
        return new Answer(true, out, List.of());
    }

    private Answer endpointName(Name name, int type, String ns, String svcName, String host) {
        ObjectNode svc = view.service(ns, svcName);
        if (svc == null || !headless(svc)) {
            return Answer.NXDOMAIN;
        }
        List<Record> out = new ArrayList<>();
        boolean found = false;
        for (ServiceView.Endpoint ep : view.endpoints(svc)) {
            if (host.equals(ep.hostname().toLowerCase(Locale.ROOT)) || host.equals(dashed(ep.ip()))) {
                found = true;
                address(name, type, ep.ip()).ifPresent(out::add);
            }
        }
        return found ? new Answer(true, out, List.of()) : Answer.NXDOMAIN;
    }

    private Answer srv(Name name, int type, String ns, String svcName, String port, String proto) {
        ObjectNode svc = view.service(ns, svcName);
        if (svc == null || !port.startsWith("_") || !proto.startsWith("_")) {
            return Answer.NXDOMAIN;
        }
        for (JsonNode p : svc.path("spec").path("ports")) {
            if (p.path("name").asText("").equalsIgnoreCase(port.substring(1))
                    && p.path("protocol").asText("TCP").equalsIgnoreCase(proto.substring(1))) {
                if (type != Type.SRV && type != Type.ANY) {
                    return Answer.NODATA;
                }
                List<Record> out = new ArrayList<>();
                List<Record> additional = new ArrayList<>();
                srvRecords(name, svc, p, out, additional);
                return new Answer(true, out, additional);
            }
        }
        return Answer.NXDOMAIN;
    }

    /** SRV records of one port: to the Service name, or for headless Services to each endpoint. */
    private void srvRecords(Name owner, ObjectNode svc, JsonNode port, List<Record> out, List<Record> additional) {
        Name svcName = serviceFqdn(svc);
        if (!headless(svc)) {
            out.add(new SRVRecord(owner, DClass.IN, ttl, 0, 100, port.path("port").asInt(), svcName));
            for (JsonNode ip : clusterIps(svc.path("spec"))) {
                address(svcName, Type.ANY, ip.asText()).ifPresent(additional::add);
            }
            return;
        }
        int target = view.slicePort(svc, port.path("name").asText(""), port.path("protocol").asText("TCP"));
        List<ServiceView.Endpoint> eps = view.endpoints(svc);
        for (ServiceView.Endpoint ep : eps) {
            String host = ep.hostname().isEmpty() ? dashed(ep.ip()) : ep.hostname();
            Name hostName = child(host, svcName);
            out.add(new SRVRecord(owner, DClass.IN, ttl, 0, Math.max(1, 100 / eps.size()),
                    target != 0 ? target : port.path("port").asInt(), hostName));
            address(hostName, Type.ANY, ep.ip()).ifPresent(additional::add);
        }
    }

    private Answer pod(Name name, int type, List<String> l) {
        if (l.size() == 0) {
            return Answer.NODATA;
        }
        if (l.size() != 2) {
            return Answer.NXDOMAIN;
        }
        String text = l.get(0).contains("-") && l.get(0).matches("[0-9-]+") ? l.get(0).replace('-', '.')
                : l.get(0).replace('-', ':');
        Optional<InetAddress> ip = literal(text);
        if (ip.isEmpty()) {
            return Answer.NXDOMAIN;
        }
        List<Record> out = new ArrayList<>();
        address(name, type, ip.get().getHostAddress()).ifPresent(out::add);
        return new Answer(true, out, List.of());
    }

    /** A PTR answer for a cluster IP or headless endpoint, or empty when the address is not ours. */
    Optional<Record> reverse(Name name) {
        InetAddress ip;
        try {
            ip = fromReverse(name);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ip == null) {
            return Optional.empty();
        }
        for (ObjectNode svc : view.allServices()) {
            if (headless(svc)) {
                for (ServiceView.Endpoint ep : view.endpoints(svc)) {
                    if (literal(ep.ip()).map(ip::equals).orElse(false)) {
                        String host = ep.hostname().isEmpty() ? dashed(ep.ip()) : ep.hostname();
                        return Optional.of(new PTRRecord(name, DClass.IN, ttl, child(host, serviceFqdn(svc))));
                    }
                }
                continue;
            }
            for (JsonNode c : clusterIps(svc.path("spec"))) {
                if (literal(c.asText()).map(ip::equals).orElse(false)) {
                    return Optional.of(new PTRRecord(name, DClass.IN, ttl, serviceFqdn(svc)));
                }
            }
        }
        return Optional.empty();
    }

    private static InetAddress fromReverse(Name name) {
        String text = name.toString(true).toLowerCase(Locale.ROOT);
        String[] parts = text.split("\\.");
        StringBuilder s = new StringBuilder();
        if (text.endsWith(".in-addr.arpa") && parts.length == 6) {
            for (int i = 3; i >= 0; i--) {
                s.append(parts[i]).append(i > 0 ? "." : "");
            }
        } else if (text.endsWith(".ip6.arpa") && parts.length == 34) {
            for (int i = 31; i >= 0; i--) {
                s.append(parts[i]).append(i % 4 == 0 && i > 0 ? ":" : "");
            }
        } else {
            return null;
        }
        return literal(s.toString()).orElseThrow(() -> new IllegalArgumentException("not a reverse name: " + text));
    }

    private Name serviceFqdn(ObjectNode svc) {
        JsonNode m = svc.path("metadata");
        return child(m.path("name").asText() + "." + m.path("namespace").asText() + ".svc", domain);
    }

    private Optional<Record> address(Name name, int type, String ip) {
        Optional<InetAddress> a = literal(ip);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        boolean v4 = a.get().getAddress().length == 4;
        if (v4 && (type == Type.A || type == Type.ANY)) {
            return Optional.of(new ARecord(name, DClass.IN, ttl, a.get()));
        }
        if (!v4 && (type == Type.AAAA || type == Type.ANY)) {
            return Optional.of(new AAAARecord(name, DClass.IN, ttl, a.get()));
        }
        return Optional.empty();
    }

    private static boolean headless(ObjectNode svc) {
        return "None".equals(svc.path("spec").path("clusterIP").asText(""));
    }

    private static List<JsonNode> clusterIps(JsonNode spec) {
        List<JsonNode> out = new ArrayList<>();
        spec.path("clusterIPs").forEach(out::add);
        if (out.isEmpty() && spec.has("clusterIP")) {
            out.add(spec.get("clusterIP"));
        }
        return out;
    }

    /** {@code 10.1.2.3} → {@code 10-1-2-3}; IPv6 colons become dashes too (CoreDNS' endpoint names). */
    static String dashed(String ip) {
        return ip.replace('.', '-').replace(':', '-').toLowerCase(Locale.ROOT);
    }

    /** An IP literal, never a name look-up. */
    static Optional<InetAddress> literal(String text) {
        if (text == null || !(text.matches("[0-9.]+") && text.chars().filter(c -> c == '.').count() == 3)
                && !(text.contains(":") && text.matches("[0-9a-fA-F:.]+"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Name child(String relative, Name origin) {
        try {
            return Name.fromString(relative, origin);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("invalid DNS name " + relative + "." + origin, e);
        }
    }

    private static Name absolute(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            return null;
        }
    }

    static boolean isReverse(Name name) {
        String t = name.toString(true).toLowerCase(Locale.ROOT);
        return t.endsWith(".in-addr.arpa") || t.endsWith(".ip6.arpa");
    }

    static Name reverseOf(InetAddress ip) {
        return ReverseMap.fromAddress(ip);
    }
}
