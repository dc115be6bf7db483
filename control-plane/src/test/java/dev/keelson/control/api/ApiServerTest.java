package dev.keelson.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS, HTTP versions, authentication and the data directory the server sets up. */
class ApiServerTest {
    static TestApi api;

    @BeforeAll
    static void start() throws Exception {
        api = new TestApi();
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    @Test
    void negotiatesHttp2ByAlpnAndServesHttp11Too() throws Exception {
        TestApi.Reply r2 = api.get("/api/v1/namespaces");
        assertEquals(200, r2.code());
        assertEquals(HttpClient.Version.HTTP_2, r2.version());
        var r1 = api.h1.send(api.request("/api/v1/namespaces").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r1.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, r1.version());
        assertEquals("NamespaceList", Json.parse(r1.body().getBytes()).path("kind").asText());
    }

    @Test
    void healthAndVersionAreAnonymous() throws Exception {
        for (String p : new String[] {"/healthz", "/livez", "/readyz"}) {
            var r = api.h2.send(HttpRequest.newBuilder(api.uri(p)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), p);
            assertEquals("ok", r.body());
        }
        var v = api.h2.send(HttpRequest.newBuilder(api.uri("/version")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        JsonNode version = Json.parse(v.body().getBytes());
        assertEquals("1", version.path("major").asText());
        assertTrue(version.path("gitVersion").asText().startsWith("v1.33."), version.toString());
    }

    @Test
    void requestsWithoutAValidTokenGetUnauthorizedStatus() throws Exception {
        for (String auth : new String[] {null, "Bearer nope", "Basic YWRtaW46YWRtaW4=",
                "Bearer " + api.server.adminToken() + "x"}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(api.uri("/api/v1/namespaces"));
            if (auth != null) {
                b.header("Authorization", auth);
            }
            var r = api.h2.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), String.valueOf(auth));
            JsonNode s = Json.parse(r.body().getBytes());
            assertEquals("Status", s.path("kind").asText());
            assertEquals("Failure", s.path("status").asText());
            assertEquals("Unauthorized", s.path("reason").asText());
            assertEquals(401, s.path("code").asInt());
        }
    }

    @Test
    void dataDirectoryHoldsPrivateKeysTokensAndAKubeconfig() throws Exception {
        Set<PosixFilePermission> owner = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        for (String f : new String[] {"pki/ca.key", "pki/apiserver.key", "tokens", "encryption.key", "admin.kubeconfig"}) {
            assertEquals(owner, Files.getPosixFilePermissions(api.dir.resolve(f)), f);
        }
        String kc = Files.readString(api.server.kubeconfig());
        assertTrue(kc.contains("server: \"" + api.server.url() + "\"") || kc.contains("server: " + api.server.url()), kc);
        assertTrue(kc.contains("token: " + api.server.adminToken()), "kubeconfig carries the admin token");
        assertTrue(kc.contains("certificate-authority-data:"), kc);
        var sans = api.server.pki().serving().getSubjectAlternativeNames().stream()
                .map(l -> String.valueOf(l.get(1))).toList();
        assertTrue(sans.contains("127.0.0.1") && sans.contains("localhost"), sans.toString());
        assertTrue(sans.stream().anyMatch(s -> s.startsWith("0:0:0:0:0:0:0:1") || s.equals("::1")), sans.toString());
    }

    @Test
    void restartReusesTheCaTheTokenAndTheEncryptionKey() throws Exception {
        Path dir = Files.createTempDirectory("keelson-api-restart-");
        try {
            String ca;
            String token;
            String key;
            try (TestApi first = new TestApi(dir, false, Duration.ofSeconds(1))) {
                ca = first.server.pki().caPem();
                token = first.server.adminToken();
                key = Files.readString(dir.resolve("encryption.key"));
            }
            try (TestApi second = new TestApi(dir, false, Duration.ofSeconds(1))) {
                assertEquals(ca, second.server.pki().caPem());
                assertEquals(token, second.server.adminToken());
                assertEquals(key, Files.readString(dir.resolve("encryption.key")));
                assertEquals(200, second.get("/api/v1/namespaces").code());
            }
            assertNotEquals("", token);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void unknownPathsAndMethodsAnswerStatusObjects() throws Exception {
        TestApi.Reply r = api.get("/apis/nope.example.com/v1/widgets");
        assertEquals(404, r.code());
        assertEquals("NotFound", r.json().path("reason").asText());
        TestApi.Reply m = api.send(api.request("/api/v1/namespaces/x").POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build());
        assertEquals(405, m.code());
        assertEquals("MethodNotAllowed", m.json().path("reason").asText());
    }
}
