package dev.keelson.control.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The parts of a kubeconfig a Keelson component needs to reach an API server: the server URL, the
 * CA certificate (PEM) and a bearer token of the current context.
 */
public record Kubeconfig(URI server, byte[] caPem, String token) {

    /** @throws IOException naming the file when it cannot be read or lacks a field */
    public static Kubeconfig load(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null) {
            throw new IOException(file + ": empty kubeconfig");
        }
        String context = root.path("current-context").asText("");
        JsonNode ctx = named(root.path("contexts"), context, file, "context").path("context");
        JsonNode cluster = named(root.path("clusters"), ctx.path("cluster").asText(), file, "cluster").path("cluster");
        JsonNode user = named(root.path("users"), ctx.path("user").asText(), file, "user").path("user");
        String server = cluster.path("server").asText("");
        if (server.isEmpty()) {
            throw new IOException(file + ": cluster has no server");
        }
        byte[] ca = null;
        if (cluster.hasNonNull("certificate-authority-data")) {
            ca = Base64.getDecoder().decode(cluster.get("certificate-authority-data").asText());
        } else if (cluster.hasNonNull("certificate-authority")) {
            Path p = file.resolveSibling(cluster.get("certificate-authority").asText());
            ca = Files.readAllBytes(p);
        }
        String token = user.path("token").asText("");
        if (token.isEmpty() && user.hasNonNull("tokenFile")) {
            token = Files.readString(file.resolveSibling(user.get("tokenFile").asText())).strip();
        }
        return new Kubeconfig(URI.create(server), ca, token);
    }

    private static JsonNode named(JsonNode list, String name, Path file, String what) throws IOException {
        for (JsonNode n : list) {
            if (name.isEmpty() || n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new IOException(file + ": no " + what + " named \"" + name + "\"");
    }
}
