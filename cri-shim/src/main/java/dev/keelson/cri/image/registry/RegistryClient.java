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
    private final RegistryHttp http;
    /** Bearer tokens by endpoint authority + scope. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /** A client for {@code hosts}. */
    public RegistryClient(RegistryHosts hosts) {
        this.hosts = hosts;
        this.http = new RegistryHttp(hosts.ssl(), Duration.ofSeconds(10));
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
            RegistryHttp.Response r = send(ref, endpoint, uri, String.join(", ", MediaTypes.MANIFEST_ACCEPT));
            byte[] body = r.bytes();
            checkStatus(r.statusCode(), ref, "manifest " + key, endpoint, body);
            Digest got = Digest.of(body);
            if (key.startsWith(Digest.SHA256 + ":") && !got.toString().equals(key)) {
                throw new ImageException.DigestMismatch(ref + ": manifest fetched by digest " + key + " from "
                        + endpoint + " has digest " + got);
            }
            String header = r.header("Docker-Content-Digest").orElse(null);
            if (header != null && header.startsWith(Digest.SHA256 + ":") && !header.equals(got.toString())) {
                throw new ImageException.DigestMismatch(ref + ": manifest " + key + " from " + endpoint
                        + " has digest " + got + " but the registry says " + header);
            }
            String type = mediaType(r.header("Content-Type").orElse(""), body);
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
        RegistryHttp.Response r = send(ref, endpoint, uri, "*/*");
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
    private RegistryHttp.Response send(ImageReference ref, URI endpoint, URI uri, String accept)
            throws IOException, InterruptedException {
        String scope = "repository:" + ref.repository() + ":pull";
        String authority = endpoint.getAuthority();
        String auth = tokens.get(authority + " " + scope);
        for (int attempt = 0; ; attempt++) {
            RegistryHttp.Response r = follow(uri, accept, auth, authority);
            if (r.statusCode() != 401 || attempt > 0) {
                return r;
            }
            AuthChallenge c = AuthChallenge.parse(r.header("WWW-Authenticate").orElse(null));
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
    private RegistryHttp.Response follow(URI uri, String accept, String auth, String authority) throws IOException {
        URI at = uri;
        for (int i = 0; ; i++) {
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            headers.put("Accept", accept);
            if (auth != null && authority.equals(at.getAuthority())) {
                headers.put("Authorization", auth);
            }
            RegistryHttp.Response r = http.get(at, headers, Duration.ofMinutes(5));
            int s = r.statusCode();
            if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && i < MAX_REDIRECTS) {
                String loc = r.header("Location").orElse(null);
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
        Map<String, String> headers = creds == null ? Map.of() : Map.of("Authorization", basic(creds));
        RegistryHttp.Response r = http.get(URI.create(q.toString()), headers, Duration.ofSeconds(30));
        byte[] body = r.bytes();
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new ImageException.Unauthorized(ref + ": token server " + realm + " refused ("
                    + r.statusCode() + ")" + (creds == null ? " anonymous access" : " the credentials"));
        }
        if (r.statusCode() != 200) {
            throw new ImageException(ref + ": token server " + realm + " answered " + r.statusCode());
        }
        JsonNode j = JSON.readTree(body);
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

    private static void discard(RegistryHttp.Response r) throws IOException {
        r.body().close();
    }

    private static String basic(RegistryHosts.Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
