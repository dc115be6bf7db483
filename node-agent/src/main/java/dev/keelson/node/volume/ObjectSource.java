package dev.keelson.node.volume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where the agent reads the ConfigMaps and Secrets that volumes and env refer to. The real one
 * GETs them from the API server on each use (the kubelet's "Get" change-detection strategy), so a
 * change shows up at the next sync; tests can pass a map-backed one.
 */
public interface ObjectSource {
    /** The ConfigMap, or empty when the API server has none by that name. */
    Optional<JsonNode> configMap(String namespace, String name);

    /** The Secret, or empty when the API server has none by that name. */
    Optional<JsonNode> secret(String namespace, String name);

    /** The PersistentVolumeClaim, or empty when there is none (a source without claims has none). */
    default Optional<JsonNode> claim(String namespace, String name) {
        return Optional.empty();
    }

    /** The PersistentVolume, or empty when there is none. */
    default Optional<JsonNode> persistentVolume(String name) {
        return Optional.empty();
    }

    /** Reads through {@code client}; errors other than 404 propagate as {@link ApiException}. */
    static ObjectSource of(KubeClient client) {
        return new ObjectSource() {
            @Override
            public Optional<JsonNode> configMap(String namespace, String name) {
                return get(client, Resource.CONFIGMAPS, namespace, name);
            }

            @Override
            public Optional<JsonNode> secret(String namespace, String name) {
                return get(client, Resource.SECRETS, namespace, name);
            }

            @Override
            public Optional<JsonNode> claim(String namespace, String name) {
                return get(client, Resource.PERSISTENTVOLUMECLAIMS, namespace, name);
            }

            @Override
            public Optional<JsonNode> persistentVolume(String name) {
                return get(client, Resource.PERSISTENTVOLUMES, null, name);
            }
        };
    }

    private static Optional<JsonNode> get(KubeClient client, Resource r, String namespace, String name) {
        try {
            return Optional.of(client.get(r, namespace, name));
        } catch (ApiException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A ConfigMap's keys and bytes: {@code data} as UTF-8, {@code binaryData} base64-decoded. */
    static Map<String, byte[]> configMapData(JsonNode cm) {
        Map<String, byte[]> out = new TreeMap<>();
        cm.path("data").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
        cm.path("binaryData").properties().forEach(e -> out.put(e.getKey(), Base64.getDecoder().decode(e.getValue().asText())));
        return out;
    }

    /**
     * A Secret's keys and bytes: {@code data} base64-decoded; {@code stringData} too, for an API
     * server that stored it without folding it into {@code data} (the real one folds it on write).
     */
    static Map<String, byte[]> secretData(JsonNode secret) {
        Map<String, byte[]> out = new TreeMap<>();
        secret.path("stringData").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
        secret.path("data").properties().forEach(e -> out.put(e.getKey(), Base64.getDecoder().decode(e.getValue().asText())));
        return out;
    }
}
