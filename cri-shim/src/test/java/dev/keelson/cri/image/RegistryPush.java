package dev.keelson.cri.image;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The push half of the distribution v2 API, for fixtures: a monolithic blob upload (POST, then PUT
 * with {@code ?digest=}) and a manifest PUT, against a registry at {@code base}.
 */
public final class RegistryPush {
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    /** A client for the registry at {@code base} (scheme, host and port). */
    public RegistryPush(URI base) {
        this.base = base;
    }

    /** Uploads {@code blob} to {@code repo}, returning its digest; {@code auth} is an Authorization header or null. */
    public Digest blob(String repo, byte[] blob, String auth) throws Exception {
        Digest d = Digest.of(blob);
        HttpResponse<String> r = http.send(authorized(HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()), auth).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("upload start in " + repo + ": " + r.statusCode() + " " + r.body());
        }
        URI loc = base.resolve(r.headers().firstValue("Location").orElseThrow());
        String sep = loc.getQuery() == null ? "?" : "&";
        r = http.send(authorized(HttpRequest.newBuilder(URI.create(loc + sep + "digest=" + d))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob)), auth)
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("upload " + d + " to " + repo + ": " + r.statusCode() + " " + r.body());
        }
        return d;
    }

    /** PUTs a manifest or index of {@code mediaType} under {@code key} (a tag or a digest). */
    public void manifest(String repo, String key, String mediaType, byte[] body, String auth) throws Exception {
        HttpResponse<String> r = http.send(authorized(HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/manifests/" + key))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)), auth).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("manifest " + repo + ":" + key + ": " + r.statusCode() + " " + r.body());
        }
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder b, String auth) {
        return auth == null ? b : b.header("Authorization", auth);
    }
}
