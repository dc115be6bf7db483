package dev.keelson.node.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.node.volume.FieldRefs;
import dev.keelson.node.volume.ObjectSource;
import dev.keelson.node.volume.ResourceFields;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** envFrom, valueFrom and ordering, with the kubelet's error wording. */
class EnvResolverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EnvResolver env = new EnvResolver(new ObjectSource() {
        @Override
        public Optional<JsonNode> configMap(String namespace, String name) {
            return name.equals("cfg") ? Optional.of(json("{\"data\":{\"A\":\"1\",\"bad-key!\":\"x\",\"B\":\"2\"}}")) : Optional.empty();
        }

        @Override
        public Optional<JsonNode> secret(String namespace, String name) {
            return name.equals("s") ? Optional.of(json("{\"data\":{\"pw\":\"aHVudGVyMg==\"}}")) : Optional.empty();
        }
    }, new ResourceFields.Allocatable(2000, 1L << 30, 1L << 34));
    private final JsonNode pod = json("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"uid\":\"u\",\"labels\":{\"app\":\"web\"}},"
            + "\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":{\"memory\":\"256Mi\"}}}]}}");
    private final FieldRefs.Facts facts = new FieldRefs.Facts("10.0.0.5", "192.168.0.1", "n1");

    @Test
    void envFromThenEnvInOrderWithPrefixesAndExpansion() {
        JsonNode c = json("""
                {"name":"c","envFrom":[{"prefix":"CFG_","configMapRef":{"name":"cfg"}},{"secretRef":{"name":"s"}},
                                       {"configMapRef":{"name":"absent","optional":true}}],
                 "env":[{"name":"CFG_A","value":"override-$(CFG_B)"},
                        {"name":"APP","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels['app']"}}},
                        {"name":"IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}},
                        {"name":"MEM","valueFrom":{"resourceFieldRef":{"resource":"limits.memory","divisor":"1Mi"}}},
                        {"name":"CPU","valueFrom":{"resourceFieldRef":{"resource":"limits.cpu"}}},
                        {"name":"PW","valueFrom":{"secretKeyRef":{"name":"s","key":"pw"}}},
                        {"name":"OPT","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"nope","optional":true}}}]}""");
        Map<String, String> e = env.resolve(pod, c, facts);
        assertEquals("override-2", e.get("CFG_A"));
        assertEquals("2", e.get("CFG_B"));
        assertEquals(null, e.get("CFG_bad-key!"), "invalid names from envFrom are skipped");
        assertEquals("hunter2", e.get("pw"));
        assertEquals("web", e.get("APP"));
        assertEquals("10.0.0.5", e.get("IP"));
        assertEquals("256", e.get("MEM"));
        assertEquals("2", e.get("CPU"), "no limit: the node's allocatable cores");
        assertEquals("hunter2", e.get("PW"));
        assertEquals(false, e.containsKey("OPT"));
    }

    @Test
    void missingReferencesAreReportedLikeTheKubelet() {
        var noMap = assertThrows(IllegalArgumentException.class, () -> env.resolve(pod, json(
                "{\"name\":\"c\",\"env\":[{\"name\":\"X\",\"valueFrom\":{\"configMapKeyRef\":{\"name\":\"gone\",\"key\":\"k\"}}}]}"), facts));
        assertEquals("configmap \"gone\" not found", noMap.getMessage());
        var noKey = assertThrows(IllegalArgumentException.class, () -> env.resolve(pod, json(
                "{\"name\":\"c\",\"env\":[{\"name\":\"X\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"s\",\"key\":\"k\"}}}]}"), facts));
        assertEquals("couldn't find key k in Secret ns/s", noKey.getMessage());
        var noSecret = assertThrows(IllegalArgumentException.class, () -> env.resolve(pod, json(
                "{\"name\":\"c\",\"envFrom\":[{\"secretRef\":{\"name\":\"gone\"}}]}"), facts));
        assertEquals("secret \"gone\" not found", noSecret.getMessage());
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
