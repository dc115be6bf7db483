package dev.keelson.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.node.volume.FieldRefs;
import dev.keelson.node.volume.ObjectSource;
import dev.keelson.node.volume.ResourceFields;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A container's environment as the kubelet's {@code makeEnvironmentVariables} builds it:
 * {@code envFrom} sources first (configMapRef / secretRef, with {@code prefix}; keys that are not
 * valid variable names are skipped), then {@code env} in order, later names replacing earlier
 * ones. {@code value}s expand {@code $(VAR)} over what is defined so far; {@code valueFrom} reads
 * configMapKeyRef, secretKeyRef (both honour {@code optional}), fieldRef and resourceFieldRef.
 */
final class EnvResolver {
    /** The kubelet's check for env names taken from envFrom keys (C identifier-like, dots and dashes allowed). */
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    private final ObjectSource objects;
    private final ResourceFields.Allocatable allocatable;

    EnvResolver(ObjectSource objects, ResourceFields.Allocatable allocatable) {
        this.objects = objects;
        this.allocatable = allocatable;
    }

    /**
     * @throws IllegalArgumentException with the kubelet's wording ({@code configmap "x" not found},
     *         {@code couldn't find key k in ConfigMap ns/x}) — a CreateContainerConfigError
     */
    Map<String, String> resolve(JsonNode pod, JsonNode container, FieldRefs.Facts facts) {
        String ns = pod.path("metadata").path("namespace").asText();
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String prefix = from.path("prefix").asText("");
            Map<String, byte[]> data;
            if (from.has("configMapRef")) {
                data = source(from.path("configMapRef"), "configmap", n -> objects.configMap(ns, n), ObjectSource::configMapData);
            } else if (from.has("secretRef")) {
                data = source(from.path("secretRef"), "secret", n -> objects.secret(ns, n), ObjectSource::secretData);
            } else {
                continue;
            }
            data.forEach((k, v) -> {
                if (ENV_NAME.matcher(prefix + k).matches()) {
                    env.put(prefix + k, new String(v, StandardCharsets.UTF_8));
                }
            });
        }
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asText();
            if (e.has("valueFrom")) {
                String v = valueFrom(pod, ns, container.path("name").asText(), e.path("valueFrom"), facts);
                if (v != null) {
                    env.put(name, v);
                }
            } else {
                env.put(name, ContainerConfigs.expand(e.path("value").asText(""), env));
            }
        }
        return env;
    }

    private static Map<String, byte[]> source(JsonNode ref, String kind, Function<String, Optional<JsonNode>> get,
                                              Function<JsonNode, Map<String, byte[]>> data) {
        String name = ref.path("name").asText();
        Optional<JsonNode> o = get.apply(name);
        if (o.isEmpty()) {
            if (ref.path("optional").asBoolean(false)) {
                return Map.of();
            }
            throw new IllegalArgumentException(kind + " \"" + name + "\" not found");
        }
        return data.apply(o.get());
    }

    /** The value, or null for a missing optional key (the variable is then not set at all). */
    private String valueFrom(JsonNode pod, String ns, String container, JsonNode from, FieldRefs.Facts facts) {
        if (from.has("fieldRef")) {
            return FieldRefs.value(pod, from.path("fieldRef").path("fieldPath").asText(), facts);
        }
        if (from.has("resourceFieldRef")) {
            JsonNode r = from.path("resourceFieldRef");
            return ResourceFields.value(pod, r.path("containerName").asText(container), r.path("resource").asText(),
                    r.path("divisor").asText(""), allocatable);
        }
        if (from.has("configMapKeyRef")) {
            return key(from.path("configMapKeyRef"), ns, "configmap", "ConfigMap", n -> objects.configMap(ns, n),
                    ObjectSource::configMapData);
        }
        if (from.has("secretKeyRef")) {
            return key(from.path("secretKeyRef"), ns, "secret", "Secret", n -> objects.secret(ns, n), ObjectSource::secretData);
        }
        throw new IllegalArgumentException("unsupported valueFrom " + from);
    }

    private static String key(JsonNode ref, String ns, String kind, String kindName, Function<String, Optional<JsonNode>> get,
                              Function<JsonNode, Map<String, byte[]>> data) {
        boolean optional = ref.path("optional").asBoolean(false);
        String name = ref.path("name").asText();
        String key = ref.path("key").asText();
        Optional<JsonNode> o = get.apply(name);
        if (o.isEmpty()) {
            if (optional) {
                return null;
            }
            throw new IllegalArgumentException(kind + " \"" + name + "\" not found");
        }
        byte[] v = data.apply(o.get()).get(key);
        if (v == null) {
            if (optional) {
                return null;
            }
            throw new IllegalArgumentException("couldn't find key " + key + " in " + kindName + " " + ns + "/" + name);
        }
        return new String(v, StandardCharsets.UTF_8);
    }
}
