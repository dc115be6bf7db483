package dev.keelson.cri.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cri.sandbox.RuntimeSettings;
import dev.keelson.cri.sandbox.SandboxRecord;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import dev.keelson.testing.KernelTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handlers' command lines, keelson-maskexec for real, and which runtime a recorded sandbox gets. */
@KernelTest
class RuntimeHandlerTest {
    private static final Path LIBEXEC = Path.of("../native/target/bin").toAbsolutePath().normalize();
    private static final Path MASKEXEC = LIBEXEC.resolve("keelson-maskexec");

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    private static Run run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out, err);
    }

    @Test
    void crunGetsTheMaskingLauncherExactlyWhereItRefusesTheHost() {
        RuntimeHandler crun = RuntimeHandler.crun("crun", Path.of("/state"), LIBEXEC);
        RuntimeHandler runc = RuntimeHandler.runc("runc", Path.of("/state"));
        assertEquals(List.of("runc", "--root", "/state/runc"), runc.command());
        List<String> expected = new ArrayList<>();
        if (RuntimeHandler.crunRefusesThisHost()) {
            expected.addAll(List.of(MASKEXEC.toString(), "/sys/fs/cgroup/unified/cgroup.controllers"));
        }
        expected.addAll(List.of("crun", "--root", "/state/crun"));
        assertEquals(expected, crun.command());
    }

    /** A file on a tmpfs of the test's own mount namespace reads empty for the command only. */
    @Test
    void maskexecShowsTheCommandAnEmptyFileAndNobodyElse() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Libc.mount("keelson-test", dir.toString(), "tmpfs", 0, "size=1m");
        try {
            Path file = Files.writeString(dir.resolve("cgroup.controllers"), "hugetlb\n");
            Run masked = run(List.of(MASKEXEC.toString(), file.toString(), "cat", file.toString()));
            assertEquals(new Run(0, "", ""), masked);
            assertEquals("hugetlb\n", Files.readString(file), "outside the command's namespace");
            // the command's exit status is its own
            assertEquals(7, run(List.of(MASKEXEC.toString(), file.toString(), "sh", "-c", "exit 7")).exit());
        } finally {
            Libc.umount2(dir.toString(), Flags.MNT_DETACH);
        }
    }

    @Test
    void maskexecFailuresSayWhichStepAndExit125() throws Exception {
        Run missing = run(List.of(MASKEXEC.toString(), tmp.resolve("nope/file").toString(), "true"));
        assertEquals(125, missing.exit());
        assertTrue(missing.err().startsWith("keelson-maskexec: cannot make private the mount at " + tmp.resolve("nope")),
                missing.err());
        // tmp is no mount point: the namespace step fails, and nothing runs
        Path plain = Files.writeString(tmp.resolve("plain"), "x");
        Run notMount = run(List.of(MASKEXEC.toString(), plain.toString(), "touch", tmp.resolve("ran").toString()));
        assertEquals(125, notMount.exit(), notMount.err());
        assertTrue(Files.notExists(tmp.resolve("ran")));
        Path dir = Files.createDirectories(tmp.resolve("m2"));
        Libc.mount("keelson-test", dir.toString(), "tmpfs", 0, "size=1m");
        try {
            Path file = Files.writeString(dir.resolve("f"), "x");
            Run noCmd = run(List.of(MASKEXEC.toString(), file.toString(), "keelson-no-such-command"));
            assertEquals(new Run(125, "", "keelson-maskexec: cannot run keelson-no-such-command: No such file or directory\n"), noCmd);
        } finally {
            Libc.umount2(dir.toString(), Flags.MNT_DETACH);
        }
        Run usage = run(List.of(MASKEXEC.toString(), "only-a-file"));
        assertEquals(new Run(2, "", "usage: keelson-maskexec FILE CMD [ARG...]\n"), usage);
    }

    /** A cgroup the runtime's process cannot join: nothing runs, and the failure names the cgroup. */
    @Test
    void aFailedSelfJoinRunsNothingAndSaysWhichCgroup() throws Exception {
        Path state = tmp.resolve("state");
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), "{}");
        OciRuntime crun = new OciRuntime(RuntimeHandler.crun("crun", state, LIBEXEC), LIBEXEC.resolve("keelson-cri-shim"));
        Path missing = tmp.resolve("no-such-cgroup/tasks");
        OciRuntimeException e = assertThrows(OciRuntimeException.class, () -> crun.runInCgroups("c1", bundle, List.of(missing)));
        assertTrue(e.getMessage().contains("failed 125 cannot join cgroup " + missing + ": No such file or directory"),
                e.getMessage());
        assertTrue(Files.notExists(state.resolve("crun/c1")), "the runtime never ran");
        OciRuntime runc = new OciRuntime(RuntimeHandler.runc("runc", state), LIBEXEC.resolve("keelson-cri-shim"));
        assertThrows(IllegalStateException.class, () -> runc.runInCgroups("c2", bundle, List.of(missing)));
    }

    /** A sandbox keeps the runtime it was run by when the default handler later names another. */
    @Test
    void aRecordedSandboxKeepsItsRuntime() {
        Path state = tmp.resolve("state");
        RuntimeHandler crun = RuntimeHandler.crun("crun", state, LIBEXEC);
        RuntimeHandler runc = RuntimeHandler.runc("runc", state);
        RuntimeSettings settings = new RuntimeSettings(state, null, null, null, Map.of("", crun, "runc", runc, "crun", crun),
                LIBEXEC, "/keelson");
        assertSame(runc, settings.runtime(record("", "runc")).handler(), "run by runc while runc was the default");
        assertSame(crun, settings.runtime(record("", "crun")).handler());
        assertSame(crun, settings.runtime(record("", null)).handler(), "a record from before the field: its handler");
        assertSame(runc, settings.runtime(record("runc", null)).handler());
        RuntimeSettings cruncOnly = new RuntimeSettings(state, null, null, null, Map.of("", crun), LIBEXEC, "/keelson");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cruncOnly.runtime(record("", "runc")));
        assertTrue(e.getMessage().contains("was run by runc"), e.getMessage());
    }

    /** The pause container's runtime: the recorded one, else the containers'. */
    @Test
    void aRecordedPauseRuntimeIsKept() {
        Path state = tmp.resolve("state");
        RuntimeHandler crun = RuntimeHandler.crun("crun", state, LIBEXEC);
        RuntimeHandler runc = RuntimeHandler.runc("runc", state);
        RuntimeSettings settings = new RuntimeSettings(state, null, null, null, Map.of("", runc), LIBEXEC, "/keelson", null, crun);
        assertSame(crun, settings.pauseRuntime(settings.runtime("")).handler(), "a new sandbox's pause: the sandbox runtime");
        assertSame(crun, settings.pauseRuntime(record("", "runc", "crun")).handler());
        assertSame(runc, settings.pauseRuntime(record("", "runc", null)).handler(), "run when pause and containers shared one");
        RuntimeSettings plain = new RuntimeSettings(state, null, null, null, Map.of("", runc), LIBEXEC, "/keelson");
        assertSame(runc, plain.pauseRuntime(plain.runtime("")).handler());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> plain.pauseRuntime(record("", "runc", "crun")));
        assertTrue(e.getMessage().contains("was run by crun"), e.getMessage());
    }

    private static SandboxRecord record(String handler, String runtime) {
        return record(handler, runtime, null);
    }

    private static SandboxRecord record(String handler, String runtime, String pauseRuntime) {
        return new SandboxRecord("abc", handler, runtime, pauseRuntime, SandboxRecord.READY, 0, null, List.of(), "/keelson", 1, 1, "", false);
    }
}
