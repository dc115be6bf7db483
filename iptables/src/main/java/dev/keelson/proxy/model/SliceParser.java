package dev.keelson.proxy.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads a {@code kind: EndpointSlice} document ({@code discovery.k8s.io/v1}). */
final class SliceParser {
    /** The label that ties a slice to its Service. */
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private SliceParser() {
    }

    /** The slice, or null for an FQDN slice (not proxied). */
    static EndpointSlice parse(JsonNode doc) {
        JsonNode meta = doc.path("metadata");
        String ns = new Fields("EndpointSlice").text(meta.get("namespace"), "metadata.namespace", "default");
        String name = new Fields("EndpointSlice " + ns + "/?").required(meta.get("name"), "metadata.name");
        Fields f = new Fields("EndpointSlice " + ns + "/" + name);
        String svc = f.required(meta.path("labels").get(SERVICE_NAME_LABEL),
                "metadata.labels[" + SERVICE_NAME_LABEL + "]");
        String at = f.required(doc.get("addressType"), "addressType");
        if (at.equals("FQDN")) {
            return null;
        }
        AddressType type = f.choice(doc.get("addressType"), "addressType", AddressType.class, null);
        List<Endpoint> endpoints = new ArrayList<>();
        List<JsonNode> raw = f.array(doc.get("endpoints"), "endpoints");
        for (int i = 0; i < raw.size(); i++) {
            endpoints.add(endpoint(f, raw.get(i), "endpoints[" + i + "]", type));
        }
        List<EndpointPort> ports = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<JsonNode> rp = f.array(doc.get("ports"), "ports");
        for (int i = 0; i < rp.size(); i++) {
            String pat = "ports[" + i + "]";
            JsonNode p = rp.get(i);
            String pn = f.text(p.get("name"), pat + ".name", "");
            if (!names.add(pn)) {
                throw f.error(pat + ".name", "duplicate port name \"" + pn + "\"");
            }
            Protocol proto = f.protocol(p.get("protocol"), pat + ".protocol");
            // A null port means "all ports" and is only meaningful for selector-less slices; the proxy skips it.
            if (p.hasNonNull("port")) {
                ports.add(new EndpointPort(pn, proto, f.port(p.get("port"), pat + ".port", false)));
            }
        }
        return new EndpointSlice(name, new ServiceRef(ns, svc), type, endpoints, ports);
    }

    private static Endpoint endpoint(Fields f, JsonNode e, String at, AddressType type) {
        List<InetAddress> addrs = f.ips(e.get("addresses"), at + ".addresses");
        if (addrs.isEmpty()) {
            throw f.error(at + ".addresses", "must contain at least one address");
        }
        for (int j = 0; j < addrs.size(); j++) {
            if (!type.matches(addrs.get(j))) {
                throw f.error(at + ".addresses[" + j + "]", "\"" + e.get("addresses").get(j).asText()
                        + "\" is not an " + type + " address");
            }
        }
        JsonNode c = e.path("conditions");
        boolean ready = !c.hasNonNull("ready") || c.get("ready").asBoolean();
        boolean serving = c.hasNonNull("serving") ? c.get("serving").asBoolean() : ready;
        boolean terminating = c.hasNonNull("terminating") && c.get("terminating").asBoolean();
        return new Endpoint(addrs, new EndpointConditions(ready, serving, terminating),
                f.text(e.get("nodeName"), at + ".nodeName", null), f.text(e.get("zone"), at + ".zone", null));
    }
}
