package dev.keelson.control.api.subresource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.http.Responder;
import dev.keelson.control.api.rest.ApiException;
import dev.keelson.control.api.rest.Subresources;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * {@code pods/log}: proxies to the node agent's kubelet API at
 * {@code https://<InternalIP>:<daemonEndpoints.kubeletEndpoint.Port>/containerLogs/<ns>/<pod>/<container>}
 * with follow, tailLines, previous, timestamps, sinceSeconds and limitBytes passed on, and copies
 * the answer through as it arrives (so {@code follow} streams). A node that cannot be reached is a
 * 503 Status naming the node and address.
 */
public final class KubeletLogProxy implements Subresources.LogProxy {
    private static final List<String> PASSED = List.of("follow", "tailLines", "previous", "timestamps",
            "sinceSeconds", "sinceTime", "limitBytes");
    private final HttpClient client;

    /** @param tls trust for the node agents' serving certificates */
    public KubeletLogProxy(SSLContext tls) {
        this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public void stream(ApiRequest request, Responder out, ObjectNode pod, ObjectNode node, String container)
            throws IOException {
        String nodeName = node.path("metadata").path("name").asText();
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
        String ip = address(node);
        if (port == 0 || ip == null) {
            throw ApiException.unavailable("unable to reach node \"" + nodeName + "\" for pod logs: the node reports no "
                    + "kubelet endpoint (status.addresses InternalIP and daemonEndpoints.kubeletEndpoint.Port)");
        }
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        URI uri = URI.create("https://" + host + ":" + port + "/containerLogs/"
                + pod.path("metadata").path("namespace").asText() + "/" + pod.path("metadata").path("name").asText()
                + "/" + container + query(request));
        HttpResponse<InputStream> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw ApiException.unavailable("unable to reach node \"" + nodeName + "\" at " + host + ":" + port
                    + " for pod logs: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while reaching node \"" + nodeName + "\"");
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                String text = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
                throw new ApiException(response.statusCode() == 404 ? 404 : 502,
                        response.statusCode() == 404 ? "NotFound" : "InternalError",
                        "node \"" + nodeName + "\" answered " + response.statusCode() + " for pod logs: " + text, null);
            }
            try (OutputStream o = out.stream(200, "text/plain")) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    o.write(buf, 0, n);
                }
            }
        }
    }

    private static String address(JsonNode node) {
        for (JsonNode a : node.path("status").path("addresses")) {
            if (a.path("type").asText().equals("InternalIP")) {
                return a.path("address").asText();
            }
        }
        return null;
    }

    private static String query(ApiRequest request) {
        List<String> parts = new ArrayList<>();
        for (String p : PASSED) {
            String v = request.param(p);
            if (v != null) {
                parts.add(p + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }
}
