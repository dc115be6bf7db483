package dev.keelson.cri.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.keelson.cri.image.registry.RegistryHosts;
import dev.keelson.cri.image.store.ImageRecord;
import dev.keelson.testing.Command;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls over HTTPS from Debian's distribution registry configured for token auth, the way Docker
 * Hub and most private registries work. The registry serves TLS with a certificate made here
 * (openssl, SAN 127.0.0.1) and trusts tokens signed by its key. The token server runs in this JVM
 * (the JDK's HTTP server): it checks Basic credentials and returns RS256 JWTs whose {@code x5c}
 * header carries that certificate. The registry verifies each token itself, checking the chain,
 * the signature, the issuer, the audience, the expiry and the access list; it answers the
 * start-up probe's unauthenticated {@code /v2/} with 401. The image is pushed first through a
 * plain-HTTP registry over the same storage.
 */
@KernelTest
class RegistryAuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret-pw";
    private static final String SERVICE = "keelson-test-registry";
    private static final String ISSUER = "keelson-test-token-issuer";

    @TempDir
    static Path tmp;
    static ImageFixture image;
    static LocalRegistry registry;
    static HttpServer tokenServer;
    static String authority;
    static SSLContext trust;
    static PrivateKey key;
    static String certB64;
    static volatile int tokensIssued;

    @TempDir
    Path root;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("registry"));
        Command.ok("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.resolve("key.pem").toString(),
                "-out", dir.resolve("cert.pem").toString());
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        certB64 = Base64.getEncoder().encodeToString(cert.getEncoded());
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(dir.resolve("key.pem"))));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("registry", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        trust = SSLContext.getInstance("TLS");
        trust.init(null, tmf.getTrustManagers(), null);

        // the image goes in through an open, plain-HTTP registry over the same storage
        try (LocalRegistry open = new LocalRegistry(dir, "")) {
            image = new ImageFixture(Files.createDirectories(tmp.resolve("img")), MediaTypes.Compression.GZIP);
            image.push(open, "secure/busybox", "1.0", null);
        }

        tokenServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokenServer.createContext("/token", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            byte[] body;
            int status;
            if (!expected.equals(auth)) {
                status = 401;
                body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                body = JSON.writeValueAsBytes(Map.of("token", jwt(query(ex.getRequestURI(), "scope")), "expires_in", 300));
                tokensIssued++;
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        tokenServer.start();

        registry = new LocalRegistry(dir, """
                  tls:
                    certificate: %s
                    key: %s
                """.formatted(dir.resolve("cert.pem"), dir.resolve("key.pem")), """
                auth:
                  token:
                    realm: http://127.0.0.1:%d/token
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(tokenServer.getAddress().getPort(), SERVICE, ISSUER, dir.resolve("cert.pem")), trust);
        authority = registry.authority();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (tokenServer != null) {
            tokenServer.stop(0);
        }
    }

    private ImageService service(RegistryHosts.Credentials credentials) {
        Map<String, RegistryHosts.Credentials> creds = credentials == null ? Map.of() : Map.of(authority, credentials);
        return new ImageService(root, new RegistryHosts(Map.of(), Set.of(), creds, trust), Platform.LINUX_AMD64);
    }

    @Test
    void pullsOverHttpsWithATokenFromTheRealm() {
        int before = tokensIssued;
        ImageRecord r = service(new RegistryHosts.Credentials(USER, PASSWORD)).pull(authority + "/secure/busybox:1.0");
        assertEquals(image.config.toString(), r.id());
        assertEquals(List.of(authority + "/secure/busybox:1.0"), r.repoTags());
        assertTrue(tokensIssued > before, "the pull went through the token server");
    }

    @Test
    void wrongCredentialsAreRefusedByTheTokenServerWithATypedError() {
        ImageException e = assertThrows(ImageException.Unauthorized.class,
                () -> service(new RegistryHosts.Credentials(USER, "wrong")).pull(authority + "/secure/busybox:1.0"));
        assertTrue(e.getMessage().contains("token server") && e.getMessage().contains("refused (401) the credentials"),
                e.getMessage());
        ImageException anonymous = assertThrows(ImageException.Unauthorized.class,
                () -> service(null).pull(authority + "/secure/busybox:1.0"));
        assertTrue(anonymous.getMessage().contains("anonymous access"), anonymous.getMessage());
    }

    @Test
    void anUntrustedCertificateFailsTheHandshake() {
        ImageService untrusted = new ImageService(root, new RegistryHosts(Map.of(), Set.of(), Map.of(), null), Platform.LINUX_AMD64);
        ImageException e = assertThrows(ImageException.class, () -> untrusted.pull(authority + "/secure/busybox:1.0"));
        assertTrue(e.getMessage().contains(authority), e.getMessage());
    }

    /** An RS256 JWT for {@code scope} ("repository:NAME:ACTIONS"), with the registry's certificate in x5c. */
    private static String jwt(String scope) {
        try {
            ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
            header.putArray("x5c").add(certB64);
            long now = Instant.now().getEpochSecond();
            ObjectNode claims = JSON.createObjectNode().put("iss", ISSUER).put("sub", USER).put("aud", SERVICE)
                    .put("exp", now + 300).put("nbf", now - 10).put("iat", now).put("jti", Long.toHexString(System.nanoTime()));
            if (scope != null) {
                String[] p = scope.split(":");
                ObjectNode access = claims.putArray("access").addObject().put("type", p[0]).put("name", p[1]);
                for (String a : p[2].split(",")) {
                    access.withArray("actions").add(a);
                }
            }
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String signed = b64.encodeToString(JSON.writeValueAsBytes(header)) + "." + b64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + b64.encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String query(URI uri, String name) {
        if (uri.getRawQuery() == null) {
            return null;
        }
        for (String kv : uri.getRawQuery().split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static byte[] pem(Path file) throws IOException {
        String text = Files.readString(file);
        String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(b64);
    }
}
