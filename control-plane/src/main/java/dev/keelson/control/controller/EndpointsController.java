package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.control.model.Json;
import dev.keelson.control.model.LabelSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes the pods behind each Service with a selector, as EndpointSlices (discovery.k8s.io/v1,
 * at most 100 endpoints each, one set per address family and resolved port list, labelled
 * {@code kubernetes.io/service-name}) and as the legacy Endpoints object. Endpoints carry
 * ready/serving/terminating from the pod's Ready condition and deletion state; named target ports
 * are resolved per pod. Objects are written only when they change.
 */
public final class EndpointsController implements AutoCloseable {
    static final String SERVICE_NAME = "kubernetes.io/service-name";
    static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    static final String CONTROLLER = "endpointslice-controller.k8s.io";
    private static final int MAX_PER_SLICE = 100;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KubeClient client;
    private final Informer services;
    private final Informer pods;
    private final Informer slices;
    private final Informer endpoints;
    private final WorkQueue queue = new WorkQueue();
    private ControllerLoop loop;

    public EndpointsController(KubeClient client, Informer services, Informer pods, Informer slices, Informer endpoints) {
        this.client = client;
        this.services = services;
        this.pods = pods;
        this.slices = slices;
        this.endpoints = endpoints;
        services.addHandler(Handlers.enqueueSelf(queue));
        pods.addHandler(new Informer.Handler() {
            @Override
            public void onAdd(ObjectNode o) {
                enqueueServicesOf(o);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode o) {
                enqueueServicesOf(old);
                enqueueServicesOf(o);
            }

            @Override
            public void onDelete(ObjectNode o) {
                enqueueServicesOf(o);
            }
        });
    }

    public EndpointsController start(int workers) {
        loop = new ControllerLoop("endpoints", queue, this::reconcile).start(workers);
        return this;
    }

    private void enqueueServicesOf(ObjectNode pod) {
        Map<String, String> labels = Json.stringMap(pod.path("metadata").path("labels"));
        for (ObjectNode svc : services.list(Pods.namespace(pod))) {
            JsonNode sel = svc.path("spec").path("selector");
            if (sel.isObject() && !sel.isEmpty() && LabelSelector.ofMap(Json.stringMap(sel)).matches(labels)) {
                queue.add(Informer.key(svc));
            }
        }
    }

    void reconcile(String key) {
        ObjectNode svc = services.get(key);
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        List<ObjectNode> existing = new ArrayList<>();
        for (ObjectNode s : slices.list(ns)) {
            JsonNode l = s.path("metadata").path("labels");
            if (name.equals(l.path(SERVICE_NAME).asText()) && CONTROLLER.equals(l.path(MANAGED_BY).asText())) {
                existing.add(s);
            }
        }
        JsonNode selector = svc == null ? null : svc.path("spec").path("selector");
        if (svc == null || !selector.isObject() || selector.isEmpty()) {
            existing.forEach(s -> delete(Resource.ENDPOINTSLICES, s));
            return;
        }
        EndpointSet set = EndpointSet.of(svc, pods.list(ns));
        syncSlices(svc, set.slices(MAX_PER_SLICE), existing);
        syncEndpoints(svc, set.endpoints());
    }

    private void syncSlices(ObjectNode svc, List<ObjectNode> desired, List<ObjectNode> existing) {
        for (int i = 0; i < desired.size(); i++) {
            ObjectNode want = desired.get(i);
            ObjectNode meta = want.putObject("metadata");
            meta.put("namespace", Pods.namespace(svc));
            meta.putObject("labels").put(SERVICE_NAME, Pods.name(svc)).put(MANAGED_BY, CONTROLLER);
            ObjectNode owner = svc.deepCopy();
            owner.put("apiVersion", "v1").put("kind", "Service");
            Pods.setController(meta, owner);
            if (i < existing.size()) {
                ObjectNode have = existing.get(i);
                if (have.path("endpoints").equals(want.path("endpoints")) && have.path("ports").equals(want.path("ports"))
                        && have.path("addressType").equals(want.path("addressType"))) {
                    continue;
                }
                meta.put("name", Pods.name(have)).put("resourceVersion", have.path("metadata").path("resourceVersion").asText());
                client.update(Resource.ENDPOINTSLICES, want, null);
            } else {
                meta.put("generateName", Pods.name(svc) + "-");
                client.create(Resource.ENDPOINTSLICES, Pods.namespace(svc), want);
            }
        }
        for (int i = desired.size(); i < existing.size(); i++) {
            delete(Resource.ENDPOINTSLICES, existing.get(i));
        }
    }

