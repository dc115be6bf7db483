package dev.keelson.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real kubectl binaries against the server, through the admin kubeconfig it writes. */
class KubectlSmokeTest {
    static TestApi api;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() throws Exception {
        api = new TestApi();
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    static Run kubectl(String binary, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        return kubectlWithInput(binary, timeoutSeconds, "", args);
    }

    static Run kubectlWithInput(String binary, long timeoutSeconds, String input, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary, "--kubeconfig", api.server.kubeconfig().toString(),
                "--cache-dir", api.dir.resolve("kubectl-cache-" + Path.of(binary).getFileName()).toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("kubectl-out", ".txt");
        Path err = Files.createTempFile("kubectl-err", ".txt");
        Path in = Files.createTempFile("kubectl-in", ".yaml");
        Files.writeString(in, input);
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            return new Run(p.isAlive() ? -1 : p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Run ok(String binary, String... args) throws IOException, InterruptedException {
        return okWithInput(binary, "", args);
    }

    static Run okWithInput(String binary, String input, String... args) throws IOException, InterruptedException {
        Run r = kubectlWithInput(binary, 60, input, args);
        assertEquals(0, r.exit(), "kubectl " + String.join(" ", args) + "\nstdout: " + r.out() + "\nstderr: " + r.err());
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr/bin/kubectl", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"})
    void kubectlCreatesGetsWatchesAndDeletes(String binary) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(binary)), binary + " is not installed");
        String ns = "smoke-" + Path.of(binary).getFileName().toString().replace('.', '-');

        Run version = ok(binary, "version", "-o", "json");
        assertTrue(version.out().contains("v1.33.0-keelson"), version.out());
        assertTrue(!version.err().contains("WARNING"), version.err());

        // Manifests go as JSON; kubectl's typed "create namespace" sends protobuf (see the test below).
        // --validate=false: client-side validation needs /openapi, which the schema package serves.
        okWithInput(binary, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n", "create", "--validate=false", "-f", "-");
        Run list = ok(binary, "get", "ns");
        assertTrue(list.out().startsWith("NAME"), list.out());
        assertTrue(list.out().contains(ns) && list.out().contains("Active"), list.out());

        okWithInput(binary, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  colour: blue\n"
                + "  size: \"9\"\n", "-n", ns, "create", "--validate=false", "-f", "-");
        Run yaml = ok(binary, "-n", ns, "get", "cm", "settings", "-o", "yaml");
        assertTrue(yaml.out().contains("colour: blue"), yaml.out());
        assertTrue(yaml.out().contains("kind: ConfigMap"), yaml.out());
        assertTrue(yaml.out().contains("namespace: " + ns), yaml.out());
        Run cms = ok(binary, "-n", ns, "get", "configmaps");
        assertTrue(cms.out().matches("(?s)NAME\\s+DATA\\s+AGE\\s+settings\\s+2\\s+\\d+s.*"), cms.out());

        // get -w prints the current object, then the change made while it watches.
        Thread change = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1500);
                okWithInput(binary, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\ndata:\n  a: b\n",
                        "-n", ns, "create", "--validate=false", "-f", "-");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Run watch = kubectl(binary, 6, "-n", ns, "get", "cm", "-w");
        change.join();
        assertTrue(watch.out().contains("settings") && watch.out().contains("later"), watch.out() + watch.err());

        Run del = ok(binary, "-n", ns, "delete", "configmap", "settings");
        assertTrue(del.out().contains("configmap \"settings\" deleted"), del.out());
        Run missing = kubectl(binary, 30, "-n", ns, "get", "cm", "settings");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("configmaps \"settings\" not found"), missing.err());

        Run nsDel = ok(binary, "delete", "namespace", ns, "--wait=false");
        assertTrue(nsDel.out().contains("namespace \"" + ns + "\" deleted"), nsDel.out());
        Run terminating = ok(binary, "get", "ns", ns);
        assertTrue(terminating.out().contains("Terminating"), terminating.out());
    }

    /** Whether the schema package decodes protobuf bodies yet (it lands separately). */
    static boolean protobufDecoding() {
        try {
            dev.keelson.control.schema.Schemas.decodeProtobuf(new byte[] {'k', '8', 's', 0});
            return true;
        } catch (IllegalArgumentException e) {
            return e.getMessage() == null || !e.getMessage().contains("not implemented");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr/bin/kubectl", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"})
    void kubectlTypedCreateCommandsSendProtobuf(String binary) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(binary)), binary + " is not installed");
        assumeTrue(protobufDecoding(), "Schemas.decodeProtobuf is not implemented in this build");
        String ns = "typed-" + Path.of(binary).getFileName().toString().replace('.', '-');
        ok(binary, "create", "namespace", ns);
        ok(binary, "-n", ns, "create", "configmap", "c", "--from-literal=k=v");
        assertTrue(ok(binary, "-n", ns, "get", "cm", "c", "-o", "yaml").out().contains("k: v"));
    }
}
