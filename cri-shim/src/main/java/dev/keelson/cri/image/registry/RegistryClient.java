package dev.keelson.cri.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cri.image.Digest;
import dev.keelson.cri.image.ImageException;
import dev.keelson.cri.image.ImageReference;
import dev.keelson.cri.image.MediaTypes;
import dev.keelson.cri.image.store.ContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of the OCI distribution API v2 ({@code GET /v2/<name>/manifests/<ref>},
 * {@code GET /v2/<name>/blobs/<digest>}) over HTTP or HTTPS, with anonymous, Basic and Bearer
 * token auth (distribution's token spec: a 401 carries {@code WWW-Authenticate: Bearer realm,
 * service, scope}; the client asks the realm for a token and retries), registry mirrors tried in
 * order, and redirects followed by hand so that the registry's {@code Authorization} is not sent to
 * the blob store it redirects to.
 *
 * <p>Every byte is verified: manifests by digest before they are returned, blobs while they stream
 * into the {@link ContentStore}.
 */
public final class RegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;

    private final RegistryHosts hosts;
    private final HttpClient http;
    /** Bearer tokens by endpoint authority + scope. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /** A client for {@code hosts}. */
    public RegistryClient(RegistryHosts hosts) {
        this.hosts = hosts;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (hosts.ssl() != null) {
            b.sslContext(hosts.ssl());
        }
        this.http = b.build();
    }

    /**
     * Fetches the manifest or index {@code key} (a tag or digest) of {@code ref}'s repository,
     * trying each endpoint in order, and verifies its digest.
     *
     * @throws ImageException.NotFound when no endpoint has it
     * @throws ImageException.Unauthorized when an endpoint refused and none served it
     * @throws ImageException.UnsupportedMediaType for a manifest type that is not OCI or Docker schema 2
     */
    public Fetched manifest(ImageReference ref, String key) {
        return acrossEndpoints(ref, "manifest " + key, endpoint -> {
            URI uri = endpoint.resolve("/v2/" + ref.repository() + "/manifests/" + key);
            HttpResponse<byte[]> r = send(ref, endpoint, uri, HttpResponse.BodyHandlers.ofByteArray(),
                    String.join(", ", MediaTypes.MANIFEST_ACCEPT));
            checkStatus(r.statusCode(), ref, "manifest " + key, endpoint, r.body());
            byte[] body = r.body();
            Digest got = Digest.of(body);
            if (key.startsWith(Digest.SHA256 + ":") && !got.toString().equals(key)) {
                throw new ImageException.DigestMismatch(ref + ": manifest fetched by digest " + key + " from "
                        + endpoint + " has digest " + got);
            }
            String header = r.headers().firstValue("Docker-Content-Digest").orElse(null);
            if (header != null && header.startsWith(Digest.SHA256 + ":") && !header.equals(got.toString())) {
                throw new ImageException.DigestMismatch(ref + ": manifest " + key + " from " + endpoint
                        + " has digest " + got + " but the registry says " + header);
            }
            String type = mediaType(r.headers().firstValue("Content-Type").orElse(""), body);
            if (!MediaTypes.isIndex(type) && !MediaTypes.isManifest(type)) {
                throw new ImageException.UnsupportedMediaType(ref + ": manifest " + key + " has media type \""
                        + type + "\" (supported: " + String.join(", ", MediaTypes.MANIFEST_ACCEPT) + ")");
            }
            return new Fetched(body, type, got, endpoint);
        });
    }

    /**
     * Streams blob {@code digest} of {@code ref}'s repository into {@code store}, verified against
     * the digest and {@code size}. Nothing is fetched when the store has it.
     */
    public void blob(ImageReference ref, Digest digest, long size, ContentStore store, String what) {
        if (store.contains(digest)) {
            return;
        }
        acrossEndpoints(ref, what + " " + digest, endpoint -> {
            try (InputStream in = open(ref, endpoint, digest, what)) {
                store.write(digest, in, size, ref + " " + what);
            }
            return null;
        });
    }

    /**
     * The body of blob {@code digest} of {@code ref}'s repository, from the first endpoint that
     * serves it, for a caller that verifies the bytes as it reads them (a layer hashed while it
     * unpacks). Endpoints are tried in order for the request only: a failure while the body is
     * being read is the caller's.
     */
    public InputStream openBlob(ImageReference ref, Digest digest, String what) {
        return acrossEndpoints(ref, what + " " + digest, endpoint -> open(ref, endpoint, digest, what));
    }

    private InputStream open(ImageReference ref, URI endpoint, Digest digest, String what)
            throws IOException, InterruptedException {
        URI uri = endpoint.resolve("/v2/" + ref.repository() + "/blobs/" + digest);
        HttpResponse<InputStream> r = send(ref, endpoint, uri, HttpResponse.BodyHandlers.ofInputStream(), "*/*");
        InputStream in = r.body();
        if (r.statusCode() != 200) {
            try (in) {
                checkStatus(r.statusCode(), ref, what + " " + digest, endpoint, in.readNBytes(512));
            }
        }
        return in;
    }

    private interface Attempt<T> {
        T run(URI endpoint) throws IOException, InterruptedException;
    }

    /**
     * Runs {@code attempt} against each endpoint in order; moves on after not-found, refused auth,
     * server errors and I/O failures, and reports the most telling failure when all failed.
     * Digest mismatches and unsupported types are final: another mirror would not make them right.
     */
    private <T> T acrossEndpoints(ImageReference ref, String what, Attempt<T> attempt) {
        List<URI> endpoints = hosts.endpoints(ref.registry());
        ImageException unauthorized = null;
        ImageException notFound = null;
        Exception other = null;
        for (URI e : endpoints) {
            try {
                return attempt.run(e);
            } catch (ImageException.Unauthorized x) {
                unauthorized = x;
            } catch (ImageException.NotFound x) {
                notFound = x;
            } catch (ImageException.DigestMismatch | ImageException.UnsupportedMediaType x) {
                throw x;
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new ImageException(ref + ": interrupted while fetching " + what, x);
            } catch (IOException | ImageException x) {
                other = x;
            }
        }
        if (unauthorized != null) {
            throw unauthorized;
        }
        if (notFound != null && other == null) {
            throw notFound;
        }
        String tried = endpoints.toString();
        if (notFound != null) {
            throw new ImageException.NotFound(notFound.getMessage() + "; other endpoints failed: " + other.getMessage());
        }
        throw new ImageException(ref + ": cannot fetch " + what + " from any of " + tried + ": " + other.getMessage(), other);
    }

    /** One request with auth and redirects; at most one auth retry. */
    private <T> HttpResponse<T> send(ImageReference ref, URI endpoint, URI uri, HttpResponse.BodyHandler<T> body,
            String accept) throws IOException, InterruptedException {
        String scope = "repository:" + ref.repository() + ":pull";
        String authority = endpoint.getAuthority();
        String auth = tokens.get(authority + " " + scope);
        for (int attempt = 0; ; attempt++) {
            HttpResponse<T> r = follow(uri, body, accept, auth, authority);
            if (r.statusCode() != 401 || attempt > 0) {
                return r;
            }
            AuthChallenge c = AuthChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
            discard(r);
            RegistryHosts.Credentials creds = hosts.credentialsFor(authority, ref.registry());
            if (c == null) {
                throw new ImageException.Unauthorized(ref + ": " + endpoint + " answered 401 without a challenge");
            } else if (c.bearer()) {
                auth = "Bearer " + token(ref, endpoint, c, scope, creds);
                tokens.put(authority + " " + scope, auth);
            } else if (c.scheme().equals("basic") && creds != null) {
                auth = basic(creds);
            } else {
                throw new ImageException.Unauthorized(ref + ": " + endpoint + " wants " + c.scheme()
                        + " authentication and no credentials are configured for " + ref.registry());
            }
        }
    }

    /** Follows up to five redirects; Authorization goes only to the endpoint's own authority. */
    private <T> HttpResponse<T> follow(URI uri, HttpResponse.BodyHandler<T> body, String accept, String auth,
            String authority) throws IOException, InterruptedException {
        URI at = uri;
        for (int i = 0; ; i++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(at).timeout(Duration.ofMinutes(5)).header("Accept", accept).GET();
            if (auth != null && authority.equals(at.getAuthority())) {
                b.header("Authorization", auth);
            }
            HttpResponse<T> r = http.send(b.build(), body);
            int s = r.statusCode();
            if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && i < MAX_REDIRECTS) {
                String loc = r.headers().firstValue("Location").orElse(null);
                if (loc != null) {
                    discard(r);
                    at = at.resolve(loc);
                    continue;
                }
            }
            return r;
        }
    }

    /** Asks the token realm for a pull token (distribution token spec, GET form). */
    private String token(ImageReference ref, URI endpoint, AuthChallenge c, String defaultScope,
            RegistryHosts.Credentials creds) throws IOException, InterruptedException {
        String realm = c.params().get("realm");
        if (realm == null) {
            throw new ImageException.Unauthorized(ref + ": " + endpoint + " sent a Bearer challenge without a realm");
        }
        StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        if (c.params().containsKey("service")) {
            q.append("service=").append(enc(c.params().get("service"))).append('&');
        }
        q.append("scope=").append(enc(c.params().getOrDefault("scope", defaultScope)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(q.toString())).timeout(Duration.ofSeconds(30)).GET();
        if (creds != null) {
            b.header("Authorization", basic(creds));
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new ImageException.Unauthorized(ref + ": token server " + realm + " refused ("
                    + r.statusCode() + ")" + (creds == null ? " anonymous access" : " the credentials"));
        }
        if (r.statusCode() != 200) {
            throw new ImageException(ref + ": token server " + realm + " answered " + r.statusCode());
        }
        JsonNode j = JSON.readTree(r.body());
        String t = j.path("token").asText(j.path("access_token").asText(""));
        if (t.isEmpty()) {
            throw new ImageException.Unauthorized(ref + ": token server " + realm + " returned no token");
        }
        return t;
    }

    private static void checkStatus(int status, ImageReference ref, String what, URI endpoint, byte[] body) {
        switch (status) {
            case 200 -> { }
            case 404 -> throw new ImageException.NotFound(ref + ": " + what + " not found at " + endpoint);
            case 401, 403 -> throw new ImageException.Unauthorized(ref + ": " + endpoint + " refused access to "
                    + what + " (" + status + ")");
            default -> throw new ImageException(ref + ": " + endpoint + " answered " + status + " for " + what + ": "
                    + new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip());
        }
    }

    /** The Content-Type without parameters, or the document's own mediaType field when the header is generic. */
    private static String mediaType(String header, byte[] body) throws IOException {
        String t = header.split(";")[0].strip();
        if (MediaTypes.isIndex(t) || MediaTypes.isManifest(t)) {
            return t;
        }
        String inDoc = JSON.readTree(body).path("mediaType").asText("");
        return inDoc.isEmpty() ? t : inDoc;
    }

    private static void discard(HttpResponse<?> r) throws IOException {
        if (r.body() instanceof InputStream in) {
            in.close();
        }
    }

    private static String basic(RegistryHosts.Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
