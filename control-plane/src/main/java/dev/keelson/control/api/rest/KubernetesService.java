package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.registry.ResourceRegistry;
import dev.keelson.control.api.registry.ResourceType;

/**
 * The {@code default/kubernetes} Service through which pods reach the API server: the first IP
 * of the service range, port 443 ({@code https}) to the server's own address and port, published
 * as a selector-less Service with an Endpoints object and an EndpointSlice of the same name (what
 * kube-apiserver's "kubernetes service" controller keeps up to date). Every start re-points them,
 * since the server's address or port may have changed.
 */
public final class KubernetesService {
    public static final String NAME = "kubernetes";
    private static final String NAMESPACE = "default";
    private static final WriteOptions OPTIONS = new WriteOptions(false, "kube-apiserver", false, false, false);

    private KubernetesService() {}

    /**
     * Creates or re-points the Service, Endpoints and EndpointSlice.
     *
     * @param clusterIp the Service's cluster IP (first of the range)
     * @param address the API server's address as pods should dial it
     * @param port the API server's port
     */
    public static void ensure(ResourceRegistry registry, ObjectWriter writer, String clusterIp, String address, int port) {
        CreateHandler creator = new CreateHandler(writer, new NamespaceGuard(writer.storage(), registry));
        ObjectNode svc = object("v1", "Service");
        Meta.metadata(svc).putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
        ObjectNode spec = svc.putObject("spec").put("type", "ClusterIP").put("clusterIP", clusterIp)
                .put("sessionAffinity", "None");
        spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP")
                .put("targetPort", port);
        put(registry, writer, creator, "", "services", svc, false);

        ObjectNode ep = object("v1", "Endpoints");
        Meta.metadata(ep).putObject("labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
        ObjectNode subset = ep.putArray("subsets").addObject();
        subset.putArray("addresses").addObject().put("ip", address);
        subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
        put(registry, writer, creator, "", "endpoints", ep, true);

        ObjectNode slice = object("discovery.k8s.io/v1", "EndpointSlice");
        Meta.metadata(slice).putObject("labels").put("kubernetes.io/service-name", NAME);
        slice.put("addressType", address.contains(":") ? "IPv6" : "IPv4");
        ObjectNode endpoint = slice.putArray("endpoints").addObject();
        endpoint.putArray("addresses").add(address);
        endpoint.putObject("conditions").put("ready", true);
        slice.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
        put(registry, writer, creator, "discovery.k8s.io", "endpointslices", slice, true);
    }

    private static ObjectNode object(String apiVersion, String kind) {
        ObjectNode o = Json.object().put("apiVersion", apiVersion).put("kind", kind);
        o.putObject("metadata").put("name", NAME).put("namespace", NAMESPACE);
        return o;
    }

    /** Creates {@code desired}, or updates the stored one (only its spec/content when {@code whole}). */
    private static void put(ResourceRegistry registry, ObjectWriter writer, CreateHandler creator, String group,
                            String resource, ObjectNode desired, boolean whole) {
        ResourceType type = registry.find(group, "v1", resource)
                .orElseThrow(() -> new IllegalStateException("the registry serves no " + resource));
        if (writer.storage().get(type, NAMESPACE, NAME).isEmpty()) {
            try {
                creator.create(type, NAMESPACE, desired.deepCopy(), OPTIONS);
                return;
            } catch (ApiException e) {
                if (!e.reason().equals("AlreadyExists")) {  // another server on the same store was first
                    throw e;
                }
            }
        }
        writer.update(type, NAMESPACE, NAME, current -> {
            ObjectNode next = current.object().deepCopy();
            if (whole) {
                desired.fields().forEachRemaining(f -> {
                    if (!f.getKey().equals("metadata")) {
                        next.set(f.getKey(), f.getValue().deepCopy());
                    }
                });
            } else {
                // Only the target port follows the server; the cluster IP stays what it was allocated.
                next.withObjectProperty("spec").set("ports", desired.path("spec").path("ports").deepCopy());
            }
            return next;
        }, OPTIONS);
    }
}
