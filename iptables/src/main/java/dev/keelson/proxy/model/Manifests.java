package dev.keelson.proxy.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses Kubernetes Service and EndpointSlice manifests: YAML (several documents separated by
 * {@code ---}) or JSON, each document an object or a {@code kind: List} of objects. Other kinds are
 * ignored, so a whole application manifest can be fed in.
 */
public final class Manifests {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Manifests() {
    }

    /**
     * Parses {@code text} into a snapshot.
     *
     * @throws ModelException when a Service or EndpointSlice is invalid, or the text is not YAML/JSON
     */
    public static Snapshot parse(String text) {
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull()) {
                    add(doc, services, slices);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelException m) {
                throw m;
            }
            throw new ModelException("manifest", "(document)", "not valid YAML or JSON: " + e.getMessage());
        }
        return Snapshot.of(services, slices);
    }

    /**
     * One Service object from the API (a watch event's object), or null for an ExternalName
     * Service, which has nothing to proxy.
     *
     * @throws ModelException when the Service is invalid
     */
    public static Service service(JsonNode doc) {
        return ServiceParser.parse(doc);
    }

    /**
     * One {@code discovery.k8s.io/v1} EndpointSlice object from the API, or null for an FQDN slice.
     *
     * @throws ModelException when the slice is invalid
     */
    public static EndpointSlice slice(JsonNode doc) {
        return SliceParser.parse(doc);
    }

    private static void add(JsonNode doc, List<Service> services, List<EndpointSlice> slices) {
        if (!doc.isObject()) {
            throw new ModelException("manifest", "(document)", "expected an object, got " + doc.getNodeType());
        }
        switch (doc.path("kind").asText()) {
            case "List", "ServiceList", "EndpointSliceList" -> {
                for (JsonNode item : doc.path("items")) {
                    add(item, services, slices);
                }
            }
            case "Service" -> {
                Service s = ServiceParser.parse(doc);
                if (s != null) {
                    services.add(s);
                }
            }
            case "EndpointSlice" -> {
                EndpointSlice e = SliceParser.parse(doc);
                if (e != null) {
                    slices.add(e);
                }
            }
            default -> {
                // Deployments, ConfigMaps, ...: not ours.
            }
        }
    }
}
