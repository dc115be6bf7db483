package dev.keelson.control.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A small Kubernetes REST client for Keelson's own components (scheduler, controllers, node agent):
 * JSON over HTTP/2, bearer token, the cluster CA from a kubeconfig. Errors come back as
 * {@link ApiException} carrying the server's {@code Status}.
 */
public final class KubeClient {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http;
    private final URI server;
    private final String token;
    private final String userAgent;

    public KubeClient(Kubeconfig config, String userAgent) {
        this.server = config.server();
        this.token = config.token();
        this.userAgent = userAgent;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10));
        if (config.caPem() != null) {
            b.sslContext(trusting(config.caPem()));
        }
        this.http = b.build();
    }

    private static SSLContext trusting(byte[] caPem) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(caPem))) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("kubeconfig: unusable certificate-authority data: " + e.getMessage(), e);
        }
    }

    public ObjectNode get(Resource r, String namespace, String name) {
        return send("GET", r.path(namespace, name, null), null, null);
    }

    /** GET of a subresource such as {@code scale} or {@code status}. */
    public ObjectNode get(Resource r, String namespace, String name, String subresource) {
        return send("GET", r.path(namespace, name, subresource), null, null);
    }

    /** Lists a collection; {@code query} is a raw query string such as {@code labelSelector=app%3Dweb} or null. */
    public ObjectNode list(Resource r, String namespace, String query) {
        return send("GET", r.path(namespace) + (query == null || query.isEmpty() ? "" : "?" + query), null, null);
    }

    public ObjectNode create(Resource r, String namespace, ObjectNode object) {
        return send("POST", r.path(namespace), "application/json", object);
    }

    /** PUT of a whole object (or of a subresource such as "status"); the name comes from its metadata. */
    public ObjectNode update(Resource r, ObjectNode object, String subresource) {
        JsonNode meta = object.path("metadata");
        return send("PUT", r.path(meta.path("namespace").asText(null), meta.path("name").asText(), subresource),
                "application/json", object);
    }

    /** PATCH with a content type such as {@code application/merge-patch+json}. */
    public ObjectNode patch(Resource r, String namespace, String name, String subresource, String contentType, JsonNode body) {
        return send("PATCH", r.path(namespace, name, subresource), contentType, body);
    }

    /** DELETE with optional DeleteOptions (propagationPolicy, gracePeriodSeconds, preconditions). */
    public ObjectNode delete(Resource r, String namespace, String name, ObjectNode options) {
        return send("DELETE", r.path(namespace, name, null), options == null ? null : "application/json", options);
    }

    /** POST to any path (e.g. a pod's {@code binding} or {@code eviction} subresource). */
    public ObjectNode post(String path, JsonNode body) {
        return send("POST", path, "application/json", body);
    }

    /** POST without waiting: many requests share the HTTP/2 connection. */
    public CompletableFuture<ObjectNode> postAsync(String path, JsonNode body) {
        return http.sendAsync(request("POST", path, "application/json", body), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(this::decode);
    }

    private ObjectNode send(String method, String path, String contentType, JsonNode body) {
        try {
            return decode(http.send(request(method, path, contentType, body), HttpResponse.BodyHandlers.ofByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + server.resolve(path) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + ": interrupted", e);
        }
    }

    private HttpRequest request(String method, String path, String contentType, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.resolve(path))
                .header("Accept", "application/json")
                .header("User-Agent", userAgent);
        if (!token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", contentType);
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    private ObjectNode decode(HttpResponse<byte[]> resp) {
        JsonNode node;
        try {
            node = resp.body().length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(resp.body());
        } catch (IOException e) {
            node = null;
        }
        if (resp.statusCode() >= 300) {
            throw ApiException.of(resp.statusCode(), node, resp.request().method() + " " + resp.uri().getPath()
                    + ": HTTP " + resp.statusCode());
        }
        if (!(node instanceof ObjectNode o)) {
            throw new ApiException(resp.statusCode(), "", resp.uri().getPath() + ": response is not a JSON object");
        }
        return o;
    }

    private static byte[] bytes(JsonNode body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens a watch from {@code resourceVersion} and calls {@code onEvent} with each event object
     * ({@code {"type": …, "object": …}}) on the calling thread until the server ends the stream or
     * the thread is interrupted. Bookmarks are requested.
     *
     * @throws ApiException for an error response (410 when the version is too old)
     */
    public void watch(Resource r, String namespace, String resourceVersion, String query, int timeoutSeconds,
                      Consumer<ObjectNode> onEvent) throws IOException, InterruptedException {
        String q = "watch=true&allowWatchBookmarks=true&timeoutSeconds=" + timeoutSeconds
                + (resourceVersion == null ? "" : "&resourceVersion=" + URLEncoder.encode(resourceVersion, StandardCharsets.UTF_8))
                + (query == null || query.isEmpty() ? "" : "&" + query);
        HttpResponse<InputStream> resp = http.send(request("GET", r.path(namespace) + "?" + q, null, null),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = resp.body()) {
            if (resp.statusCode() >= 300) {
                JsonNode status = MAPPER.readTree(in.readAllBytes());
                throw ApiException.of(resp.statusCode(), status, "watch " + r.plural() + ": HTTP " + resp.statusCode());
            }
            var parser = MAPPER.getFactory().createParser(in);
            while (!Thread.currentThread().isInterrupted()) {
                JsonNode event = MAPPER.readTree(parser);
                if (event == null) {
                    return;
                }
                if (event instanceof ObjectNode o) {
                    onEvent.accept(o);
                }
            }
        }
    }
}
