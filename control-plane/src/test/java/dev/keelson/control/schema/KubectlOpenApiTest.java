package dev.keelson.control.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Real kubectl binaries read this package's OpenAPI documents from a tiny HTTP server: 1.20
 * validates manifests client-side from the /openapi/v2 protobuf; 1.33 explains from /openapi/v3
 * and, finding fieldValidation on the kinds' PATCH operations, leaves validation to the server.
 */
class KubectlOpenApiTest {
    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.27
                    ports:
                    - containerPort: 80
            """;

    @Test
    void kubectl120AcceptsAValidManifestWithClientSideValidation() throws Exception {
        Kubectl.require(Kubectl.V120);
        try (FakeApiServer server = new FakeApiServer()) {
            Kubectl.Result r = Kubectl.run(Kubectl.V120, server.url(), DEPLOYMENT,
                    "create", "--dry-run=client", "--validate=true", "-o", "name", "-f", "-");
            assertEquals(0, r.exit(), r.err());
            assertEquals("deployment.apps/web", r.out().trim());
            assertTrue(server.requests.stream().anyMatch(q -> q.uri().startsWith("/openapi/v2")));
        }
    }

    @Test
    void kubectl120RejectsUnknownFieldsAndWrongTypesFromTheProtobufSchema() throws Exception {
        Kubectl.require(Kubectl.V120);
        try (FakeApiServer server = new FakeApiServer()) {
            String bad = DEPLOYMENT.replace("replicas: 2", "replicaz: 2").replace("image: nginx:1.27", "image: [nginx]");
            Kubectl.Result r = Kubectl.run(Kubectl.V120, server.url(), bad,
                    "create", "--dry-run=client", "--validate=true", "-o", "name", "-f", "-");
            assertNotEquals(0, r.exit());
            assertTrue(r.err().contains("unknown field \"replicaz\" in io.k8s.api.apps.v1.DeploymentSpec"), r.err());
            assertTrue(r.err().contains("io.k8s.api.core.v1.Container.image"), r.err());
        }
    }

    @Test
    void kubectl133ExplainsFieldsFromOpenApiV3() throws Exception {
        Kubectl.require(Kubectl.V133);
        try (FakeApiServer server = new FakeApiServer()) {
            Kubectl.Result r = Kubectl.run(Kubectl.V133, server.url(), "", "explain", "deployments.spec.strategy");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("GROUP:      apps"), r.out());
            assertTrue(r.out().contains("rollingUpdate\t<RollingUpdateDeployment>"), r.out());
            assertTrue(server.requests.stream().anyMatch(q -> q.uri().startsWith("/openapi/v3/apis/apps/v1?hash=")));
        }
    }

    @Test
    void kubectl133LeavesStrictValidationToTheServer() throws Exception {
        Kubectl.require(Kubectl.V133);
        try (FakeApiServer server = new FakeApiServer()) {
            String bad = DEPLOYMENT.replace("replicas: 2", "replicaz: 2");
            Kubectl.Result r = Kubectl.run(Kubectl.V133, server.url(), bad, "create", "-f", "-");
            assertEquals(0, r.exit(), r.err());
            FakeApiServer.Request post = server.requests.stream().filter(q -> q.method().equals("POST")).findFirst().orElseThrow();
            assertTrue(post.uri().startsWith("/apis/apps/v1/namespaces/default/deployments?"), post.uri());
            assertTrue(post.uri().contains("fieldValidation=Strict"), post.uri());
        }
    }
}