    private void syncEndpoints(ObjectNode svc, ArrayNode subsets) {
        ObjectNode ep = MAPPER.createObjectNode();
        ep.put("apiVersion", "v1").put("kind", "Endpoints");
        ObjectNode meta = ep.putObject("metadata");
        meta.put("name", Pods.name(svc)).put("namespace", Pods.namespace(svc));
        meta.set("labels", svc.path("metadata").path("labels").isObject() ? svc.path("metadata").path("labels").deepCopy()
                : MAPPER.createObjectNode());
        if (!subsets.isEmpty()) {
            ep.set("subsets", subsets);
        }
        // compared with the informer's copy: a reconcile per pod change must not cost a GET
        ObjectNode have = endpoints.get(Informer.key(svc));
        if (have != null) {
            if (have.path("subsets").equals(ep.path("subsets")) || (subsets.isEmpty() && have.path("subsets").isEmpty())) {
                return;
            }
            meta.put("resourceVersion", have.path("metadata").path("resourceVersion").asText());
            try {
                client.update(Resource.ENDPOINTS, ep, null);
            } catch (ApiException e) {
                if (!e.conflict() && !e.notFound()) {
                    throw e;
                }
                queue.add(Informer.key(svc)); // changed or removed meanwhile: try again on fresher data
            }
            return;
        }
        try {
            client.create(Resource.ENDPOINTS, Pods.namespace(svc), ep);
        } catch (ApiException e) {
            if (!e.alreadyExists()) {
                throw e;
            }
            queue.add(Informer.key(svc)); // created meanwhile: the cache will show it on the next pass
        }
    }

    private void delete(Resource r, ObjectNode o) {
        Calls.unlessGone(() -> client.delete(r, Pods.namespace(o), Pods.name(o), null));
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }

    /** Pods that back a Service, grouped for slices and for the legacy Endpoints object. */
    record EndpointSet(Map<String, List<ObjectNode>> byGroup, Map<String, ArrayNode> portsByGroup, ArrayNode endpoints) {

        static EndpointSet of(ObjectNode svc, List<ObjectNode> pods) {
            LabelSelector sel = LabelSelector.ofMap(Json.stringMap(svc.path("spec").path("selector")));
            boolean publishNotReady = svc.path("spec").path("publishNotReadyAddresses").asBoolean(false);
            Map<String, List<ObjectNode>> groups = new LinkedHashMap<>();
            Map<String, ArrayNode> portsByGroup = new LinkedHashMap<>();
            Map<String, ObjectNode> subsets = new LinkedHashMap<>();
            pods.sort(java.util.Comparator.comparing(Pods::name));
            for (ObjectNode pod : pods) {
                String phase = pod.path("status").path("phase").asText("");
                if (!sel.matches(Json.stringMap(pod.path("metadata").path("labels"))) || phase.equals("Succeeded")
                        || phase.equals("Failed")) {
                    continue;
                }
                ArrayNode ports = ports(svc, pod);
                boolean terminating = pod.path("metadata").has("deletionTimestamp");
                boolean ready = (Pods.ready(pod) || publishNotReady) && !terminating;
                for (String ip : ips(pod)) {
                    String family = ip.contains(":") ? "IPv6" : "IPv4";
                    String group = family + ports;
                    portsByGroup.putIfAbsent(group, ports);
                    groups.computeIfAbsent(group, g -> new ArrayList<>()).add(endpoint(pod, ip, ready, terminating));
                    if (family.equals("IPv4") || subsets.isEmpty()) {
                        ObjectNode subset = subsets.computeIfAbsent(ports.toString(), p -> {
                            ObjectNode s = MAPPER.createObjectNode();
                            s.set("ports", legacyPorts(ports));
                            return s;
                        });
                        if (!terminating || publishNotReady) {
                            subset.withArray(ready ? "addresses" : "notReadyAddresses").add(address(pod, ip));
                        }
                    }
                }
            }
            ArrayNode legacy = MAPPER.createArrayNode();
            subsets.values().stream().filter(s -> s.has("addresses") || s.has("notReadyAddresses")).forEach(legacy::add);
            return new EndpointSet(groups, portsByGroup, legacy);
        }

