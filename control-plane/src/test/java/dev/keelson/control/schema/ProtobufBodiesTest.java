package dev.keelson.control.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Decodes request bodies captured from real kubectl 1.33 ({@code kubectl create configmap|secret|
 * namespace|deployment|job|service} against a recording HTTP server) into the JSON Kubernetes
 * itself would have decoded.
 */
class ProtobufBodiesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ObjectNode decode(String name) throws IOException {
        try (InputStream in = ProtobufBodiesTest.class.getResourceAsStream("kubectl133/" + name + ".pb")) {
            return Schemas.decodeProtobuf(in.readAllBytes());
        }
    }

    private static void assertJson(String expected, ObjectNode actual) throws IOException {
        assertEquals(MAPPER.readTree(expected), actual, actual.toPrettyString());
    }

    @Test
    void configMapFromLiterals() throws IOException {
        assertJson("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},
                 "data":{"a":"b","mode":"fast"}}""", decode("configmap"));
    }

    @Test
    void secretBytesBecomeBase64AndTheEmptyTypeIsLeftToDefaulting() throws IOException {
        ObjectNode secret = decode("secret");
        assertJson("""
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"creds"},
                 "data":{"pass":"czNjcjN0","user":"YWRtaW4="}}""", secret);
        Schemas.applyDefaults("v1", "Secret", secret);
        assertEquals("Opaque", secret.path("type").asText());
    }

    @Test
    void namespace() throws IOException {
        ObjectNode ns = decode("namespace");
        assertEquals("team-a", ns.path("metadata").path("name").asText());
        assertEquals("Namespace", ns.path("kind").asText());
    }

    @Test
    void deploymentWithTemplateSelectorAndPorts() throws IOException {
        ObjectNode d = decode("deployment");
        assertEquals("apps/v1", d.path("apiVersion").asText());
        assertEquals(3, d.path("spec").path("replicas").asInt());
        assertEquals("web", d.path("spec").path("selector").path("matchLabels").path("app").asText());
        assertEquals("web", d.path("spec").path("template").path("metadata").path("labels").path("app").asText());
        var container = d.path("spec").path("template").path("spec").path("containers").get(0);
        assertEquals("nginx", container.path("name").asText());
        assertEquals("nginx:1.27", container.path("image").asText());
        assertEquals(80, container.path("ports").get(0).path("containerPort").asInt());
        assertTrue(container.path("resources").isObject(), "non-pointer struct stays as {}");
        assertTrue(d.path("metadata").path("creationTimestamp").isMissingNode(), "zero Time is omitted");
        assertEquals("", d.path("spec").path("strategy").path("type").asText(""));
    }

    @Test
    void jobCommandIsARepeatedString() throws IOException {
        ObjectNode j = decode("job");
        var container = j.path("spec").path("template").path("spec").path("containers").get(0);
        assertEquals("[\"echo\",\"hi\"]", container.path("command").toString());
        assertEquals("Never", j.path("spec").path("template").path("spec").path("restartPolicy").asText());
    }

    @Test
    void serviceTargetPortIsIntOrString() throws IOException {
        ObjectNode s = decode("service");
        var port = s.path("spec").path("ports").get(0);
        assertEquals(80, port.path("port").asInt());
        assertEquals(8080, port.path("targetPort").asInt());
        assertTrue(port.path("targetPort").isInt());
        assertEquals("NodePort", s.path("spec").path("type").asText());
        assertEquals("80-8080", port.path("name").asText());
    }

    @Test
    void badEnvelopesAreTypedErrors() {
        assertThrows(IllegalArgumentException.class, () -> Schemas.decodeProtobuf(new byte[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> Schemas.decodeProtobuf(new byte[] {'k', '8', 's', 0, 0x12, 0x7f}));
        // An envelope naming a kind this server does not describe.
        byte[] unknownKind = {'k', '8', 's', 0, 0x0a, 0x0a, 0x0a, 0x02, 'v', '1', 0x12, 0x04, 'N', 'o', 'p', 'e'};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schemas.decodeProtobuf(unknownKind));
        assertTrue(e.getMessage().contains("\"Nope\""), e.getMessage());
    }
}
