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
    static final Path V120 = Path.of("/tmp/k120/usr/bin/kubectl");

    record Result(int exit, String out, String err) {}

    private Kubectl() {}

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
