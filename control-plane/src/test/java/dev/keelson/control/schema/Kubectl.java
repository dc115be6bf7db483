package dev.keelson.control.schema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real kubectl binary against a server URL with a throwaway home and cache. */
final class Kubectl {
    static final Path V133 = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");
    /** Debian's kubernetes-client 1.20, unpacked by bin/lib/setup.sh (it conflicts with the image's kubectl package). */
    static final Path V120 = Path.of(System.getenv().getOrDefault("KEELSON_KUBECTL_120", "/var/cache/keelson/kubectl-1.20/kubectl"));

    record Result(int exit, String out, String err) {}

    private Kubectl() {}

    /** Skips the test when the binary is missing, except on CI, where a missing kubectl is a failure. */
    static void require(Path binary) {
        if (!Files.isExecutable(binary)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(binary + " is missing; bin/test installs it (bin/lib/setup.sh)");
            }
            org.junit.jupiter.api.Assumptions.abort(binary + " is missing; run bin/test to install it");
        }
    }

    static Result run(Path binary, String server, String stdin, String... args) throws IOException, InterruptedException {
        Path home = Files.createTempDirectory("kubectl-home");
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--server=" + server,
                "--cache-dir=" + home.resolve("cache"), "--request-timeout=20s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("KUBECONFIG", home.resolve("none").toString());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("kubectl timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
