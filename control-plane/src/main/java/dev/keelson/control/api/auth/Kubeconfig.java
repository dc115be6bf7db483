package dev.keelson.control.api.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/** Writes a kubeconfig for a bearer-token user (0600, since it holds the token). */
public final class Kubeconfig {
    private Kubeconfig() {}

    /**
     * Writes {@code file} with one cluster ({@code keelson}), one user and one current context.
     *
     * @param server the URL clients use, e.g. {@code https://127.0.0.1:6443}
     */
    public static void write(Path file, String server, String caPem, String user, String token) throws IOException {
        ObjectNode c = Json.object().put("apiVersion", "v1").put("kind", "Config");
        c.putArray("clusters").addObject().put("name", "keelson").putObject("cluster")
                .put("server", server)
                .put("certificate-authority-data",
                        Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)));
        c.putArray("users").addObject().put("name", user).putObject("user").put("token", token);
        c.putArray("contexts").addObject().put("name", "keelson").putObject("context")
                .put("cluster", "keelson").put("user", user);
        c.put("current-context", "keelson");
        c.putObject("preferences");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, Json.YAML.writeValueAsBytes(c));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
