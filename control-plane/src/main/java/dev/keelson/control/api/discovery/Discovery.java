package dev.keelson.control.api.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.http.MediaType;
import dev.keelson.control.api.registry.ResourceRegistry;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.registry.Subresource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The discovery documents kubectl reads before anything else: {@code /api}, {@code /apis},
 * {@code /apis/<group>}, the per-version resource lists, and the aggregated form
 * ({@code apidiscovery.k8s.io/v2 APIGroupDiscoveryList}) that kubectl ≥ 1.30 asks for on
 * {@code /api} and {@code /apis} in one round trip each.
 */
public final class Discovery {
    /** The aggregated-discovery media type, answered as the Content-Type (kubectl checks it). */
    public static final String AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private static final String AGGREGATED_V2BETA1 =
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    private final ResourceRegistry registry;

    public Discovery(ResourceRegistry registry) {
        this.registry = registry;
    }

    /** The aggregated media type to answer with, if the Accept header asks for one we serve. */
    public static Optional<String> aggregated(String accept) {
        for (MediaType m : MediaType.parseAccept(accept)) {
            if (m.type().equals("application/json") && m.param("as").equals("APIGroupDiscoveryList")
                    && m.param("g").equals("apidiscovery.k8s.io")) {
                if (m.param("v").equals("v2")) {
                    return Optional.of(AGGREGATED_V2);
                }
                if (m.param("v").equals("v2beta1")) {
                    return Optional.of(AGGREGATED_V2BETA1);
                }
            } else if (m.json() && m.params().isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** {@code /api}: the legacy group's versions. */
    public ObjectNode apiVersions(String serverAddress) {
        ObjectNode o = Json.object().put("kind", "APIVersions");
        o.putArray("versions").add("v1");
        o.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0")
                .put("serverAddress", serverAddress);
        return o;
    }

    /** {@code /apis}: every named group. */
    public ObjectNode groupList() {
        ObjectNode o = Json.object().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = o.putArray("groups");
        registry.groups().forEach(g -> groups.add(group(g)));
        return o;
    }

    /** {@code /apis/<group>}, if served. */
    public Optional<ObjectNode> group(String name, boolean withKind) {
        if (!registry.groups().contains(name)) {
            return Optional.empty();
        }
        ObjectNode g = group(name);
        ObjectNode o = Json.object().put("kind", "APIGroup").put("apiVersion", "v1");
        o.setAll(g);
        return Optional.of(withKind ? o : g);
    }

    private ObjectNode group(String name) {
        ObjectNode g = Json.object().put("name", name);
        ArrayNode versions = g.putArray("versions");
        List<String> vs = registry.versions(name);
        for (String v : vs) {
            versions.addObject().put("groupVersion", name + "/" + v).put("version", v);
        }
        g.putObject("preferredVersion").put("groupVersion", name + "/" + vs.getFirst()).put("version", vs.getFirst());
        return g;
    }

    /** {@code /api/v1} or {@code /apis/<group>/<version>}, if served. */
    public Optional<ObjectNode> resourceList(String group, String version) {
        List<ResourceType> types = registry.resources(group, version);
        if (types.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode o = Json.object().put("kind", "APIResourceList").put("apiVersion", "v1")
                .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode resources = o.putArray("resources");
        for (ResourceType t : types) {
            ObjectNode r = resources.addObject().put("name", t.resource()).put("singularName", t.singular())
                    .put("namespaced", t.namespaced()).put("kind", t.kind());
            strings(r.putArray("verbs"), t.verbs());
            if (!t.shortNames().isEmpty()) {
                strings(r.putArray("shortNames"), t.shortNames());
            }
            if (!t.categories().isEmpty()) {
                strings(r.putArray("categories"), t.categories());
            }
            r.put("storageVersionHash", hash(t));
            for (Subresource s : t.subresources()) {
                ObjectNode sr = resources.addObject().put("name", t.resource() + "/" + s.name()).put("singularName", "")
                        .put("namespaced", t.namespaced());
                if (!s.group().equals(t.group()) || !s.version().equals(t.version())) {
                    sr.put("group", s.group()).put("version", s.version());
                }
                sr.put("kind", s.kind());
                strings(sr.putArray("verbs"), s.verbs());
            }
        }
        return Optional.of(o);
    }

    /** The aggregated document for {@code /api} ({@code legacy}) or {@code /apis}. */
    public ObjectNode aggregatedList(boolean legacy, String mediaType) {
        String apiVersion = mediaType.equals(AGGREGATED_V2) ? "apidiscovery.k8s.io/v2" : "apidiscovery.k8s.io/v2beta1";
        ObjectNode o = Json.object().put("kind", "APIGroupDiscoveryList").put("apiVersion", apiVersion);
        o.putObject("metadata");
        ArrayNode items = o.putArray("items");
        List<String> groups = legacy ? List.of("") : registry.groups();
        for (String g : groups) {
            ObjectNode item = items.addObject();
            ObjectNode meta = item.putObject("metadata");
            if (!g.isEmpty()) {
                meta.put("name", g);
            }
            ArrayNode versions = item.putArray("versions");
            for (String v : legacy ? List.of("v1") : registry.versions(g)) {
                ObjectNode ver = versions.addObject().put("version", v);
                ArrayNode resources = ver.putArray("resources");
                for (ResourceType t : registry.resources(g, v)) {
                    resources.add(AggregatedResource.of(t));
                }
                ver.put("freshness", "Current");
            }
        }
        return o;
    }

    static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    /** A stable digest of the storage identity (group/version/kind), as clients only compare it. */
    private static String hash(ResourceType t) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((t.group() + "/" + t.version() + "/" + t.kind()).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(d, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
