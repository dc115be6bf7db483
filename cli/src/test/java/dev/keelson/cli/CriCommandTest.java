package dev.keelson.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cri.api.v1.VersionRequest;
import dev.keelson.cri.api.v1.VersionResponse;
import dev.keelson.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keelson cri} as a separate process, as an operator starts it: it listens on the given
 * socket (mode 0660), answers a kubelet-style gRPC client, and stops on SIGTERM removing the socket.
 */
@KernelTest
class CriCommandTest {
    @TempDir
    Path tmp;

    @Test
    void unknownRuntimesAreUsageErrorsNamingTheOption() {
        for (String[] bad : new String[][] {{"--runtime", "kata"}, {"--sandbox-runtime", "kata"}}) {
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int rc = Main.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), "cri",
                    "--socket", tmp.resolve("never.sock").toString(), "--root", tmp.resolve("root").toString(), bad[0], bad[1]);
            assertEquals(2, rc, err.toString());
            assertTrue(err.toString().contains(bad[0] + " must be runc") && err.toString().contains("not \"kata\""), err.toString());
            assertTrue(err.toString().contains("Try 'keelson cri --help'."), "named as under the whole command tree: " + err);
            assertFalse(Files.exists(tmp.resolve("never.sock")), "nothing was started");
        }
    }

    @Test
    void servesTheRuntimeApiOnItsSocketAndStopsOnSigterm() throws Exception {
        Path socket = tmp.resolve("run/keelson.sock");
        Path log = tmp.resolve("cri.log");
        CriProcess cri = new CriProcess(socket, log, "--root", tmp.resolve("root").toString(),
                "--cni-conf-dir", tmp.resolve("net.d").toString(), "--debug");
        Process p = cri.process;
        try (cri) {
            cri.awaitSocket();
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            VersionResponse v = cri.runtime().version(VersionRequest.newBuilder().setVersion("v1").build());
            assertEquals("keelson", v.getRuntimeName());
            assertEquals("v1", v.getRuntimeApiVersion());
        } finally {
            p.destroy(); // SIGTERM
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "did not stop on SIGTERM");
        String out = Files.readString(log);
        assertTrue(out.contains("listening on " + socket), out);
        assertTrue(out.contains("Version"), "--debug logs the RPC:\n" + out);
        assertFalse(Files.exists(socket), "the socket is removed on shutdown");
    }
}