        List<ObjectNode> slices(int max) {
            List<ObjectNode> out = new ArrayList<>();
            byGroup.forEach((group, eps) -> {
                for (int i = 0; i < eps.size(); i += max) {
                    ObjectNode slice = MAPPER.createObjectNode();
                    slice.put("apiVersion", "discovery.k8s.io/v1").put("kind", "EndpointSlice");
                    slice.put("addressType", group.startsWith("IPv6") ? "IPv6" : "IPv4");
                    ArrayNode arr = slice.putArray("endpoints");
                    eps.subList(i, Math.min(eps.size(), i + max)).forEach(arr::add);
                    slice.set("ports", portsByGroup.get(group));
                    out.add(slice);
                }
            });
            return out;
        }

        private static List<String> ips(ObjectNode pod) {
            List<String> out = new ArrayList<>();
            pod.path("status").path("podIPs").forEach(p -> out.add(p.path("ip").asText()));
            if (out.isEmpty() && !pod.path("status").path("podIP").asText("").isEmpty()) {
                out.add(pod.path("status").path("podIP").asText());
            }
            return out;
        }

        private static ObjectNode endpoint(ObjectNode pod, String ip, boolean ready, boolean terminating) {
            ObjectNode ep = MAPPER.createObjectNode();
            ep.putArray("addresses").add(ip);
            ep.putObject("conditions").put("ready", ready).put("serving", Pods.ready(pod)).put("terminating", terminating);
            String node = pod.path("spec").path("nodeName").asText("");
            if (!node.isEmpty()) {
                ep.put("nodeName", node);
            }
            ep.set("targetRef", ref(pod));
            return ep;
        }

        private static ObjectNode address(ObjectNode pod, String ip) {
            ObjectNode a = MAPPER.createObjectNode();
            a.put("ip", ip);
            String node = pod.path("spec").path("nodeName").asText("");
            if (!node.isEmpty()) {
                a.put("nodeName", node);
            }
            a.set("targetRef", ref(pod));
            return a;
        }

        private static ObjectNode ref(ObjectNode pod) {
            ObjectNode r = MAPPER.createObjectNode();
            r.put("kind", "Pod").put("namespace", Pods.namespace(pod)).put("name", Pods.name(pod)).put("uid", Pods.uid(pod));
            return r;
        }

        /** The Service's ports with targetPort resolved against this pod's named container ports. */
        private static ArrayNode ports(ObjectNode svc, ObjectNode pod) {
            ArrayNode out = MAPPER.createArrayNode();
            for (JsonNode p : svc.path("spec").path("ports")) {
                JsonNode target = p.has("targetPort") ? p.get("targetPort") : p.get("port");
                int port = target.isInt() ? target.asInt() : named(pod, target.asText(), p.path("protocol").asText("TCP"));
                if (port <= 0) {
                    continue;
                }
                ObjectNode o = out.addObject();
                if (p.has("name")) {
                    o.put("name", p.get("name").asText());
                }
                o.put("port", port).put("protocol", p.path("protocol").asText("TCP"));
                if (p.has("appProtocol")) {
                    o.put("appProtocol", p.get("appProtocol").asText());
                }
            }
            return out;
        }

        private static ArrayNode legacyPorts(ArrayNode ports) {
            ArrayNode out = MAPPER.createArrayNode();
            ports.forEach(p -> out.add(p.deepCopy()));
            return out;
        }

        private static int named(ObjectNode pod, String name, String protocol) {
            if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
                return Integer.parseInt(name);
            }
            for (JsonNode c : pod.path("spec").path("containers")) {
                for (JsonNode cp : c.path("ports")) {
                    if (name.equals(cp.path("name").asText()) && protocol.equals(cp.path("protocol").asText("TCP"))) {
                        return cp.path("containerPort").asInt();
                    }
                }
            }
            return 0;
        }
    }
}
