package dev.keelson.node.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.Informer;
import java.util.ArrayList;
import java.util.List;

/**
 * What DNS needs from the informer caches of Services and EndpointSlices: a Service by name, its
 * endpoints (ready ones, or all when it publishes not-ready addresses), and reverse look-ups.
 */
final class ServiceView {
    /** One address of a headless Service's endpoint, with its DNS hostname if it has one. */
    record Endpoint(String ip, String hostname) {}

    private static final String SERVICE_NAME = "kubernetes.io/service-name";
    private final Informer services;
    private final Informer slices;

    ServiceView(Informer services, Informer slices) {
        this.services = services;
        this.slices = slices;
    }

    ObjectNode service(String namespace, String name) {
        return services.get(namespace + "/" + name);
    }

    boolean namespaceHasServices(String namespace) {
        return !services.list(namespace).isEmpty();
    }

    List<ObjectNode> allServices() {
        return services.list();
    }

    /** The endpoint addresses behind a Service, de-duplicated, in slice order. */
    List<Endpoint> endpoints(ObjectNode svc) {
        String ns = svc.path("metadata").path("namespace").asText();
        String name = svc.path("metadata").path("name").asText();
        boolean notReadyToo = svc.path("spec").path("publishNotReadyAddresses").asBoolean(false);
        List<Endpoint> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (ObjectNode slice : slicesOf(ns, name)) {
            for (JsonNode ep : slice.path("endpoints")) {
                // A missing "ready" means ready (discovery/v1 semantics).
                if (!notReadyToo && !ep.path("conditions").path("ready").asBoolean(true)) {
                    continue;
                }
                for (JsonNode a : ep.path("addresses")) {
                    if (!seen.contains(a.asText())) {
                        seen.add(a.asText());
                        out.add(new Endpoint(a.asText(), ep.path("hostname").asText("")));
                    }
                }
            }
        }
        return out;
    }

    /** The port of {@code portName}/{@code protocol} that a Service's slices publish, or 0. */
    int slicePort(ObjectNode svc, String portName, String protocol) {
        String ns = svc.path("metadata").path("namespace").asText();
        String name = svc.path("metadata").path("name").asText();
        for (ObjectNode slice : slicesOf(ns, name)) {
            for (JsonNode p : slice.path("ports")) {
                if (p.path("name").asText("").equalsIgnoreCase(portName)
                        && p.path("protocol").asText("TCP").equalsIgnoreCase(protocol)) {
                    return p.path("port").asInt();
                }
            }
        }
        return 0;
    }

    private List<ObjectNode> slicesOf(String ns, String name) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode s : slices.list(ns)) {
            if (name.equals(s.path("metadata").path("labels").path(SERVICE_NAME).asText())) {
                out.add(s);
            }
        }
        out.sort((a, b) -> a.path("metadata").path("name").asText().compareTo(b.path("metadata").path("name").asText()));
        return out;
    }
}
