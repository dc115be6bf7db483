package dev.keelson.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real kubectl binary pointed at the e2e cluster through the admin kubeconfig the server
 * wrote, with its own HOME and discovery cache. {@link #of} knows where each version lives: 1.20
 * is Debian's kubernetes-client unpacked by {@code bin/lib/setup.sh} ({@code KEELSON_KUBECTL_120}),
 * 1.33 ships with the machine image. A missing binary skips, except with {@code CI=true}, where it
 * fails.
 */
final class Kubectl {
    static final Path V120 = Path.of(System.getenv().getOrDefault("KEELSON_KUBECTL_120",
            "/var/cache/keelson/kubectl-1.20/kubectl"));
    static final Path V133 = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");

    /** What a finished kubectl printed. */
    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    final String version;
    final Path binary;
    private final Path kubeconfig;
    private final Path home;

    private Kubectl(String version, Path binary, Path kubeconfig, Path home) {
        this.version = version;
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.home = home;
    }

    /** kubectl {@code version} ("1.20" or "1.33") for {@code cluster}. */
    static Kubectl of(String version, Cluster cluster) {
        Path binary = switch (version) {
            case "1.20" -> V120;
            case "1.33" -> V133;
            default -> throw new IllegalArgumentException("no kubectl " + version);
        };
        if (!Files.isExecutable(binary)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(binary + " is missing; bin/test installs it (bin/lib/setup.sh)");
            }
            org.junit.jupiter.api.Assumptions.abort(binary + " is missing; run bin/test to install it");
        }
        try {
            Path home = Files.createDirectories(cluster.dir.resolve("kubectl-" + version));
            return new Kubectl(version, binary, cluster.server.kubeconfig(), home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A short tag for names that must differ per version, such as namespaces: "v120". */
    String tag() {
        return "v" + version.replace(".", "");
    }

    boolean atLeast133() {
        return version.equals("1.33");
    }

    private List<String> command(Path config, String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--kubeconfig=" + config,
                "--cache-dir=" + home.resolve("cache"), "--request-timeout=30s"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private ProcessBuilder builder(Path config, Map<String, String> env, String... args) {
        ProcessBuilder pb = new ProcessBuilder(command(config, args));
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("KUBECONFIG");
        pb.environment().putAll(env);
        return pb;
    }

    /** Runs kubectl with {@code stdin}, extra environment and another kubeconfig; waits 60 s at most. */
    Result run(Path config, Map<String, String> env, String stdin, String... args) {
        try {
            Path in = Files.createTempFile(home, "stdin", ".yaml");
            Path out = Files.createTempFile(home, "stdout", ".txt");
            Path err = Files.createTempFile(home, "stderr", ".txt");
            Files.writeString(in, stdin);
            try {
                Process p = builder(config, env, args).redirectInput(in.toFile()).redirectOutput(out.toFile())
                        .redirectError(err.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s; stdout: "
                            + Files.readString(out) + " stderr: " + Files.readString(err));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    Result run(String... args) {
        return run(kubeconfig, Map.of(), "", args);
    }

    /** Runs kubectl and asserts that it succeeded. */
    Result ok(String... args) {
        return okWithInput("", args);
    }

    /** Runs kubectl with {@code stdin} (a manifest for {@code -f -}) and asserts that it succeeded. */
    Result okWithInput(String stdin, String... args) {
        return expectOk(run(kubeconfig, Map.of(), stdin, args), args);
    }

    /** Runs kubectl with extra environment (such as EDITOR) and asserts that it succeeded. */
    Result okWithEnv(Map<String, String> env, String... args) {
        return expectOk(run(kubeconfig, env, "", args), args);
    }

    /** Runs kubectl and asserts that it failed. */
    Result fails(String... args) {
        return failsWithInput("", args);
    }

    Result failsWithInput(String stdin, String... args) {
        Result r = run(kubeconfig, Map.of(), stdin, args);
        assertNotEquals(0, r.exit(), () -> describe(args, r) + " was expected to fail");
        return r;
    }

    private Result expectOk(Result r, String... args) {
        assertEquals(0, r.exit(), () -> describe(args, r));
        return r;
    }

    private String describe(String[] args, Result r) {
        return "kubectl " + version + " " + String.join(" ", args) + " (exit " + r.exit() + ")\nstdout: " + r.out()
                + "\nstderr: " + r.err();
    }

    /** Starts a long-running kubectl (such as {@code get -w}) whose output goes to {@code out}. */
    Process start(Path out, String... args) {
        try {
            return builder(kubeconfig, Map.of(), args).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
