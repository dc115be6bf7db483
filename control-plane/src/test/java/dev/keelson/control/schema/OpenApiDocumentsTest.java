package dev.keelson.control.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The documents' shapes: names, extensions, references that resolve, the v3 index hashes. */
class OpenApiDocumentsTest {

    @Test
    void v2DefinitionsAreNamedLikeKubernetesAndEveryReferenceResolves() {
        ObjectNode doc = Schemas.openApiV2();
        JsonNode defs = doc.path("definitions");
        JsonNode dep = defs.path("io.k8s.api.apps.v1.Deployment");
        assertEquals("{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}",
                dep.path("x-kubernetes-group-version-kind").get(0).toString());
        JsonNode containers = defs.path("io.k8s.api.core.v1.PodSpec").path("properties").path("containers");
        assertEquals("merge", containers.path("x-kubernetes-patch-strategy").asText());
        assertEquals("#/definitions/io.k8s.api.core.v1.Container", containers.path("items").path("$ref").asText());
        assertFalse(defs.has("io.k8s.api.core.v1.VolumeSource"), "embedded structs have no definition");
        doc.findValues("$ref").forEach(ref -> assertTrue(defs.has(ref.asText().substring("#/definitions/".length())), ref.asText()));
        JsonNode patch = doc.path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").path("patch");
        assertEquals("Deployment", patch.path("x-kubernetes-group-version-kind").path("kind").asText());
        assertTrue(patch.path("parameters").toString().contains("\"fieldValidation\""));
    }

    @Test
    void v3IndexHashesTheServedBytesAndDocumentsResolve() throws Exception {
        JsonNode index = Schemas.openApiV3Index().path("paths");
        String url = index.path("apis/apps/v1").path("serverRelativeURL").asText();
        assertEquals("/openapi/v3/apis/apps/v1?hash=" + OpenApiDocuments.sha512(Schemas.openApiV3Json("apis/apps/v1")), url);
        assertTrue(index.has("api/v1") && index.has("apis/batch/v1"));
        ObjectNode core = Schemas.openApiV3("/api/v1");
        JsonNode schemas = core.path("components").path("schemas");
        assertTrue(schemas.has("io.k8s.api.core.v1.Pod") && schemas.has("io.k8s.api.policy.v1.Eviction"));
        core.findValues("$ref").forEach(ref -> assertTrue(
                schemas.has(ref.asText().substring("#/components/schemas/".length())), ref.asText()));
        assertTrue(core.path("paths").has("/api/v1/namespaces/{namespace}/pods/{name}"));
        assertThrows(IllegalArgumentException.class, () -> Schemas.openApiV3("apis/example.com/v1"));
    }

    @Test
    void protobufFormStartsWithTheSwaggerVersionField() {
        byte[] pb = Schemas.openApiV2Protobuf();
        // field 1 (swagger), length-delimited, "2.0"
        assertEquals(0x0a, pb[0]);
        assertEquals(3, pb[1]);
        assertEquals("2.0", new String(pb, 2, 3, java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(pb.length > 50_000);
    }
}
