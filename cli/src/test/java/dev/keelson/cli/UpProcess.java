package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** One {@code keelson up} process of a test, with kubectl 1.33 against it, and what the "host" looks like. */
final class UpProcess {
    static final String KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";
    /** kubectl 1.20 (SPDY only for exec and port-forward), unpacked by bin/test's setup. */
    static final String KUBECTL_120 = System.getenv().getOrDefault("KEELSON_KUBECTL_120",
            "/var/cache/keelson/kubectl-1.20/kubectl");

    final String name;
    final Path data;
    final Path run;
    final Path logFile;
    final Path kubeconfig;
    final int port = ThreadLocalRandom.current().nextInt(20_000, 40_000);
    final Process process;

    /** Starts {@code keelson up --cluster NAME ... EXTRA} with its files under {@code tmp}. */
    UpProcess(Path tmp, String name, String... extra) throws IOException {
        this.name = name;
        this.data = tmp.resolve("data");
        this.run = tmp.resolve("run");
        this.logFile = tmp.resolve("up.log");
        this.kubeconfig = data.resolve("server/admin.kubeconfig");
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Dkeelson.libexec=" + System.getProperty("keelson.libexec"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "up"));
        argv.addAll(clusterArgs());
        argv.addAll(List.of(extra));
        process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    }

    List<String> clusterArgs() {
        return List.of("--cluster", name, "--data-dir", data.toString(), "--run-dir", run.toString(), "--port", Integer.toString(port));
    }

    String[] downArgs() {
        List<String> a = new ArrayList<>(List.of("down"));
        a.addAll(clusterArgs());
        return a.toArray(String[]::new);
    }

    void awaitUp() throws Exception {
        long end = System.currentTimeMillis() + 120_000;
        while (!log().contains("is up") && process.isAlive() && System.currentTimeMillis() < end) {
            Thread.sleep(200);
        }
        assertTrue(log().contains("is up"), "not up (alive " + process.isAlive() + "):\n" + log());
    }

    String log() throws IOException {
        return Files.exists(logFile) ? Files.readString(logFile) : "";
    }

    String kubectl(String... args) throws Exception {
        return kubectlWithInput(null, args);
    }

    /** kubectl with {@code input} on its stdin (for {@code apply -f -}); stdout and stderr together, stripped. */
    String kubectlWithInput(String input, String... args) throws Exception {
        return kubectlResult(input, args).out();
    }

    /** What kubectl printed (stdout and stderr together, stripped) and its exit status. */
    record Result(int rc, String out) {
    }

    /** kubectl with {@code input} (or nothing) on its stdin, with its exit status. */
    Result kubectlResult(String input, String... args) throws Exception {
        return kubectlWith(KUBECTL, input, args);
    }

    /** The same with another kubectl binary. */
    Result kubectlWith(String binary, String input, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(binary, "--kubeconfig", kubeconfig.toString()));
        argv.addAll(List.of(args));
        return run(argv, input);
    }

    /** Any command with {@code input} (or nothing) on its stdin; stdout and stderr together, stripped. */
    static Result run(List<String> argv, String input) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        // Written from another thread: a command that echoes a large input would otherwise block on a full pipe.
        Thread writer = Thread.ofVirtual().start(() -> {
            try (var in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the command exited without reading all of it; its output tells
            }
        });
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        writer.join();
        return new Result(p.exitValue(), text.strip());
    }

    boolean awaitText(String want, String... args) throws Exception {
        return await(60_000, () -> {
            try {
                return kubectl(args).equals(want);
            } catch (Exception e) {
                return false;
            }
        });
    }

    static boolean await(long millis, BooleanSupplier cond) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(300);
        }
        return false;
    }

    /** After a failed test: {@code keelson down} once more, so no container outlives the test JVM. */
    void downIfLeft() {
        if (Files.exists(run.resolve("up.json"))) {
            Main.run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), downArgs());
        }
    }

    /** SIGKILL to the supervisor and the node JVMs (all started by this test), by pid; containers' shims live on. */
    void kill() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.children().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(20, TimeUnit.SECONDS);
    }

    static List<String> netnsPins() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/run/netns"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static List<String> added(List<String> before) throws IOException {
        return netnsPins().stream().filter(p -> !before.contains(p)).toList();
    }

    /** {@code pins} without the runtime's pooled pod namespaces ({@code kcri-ROOTHASH-…}, ready or taken by a pod). */
    static List<String> withoutPool(List<String> pins) {
        return pins.stream().filter(p -> !p.startsWith("kcri-")).toList();
    }

    /** The runtime's pooled pod namespaces among {@code pins}. */
    static List<String> pool(List<String> pins) {
        return pins.stream().filter(p -> p.startsWith("kcri-")).toList();
    }

    static long mountsUnder(Path dir) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(" " + dir + "/")).count();
    }

    /** The links of the test JVM's namespace (the "host"), from {@code ip -o link}, not /sys (mounted for another netns). */
    static List<String> hostLinks() {
        return dev.keelson.testing.Command.ok("ip", "-o", "link", "show").lines()
                .map(l -> l.split(":")[1].strip().replaceFirst("@.*", "")).sorted().toList();
    }
}
