package dev.keelson.control.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The namespaces every Kubernetes cluster has from its first start — {@code default},
 * {@code kube-system} (controller leases), {@code kube-public} and {@code kube-node-lease} (node
 * heartbeats) — created through the server's own front door, so they get the same metadata,
 * defaults and finalizers as any namespace. Existing ones are left alone.
 */
final class SystemNamespaces {
    static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private SystemNamespaces() {}

    static void ensure(URI server, SSLContext trust, String token) throws IOException {
        HttpClient http = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
        for (String name : NAMES) {
            HttpRequest req = HttpRequest.newBuilder(server.resolve("/api/v1/namespaces"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("User-Agent", "keelson-apiserver/bootstrap")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}"))
                    .build();
            try {
                int code = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (code != 201 && code != 409) {
                    throw new IOException("creating namespace \"" + name + "\" answered HTTP " + code);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while creating namespace \"" + name + "\"", e);
            }
        }
    }
}
