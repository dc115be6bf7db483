package dev.keelson.node.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The files of configMap, secret, downwardAPI and projected volumes, computed from the pod and
 * the objects they name (pure but for the {@link ObjectSource} reads). Modes follow the pod spec;
 * the defaults are 0644, except secrets: 0400, as issue 9 asks (Kubernetes itself uses 0644).
 */
public final class Payloads {
    /** Kubernetes' default file mode for configMap, downwardAPI and projected volumes. */
    public static final int DEFAULT_MODE = 0644;
    /** Keelson's default for secret volumes (stricter than Kubernetes' 0644, per issue 9). */
    public static final int SECRET_DEFAULT_MODE = 0400;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ObjectSource objects;
    private final ResourceFields.Allocatable allocatable;

    public Payloads(ObjectSource objects, ResourceFields.Allocatable allocatable) {
        this.objects = objects;
        this.allocatable = allocatable;
    }

    /** A {@code configMap} volume source's files. */
    public Map<String, FileProjection> configMap(JsonNode pod, String volume, JsonNode src, int defaultMode) throws VolumeException {
        String name = src.path("name").asText();
        Optional<JsonNode> cm = objects.configMap(namespace(pod), name);
        if (cm.isEmpty()) {
            if (src.path("optional").asBoolean(false)) {
                return Map.of();
            }
            throw new VolumeException(volume, "configmap \"" + name + "\" not found");
        }
        return keys(volume, "configmap", ObjectSource.configMapData(cm.get()), src, defaultMode);
    }

    /** A {@code secret} volume source's files ({@code secretName} in volumes, {@code name} in projections). */
    public Map<String, FileProjection> secret(JsonNode pod, String volume, JsonNode src, int defaultMode) throws VolumeException {
        String name = src.has("secretName") ? src.path("secretName").asText() : src.path("name").asText();
        Optional<JsonNode> s = objects.secret(namespace(pod), name);
        if (s.isEmpty()) {
            if (src.path("optional").asBoolean(false)) {
                return Map.of();
            }
            throw new VolumeException(volume, "secret \"" + name + "\" not found");
        }
        return keys(volume, "secret", ObjectSource.secretData(s.get()), src, defaultMode);
    }

    private static Map<String, FileProjection> keys(String volume, String kind, Map<String, byte[]> data, JsonNode src,
                                                    int defaultMode) throws VolumeException {
        Map<String, FileProjection> out = new LinkedHashMap<>();
        if (!src.has("items")) {
            data.forEach((k, v) -> out.put(k, new FileProjection(v, defaultMode)));
            return out;
        }
        for (JsonNode item : src.path("items")) {
            String key = item.path("key").asText();
            byte[] v = data.get(key);
            if (v == null) {
                if (src.path("optional").asBoolean(false)) {
                    continue;
                }
                throw new VolumeException(volume, kind + " references non-existent " + kind + " key: " + key);
            }
            out.put(item.path("path").asText(key), new FileProjection(v, item.path("mode").asInt(defaultMode)));
        }
        return out;
    }

    /** A {@code downwardAPI} volume source's files: metadata fields and container resources. */
    public Map<String, FileProjection> downwardApi(JsonNode pod, String volume, JsonNode src, int defaultMode) throws VolumeException {
        Map<String, FileProjection> out = new LinkedHashMap<>();
        for (JsonNode item : src.path("items")) {
            String value;
            try {
                if (item.has("fieldRef")) {
                    value = FieldRefs.value(pod, item.path("fieldRef").path("fieldPath").asText(), FieldRefs.Facts.NONE);
                } else {
                    JsonNode r = item.path("resourceFieldRef");
                    value = ResourceFields.value(pod, r.path("containerName").asText(), r.path("resource").asText(),
                            r.path("divisor").asText(""), allocatable);
                }
            } catch (IllegalArgumentException e) {
                throw new VolumeException(volume, "downwardAPI item \"" + item.path("path").asText() + "\": " + e.getMessage(), e);
            }
            out.put(item.path("path").asText(), new FileProjection(value.getBytes(StandardCharsets.UTF_8),
                    item.path("mode").asInt(defaultMode)));
        }
        return out;
    }

    /**
     * A {@code projected} volume source's files: each source's files merged, later ones winning.
     * A {@code serviceAccountToken} source gets {@link #unsignedToken}: Keelson's API server has no
     * TokenRequest, so the agent never hands its own credential to a pod.
     */
    public Map<String, FileProjection> projected(JsonNode pod, String volume, JsonNode src) throws VolumeException {
        int mode = src.path("defaultMode").asInt(DEFAULT_MODE);
        Map<String, FileProjection> out = new LinkedHashMap<>();
        for (JsonNode s : src.path("sources")) {
            if (s.has("configMap")) {
                out.putAll(configMap(pod, volume, s.path("configMap"), mode));
            } else if (s.has("secret")) {
                out.putAll(secret(pod, volume, s.path("secret"), mode));
            } else if (s.has("downwardAPI")) {
                out.putAll(downwardApi(pod, volume, s.path("downwardAPI"), mode));
            } else if (s.has("serviceAccountToken")) {
                JsonNode t = s.path("serviceAccountToken");
                long ttl = Math.max(600, t.path("expirationSeconds").asLong(3600));
                // issued at the start of the current 80 %-of-lifetime window, as the kubelet rotates: the
                // token stays byte-identical (no rewrite) until it is due for renewal
                long now = Instant.now().getEpochSecond();
                Instant issued = Instant.ofEpochSecond(now - now % (ttl * 8 / 10));
                String token = unsignedToken(pod, t.path("audience").asText(""), ttl, issued);
                out.put(t.path("path").asText("token"), new FileProjection(token.getBytes(StandardCharsets.US_ASCII), mode));
            } else if (s.has("clusterTrustBundle")) {
                throw new VolumeException(volume, "projected clusterTrustBundle sources are not supported by this node agent");
            }
        }
        return out;
    }

    /**
     * A JWT with the claims a bound service-account token carries ({@code iss}, {@code sub}
     * {@code system:serviceaccount:<ns>:<sa>}, {@code aud}, {@code exp}, the pod binding) but
     * {@code alg: none} and no signature: programs that read their identity from the token see it,
     * and the API server grants it nothing.
     */
    static String unsignedToken(JsonNode pod, String audience, long expirationSeconds, Instant now) {
        JsonNode m = pod.path("metadata");
        String sa = pod.path("spec").path("serviceAccountName").asText("default");
        ObjectNode claims = MAPPER.createObjectNode();
        claims.put("iss", "https://kubernetes.default.svc.cluster.local")
                .put("sub", "system:serviceaccount:" + m.path("namespace").asText() + ":" + sa)
                .put("iat", now.getEpochSecond()).put("nbf", now.getEpochSecond())
                .put("exp", now.getEpochSecond() + expirationSeconds);
        claims.putArray("aud").add(audience.isEmpty() ? "https://kubernetes.default.svc.cluster.local" : audience);
        ObjectNode k8s = claims.putObject("kubernetes.io").put("namespace", m.path("namespace").asText());
        k8s.putObject("pod").put("name", m.path("name").asText()).put("uid", m.path("uid").asText());
        k8s.putObject("serviceaccount").put("name", sa);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private static String namespace(JsonNode pod) {
        return pod.path("metadata").path("namespace").asText();
    }
}
