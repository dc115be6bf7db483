package dev.keelson.node.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Volume file contents from pod specs and API objects (pure, with a map-backed ObjectSource). */
class PayloadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceFields.Allocatable NODE = new ResourceFields.Allocatable(4000, 8L << 30, 100L << 30);
    private final Map<String, JsonNode> cms = Map.of("cfg", json("{\"data\":{\"a\":\"1\",\"b\":\"2\"},\"binaryData\":{\"bin\":\"AAE=\"}}"));
    private final Map<String, JsonNode> secrets = Map.of("s", json("{\"data\":{\"pw\":\"" + b64("hunter2") + "\"}}"));
    private final Payloads payloads = new Payloads(new ObjectSource() {
        @Override
        public Optional<JsonNode> configMap(String namespace, String name) {
            return Optional.ofNullable(cms.get(name));
        }

        @Override
        public Optional<JsonNode> secret(String namespace, String name) {
            return Optional.ofNullable(secrets.get(name));
        }
    }, NODE);
    private final JsonNode pod = json("""
            {"metadata":{"name":"p","namespace":"ns","uid":"u-1","labels":{"b":"2","a":"x\\"y"}},
             "spec":{"serviceAccountName":"robot","containers":[{"name":"c","resources":{"limits":{"cpu":"1500m","memory":"64Mi"}}}]}}""");

    @Test
    void configMapKeysItemsAndOptional() throws Exception {
        var all = payloads.configMap(pod, "v", json("{\"name\":\"cfg\"}"), 0644);
        assertEquals(java.util.Set.of("a", "b", "bin"), all.keySet());
        assertEquals(2, all.get("bin").data().length, "binaryData is decoded");
        var items = payloads.configMap(pod, "v", json("{\"name\":\"cfg\",\"items\":[{\"key\":\"a\",\"path\":\"d/x\",\"mode\":256}]}"), 0644);
        assertEquals(Map.of("d/x", 0400), Map.of("d/x", items.get("d/x").mode()));
        assertEquals(Map.of(), payloads.configMap(pod, "v", json("{\"name\":\"nope\",\"optional\":true}"), 0644));
        var missing = assertThrows(VolumeException.class, () -> payloads.configMap(pod, "v", json("{\"name\":\"nope\"}"), 0644));
        assertEquals("configmap \"nope\" not found", missing.getMessage());
        var badKey = assertThrows(VolumeException.class,
                () -> payloads.configMap(pod, "v", json("{\"name\":\"cfg\",\"items\":[{\"key\":\"zz\",\"path\":\"z\"}]}"), 0644));
        assertEquals("configmap references non-existent configmap key: zz", badKey.getMessage());
    }

    @Test
    void secretsAreDecodedWithTheirMode() throws Exception {
        var s = payloads.secret(pod, "v", json("{\"secretName\":\"s\"}"), Payloads.SECRET_DEFAULT_MODE);
        assertEquals("hunter2", new String(s.get("pw").data(), StandardCharsets.UTF_8));
        assertEquals(0400, s.get("pw").mode());
    }

    @Test
    void downwardApiFormatsLabelsAndDividesResources() throws Exception {
        var d = payloads.downwardApi(pod, "v", json("""
                {"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}},
                          {"path":"ns","fieldRef":{"fieldPath":"metadata.namespace"}},
                          {"path":"cpu","resourceFieldRef":{"containerName":"c","resource":"limits.cpu"}},
                          {"path":"mem","resourceFieldRef":{"containerName":"c","resource":"requests.memory","divisor":"1Mi"}}]}"""), 0644);
        assertEquals("a=\"x\\\"y\"\nb=\"2\"", text(d.get("labels")));
        assertEquals("ns", text(d.get("ns")));
        assertEquals("2", text(d.get("cpu")), "1500m rounds up to 2 cores");
        assertEquals("64", text(d.get("mem")), "a missing request is the limit");
        var status = assertThrows(VolumeException.class, () -> payloads.downwardApi(pod, "v",
                json("{\"items\":[{\"path\":\"ip\",\"fieldRef\":{\"fieldPath\":\"status.podIP\"}}]}"), 0644));
        assertTrue(status.getMessage().contains("unsupported fieldRef \"status.podIP\""), status.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"limits.cpu,,4", "limits.cpu,1m,4000", "limits.memory,1Gi,8", "requests.cpu,,0"})
    void unsetLimitsAreTheNodesAllocatable(String resource, String divisor, String expected) {
        JsonNode bare = json("{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
        assertEquals(expected, ResourceFields.value(bare, "c", resource, divisor == null ? "" : divisor, NODE));
    }

    @Test
    void projectedMergesSourcesAndWritesAnUnsignedServiceAccountToken() throws Exception {
        var p = payloads.projected(pod, "v", json("""
                {"defaultMode":420,"sources":[{"configMap":{"name":"cfg","items":[{"key":"a","path":"a"}]}},
                 {"secret":{"name":"s"}},{"serviceAccountToken":{"path":"token","expirationSeconds":3600}}]}"""));
        assertEquals(java.util.Set.of("a", "pw", "token"), p.keySet());
        String[] jwt = text(p.get("token")).split("\\.", -1);
        assertEquals(3, jwt.length);
        assertEquals("", jwt[2], "no signature");
        JsonNode claims = json(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
        assertEquals("system:serviceaccount:ns:robot", claims.path("sub").asText());
        assertEquals("u-1", claims.path("kubernetes.io").path("pod").path("uid").asText());
        assertTrue(claims.path("exp").asLong() > Instant.now().getEpochSecond());
        assertEquals(text(p.get("token")), text(payloads.projected(pod, "v", json(
                "{\"sources\":[{\"serviceAccountToken\":{\"path\":\"token\",\"expirationSeconds\":3600}}]}")).get("token")),
                "the token is stable within its renewal window, so the volume is not rewritten every sync");
    }

    private static String text(FileProjection f) {
        return new String(f.data(), StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
