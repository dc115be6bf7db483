package dev.keelson.cri.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Libc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Drives one OCI runtime (runc or crun) through its command line.
 *
 * <p>{@link #run} starts {@code keelson-cri-shim}, which runs {@code RUNTIME run --detach} and then
 * stays as the subreaper of the container's init (see {@code native/c/keelson-cri-shim.c}): the
 * JVM is never the init's parent because the runtime daemonizes it. The files of one container
 * live in its bundle directory:
 *
 * <pre>
 * BUNDLE/config.json   the OCI spec          BUNDLE/init.pid     written by the runtime
 * BUNDLE/stdout        FIFO: init's stdout   BUNDLE/exit         written by the shim at exit
 * BUNDLE/stderr        FIFO: init's stderr   BUNDLE/runtime.log  the runtime's own messages
 * </pre>
 */
public final class OciRuntime {
    /** Signal numbers (signal(7), x86-64). */
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /** How long the runtime's exec client gets to reap a command killed at its ExecSync deadline. */
    private static final Duration EXEC_REAP_GRACE = Duration.ofSeconds(2);

    private final RuntimeHandler handler;
    private final Path shim;

    /**
     * @param handler the runtime and its state root
     * @param shim the {@code keelson-cri-shim} program (built from native/c)
     */
    public OciRuntime(RuntimeHandler handler, Path shim) {
        this.handler = handler;
        this.shim = shim;
    }

    public RuntimeHandler handler() {
        return handler;
    }

    /**
     * A created container: the init's pid and the pid of the shim watching it (no child of this
     * process: watch it with {@link dev.keelson.linux.EventLoop#onExit}).
     */
    public record Created(int pid, int shimPid) {
    }

    /** The exit file the shim writes in {@code bundle}. */
    public static Path exitFile(Path bundle) {
        return bundle.resolve("exit");
    }

    /** The FIFO carrying the init's stdout ({@code stderr} false) or stderr. */
    public static Path stdioFifo(Path bundle, boolean stderr) {
        return bundle.resolve(stderr ? "stderr" : "stdout");
    }

    /**
     * {@code RUNTIME run --detach} under a new shim: create and start in one runtime process (one Go
     * process start fewer than {@code create} then {@code start}). Returns once the user process runs.
     *
     * @throws OciRuntimeException the runtime refused; the message carries its error text
     */
    public Created run(String id, Path bundle) {
        return underShim(id, bundle, null, List.of(), "run", "--detach");
    }

    /**
     * {@link #run(String, Path)} with the container's cgroups placed by us: the runtime's process
     * moves itself into the cgroups whose v1 {@code tasks} files are given (made and set up by the
     * caller) before the runtime starts, and the runtime runs with {@code --cgroup-manager=disabled}
     * (crun only), so the container is born in them. This skips the runtime's move of the init by
     * pid, whose global lock waits for an RCU grace period (see {@code KEELSON_SHIM_JOIN} in
     * native/c/keelson-cri-shim.c). The runtime then neither applies the spec's resources nor
     * removes the cgroups: both are the caller's.
     */
    public Created runInCgroups(String id, Path bundle, List<Path> tasks) {
        if (!handler.canLeaveCgroupsToCaller()) {
            throw new IllegalStateException(handler.binary() + " cannot run with its cgroup manager disabled");
        }
        java.util.Map<String, String> env = java.util.Map.of("KEELSON_SHIM_JOIN",
                String.join(":", tasks.stream().map(Path::toString).toList()));
        return underShim(id, bundle, env, List.of("--cgroup-manager=disabled"), "run", "--detach");
    }

    /**
     * {@link #run(String, Path)} with the FIFO {@code stdin} as the container's stdin (the caller made
     * it and holds it open for writing); with {@code once}, the container sees end-of-file when the
     * caller's writers are closed, else never (the shim keeps a writer).
     */
    public Created run(String id, Path bundle, Path stdin, boolean once) {
        return underShim(id, bundle, stdinEnv(stdin, once), List.of(), "run", "--detach");
    }

    /**
     * {@link #run(String, Path)} for a container with a terminal ({@code process.terminal}): the
     * runtime sends the terminal's master to {@code consoleSocket} (a short path: sun_path holds
     * 107 bytes), where the shim takes it and keeps it. The shim copies the terminal's output to the
     * stdout FIFO, the FIFO {@code stdin} (if not null; see {@link #run(String, Path, Path, boolean)})
     * to the terminal, and applies {@code ROWS COLS} lines written to the FIFO {@code resize}.
     */
    public Created runWithTerminal(String id, Path bundle, Path stdin, boolean once, Path consoleSocket, Path resize) {
        java.util.Map<String, String> env = new java.util.HashMap<>(stdin == null ? java.util.Map.of() : stdinEnv(stdin, once));
        env.put("KEELSON_SHIM_CONSOLE", consoleSocket.toString());
        env.put("KEELSON_SHIM_RESIZE", resize.toString());
        return underShim(id, bundle, env, List.of(), "run", "--detach", "--console-socket", consoleSocket.toString());
    }

    private static java.util.Map<String, String> stdinEnv(Path stdin, boolean once) {
        return java.util.Map.of("KEELSON_SHIM_STDIN", stdin.toString(), "KEELSON_SHIM_STDIN_ONCE", once ? "1" : "0");
    }

    private Created underShim(String id, Path bundle, java.util.Map<String, String> env, List<String> globals, String... verb) {
        List<String> cmd = new ArrayList<>(List.of(shim.toString(), exitFile(bundle).toString(),
                bundle.resolve("init.pid").toString(), stdioFifo(bundle, false).toString(),
                stdioFifo(bundle, true).toString()));
        cmd.addAll(handler.command());
        cmd.addAll(globals);
        cmd.addAll(List.of("--log", bundle.resolve("runtime.log").toString()));
        cmd.addAll(List.of(verb));
        cmd.addAll(List.of("--bundle", bundle.toString(), "--pid-file", bundle.resolve("init.pid").toString(), id));
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("KEELSON_SHIM_DAEMON", "1");
            if (env != null) {
                pb.environment().putAll(env);
            }
            p = pb.start();
        } catch (IOException e) {
            throw new OciRuntimeException("cannot start " + shim + ": " + e.getMessage(), e);
        }
        String line;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            line = r.readLine();
        } catch (IOException e) {
            p.destroyForcibly();
            throw new OciRuntimeException(verb(verb[0], id) + " failed: lost the shim: " + e.getMessage(), e);
        }
        String[] words = line == null ? new String[0] : line.strip().split(" ");
        if (words.length == 3 && words[0].equals("pid")) {
            waitQuietly(p); // the monitor's parent, which exits at once
            return new Created(Integer.parseInt(words[1]), Integer.parseInt(words[2]));
        }
        waitQuietly(p);
        throw new OciRuntimeException(verb(verb[0], id) + " failed (" + (line == null ? "shim ended" : line) + "): "
                + runtimeError(bundle.resolve("runtime.log")));
    }

    /** {@code RUNTIME kill ID SIGNAL}; also with {@code --all} for every process of the container. */
    public void kill(String id, int signal, boolean all) {
        if (all) {
            run(id, "kill", "--all", id, Integer.toString(signal));
        } else {
            run(id, "kill", id, Integer.toString(signal));
        }
    }

    /** {@code RUNTIME delete --force ID}; a container the runtime does not know is not an error. */
    public void delete(String id) {
        Result r = exec(List.of("delete", "--force", id), COMMAND_TIMEOUT);
        if (r.exitCode() != 0 && !notFound(r.stderr())) {
            throw new OciRuntimeException(verb("delete", id) + " failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        }
    }

    /**
     * {@code RUNTIME update --resources FILE ID}: new cgroup limits for a created or running
     * container; {@code resources} is an OCI {@code linux.resources} object.
     */
    public void update(String id, Path resources) {
        run(id, "update", "--resources", resources.toString(), id);
    }

    /** True when the runtime still has state for {@code id}. */
    public boolean exists(String id) {
        return Files.exists(handler.root().resolve(id));
    }

    /** What a process printed and how it ended; {@code timedOut} when it was killed at the deadline. */
    public record Result(byte[] stdout, String stderr, int exitCode, boolean timedOut) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /**
     * {@code RUNTIME exec ID CMD...}: runs {@code cmd} in the running container with the
     * container's env, cwd and user, and waits up to {@code timeout} (zero: no limit). At the
     * deadline the exec'd process is SIGKILLed (by the pid the runtime wrote), not only the
     * runtime's client.
     */
    public Result execSync(String id, Path pidFile, List<String> cmd, Duration timeout) {
        Path process = processFile(id, cmd, false);
        try {
            List<String> args = new ArrayList<>(List.of("exec", "--pid-file", pidFile.toString()));
            args.addAll(execTarget(id, cmd, process));
            return exec(args, timeout, pidFile);
        } finally {
            deleteQuietly(process);
        }
    }

    /**
     * For a runtime whose {@code exec} does not take the container's process as its template
     * (crun: user, groups, capabilities and the rest default to its own; runc copies them from the
     * container's config), a {@code --process} file made from the container's {@code process} with
     * {@code cmd} as its args; null for runc. crun keeps the container's spec as
     * {@code ROOT/ID/config.json}.
     */
    private Path processFile(String id, List<String> cmd, boolean terminal) {
        if (handler.execInheritsProcess()) {
            return null;
        }
        Path config = handler.root().resolve(id).resolve("config.json");
        try {
            ObjectNode process = (ObjectNode) PROCESS_JSON.readTree(config.toFile()).path("process").deepCopy();
            process.put("terminal", terminal);
            ArrayNode args = process.putArray("args");
            cmd.forEach(args::add);
            process.remove("consoleSize");
            Path file = Files.createTempFile("keelson-exec-", ".json");
            Files.write(file, PROCESS_JSON.writeValueAsBytes(process));
            return file;
        } catch (IOException | ClassCastException e) {
            throw new OciRuntimeException(verb("exec", id) + " failed: cannot read the container's process from " + config
                    + ": " + e.getMessage(), e);
        }
    }

    private static final ObjectMapper PROCESS_JSON = new ObjectMapper();

    /** {@code --process FILE ID}, or {@code ID CMD...} without a process file. */
    private static List<String> execTarget(String id, List<String> cmd, Path process) {
        List<String> out = new ArrayList<>();
        if (process != null) {
            out.add("--process");
            out.add(process.toString());
            out.add(id);
        } else {
            out.add(id);
            out.addAll(cmd);
        }
        return out;
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temporary file left in the temporary directory
            }
        }
    }

    /**
     * Starts {@code RUNTIME exec ID CMD...} for a streaming session and returns the running
     * client, whose stdin, stdout and stderr are the command's and whose exit code is the command's.
     */
    public Process startExec(String id, List<String> cmd) throws IOException {
        Path process = processFile(id, cmd, false);
        List<String> args = handler.command();
        args.add("exec");
        args.addAll(execTarget(id, cmd, process));
        return startDeleting(new ProcessBuilder(args), process);
    }

    /** Starts {@code pb}; the process file (if any) is deleted when the process ends or fails to start. */
    private static Process startDeleting(ProcessBuilder pb, Path process) throws IOException {
        try {
            Process p = pb.start();
            p.onExit().thenRun(() -> deleteQuietly(process));
            return p;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(process);
            throw e;
        }
    }

    /**
     * Starts {@code RUNTIME exec --detach --tty --console-socket SOCKET ID CMD...} under a new
     * shim, for a streaming session with a terminal. runc accepts a console socket only with
     * {@code --detach}, so the command outlives the runtime's client; the shim, its subreaper,
     * reaps it and writes {@code dir/exit} (see {@link #run}). Returns the shim, which ends
     * after the command; {@code dir/runtime.log} holds the runtime's messages.
     */
    public Process startTerminalExec(String id, List<String> cmd, Path consoleSocket, Path dir) throws IOException {
        Path process = processFile(id, cmd, true);
        List<String> args = new ArrayList<>(List.of(shim.toString(), exitFile(dir).toString(), dir.resolve("exec.pid").toString(),
                stdioFifo(dir, false).toString(), stdioFifo(dir, true).toString()));
        args.addAll(handler.command());
        args.addAll(List.of("--log", dir.resolve("runtime.log").toString(), "exec", "--detach"));
        if (process == null) {
            args.add("--tty"); // with a process file, its "terminal" says so
        }
        args.addAll(List.of("--console-socket", consoleSocket.toString(), "--pid-file", dir.resolve("exec.pid").toString()));
        args.addAll(execTarget(id, cmd, process));
        return startDeleting(new ProcessBuilder(args).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(ProcessBuilder.Redirect.DISCARD), process);
    }

    /** The runtime's messages in {@code log} (a {@code --log} file), joined on one line. */
    public static String runtimeMessages(Path log) {
        return runtimeError(log);
    }

    private void run(String id, String... args) {
        Result r = exec(List.of(args), COMMAND_TIMEOUT);
        if (r.exitCode() != 0) {
            throw new OciRuntimeException(verb(args[0], id) + " failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        }
    }

    private Result exec(List<String> args, Duration timeout) {
        return exec(args, timeout, null);
    }

    private Result exec(List<String> args, Duration timeout, Path pidFile) {
        List<String> cmd = handler.command();
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            throw new OciRuntimeException("cannot run " + handler.binary() + ": " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        boolean timedOut = false;
        try {
            if (timeout.isZero()) {
                p.waitFor();
            } else if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                // The runtime's client must outlive the process it ran long enough to reap it: killed
                // first, it leaves a zombie re-parented outside the container that nobody may reap.
                if (!killExecd(pidFile) || !p.waitFor(EXEC_REAP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            }
            return new Result(out.get(), new String(err.get(), StandardCharsets.UTF_8), p.exitValue(), timedOut);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new OciRuntimeException(String.join(" ", args) + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new OciRuntimeException(String.join(" ", args) + ": reading output failed: " + e.getCause(), e);
        }
    }

    /** SIGKILLs the process whose pid the runtime wrote to {@code pidFile}; false when there is none to kill. */
    private static boolean killExecd(Path pidFile) {
        if (pidFile == null) {
            return false;
        }
        try {
            Libc.kill(Integer.parseInt(Files.readString(pidFile).trim()), SIGKILL);
            return true;
        } catch (IOException | NumberFormatException | ErrnoException e) {
            // not written yet or already gone: killing the runtime's client is all we can do
            return false;
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(in.readAllBytes());
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private String verb(String verb, String id) {
        return handler.binary().getFileName() + " " + verb + " " + id;
    }

    private static boolean notFound(String stderr) {
        return stderr.contains("does not exist") || stderr.contains("not found") || stderr.contains("No such file");
    }

    private static String runtimeError(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(no message from the runtime)" : String.join("; ", lines).strip();
        } catch (IOException e) {
            return "(no message from the runtime: " + e.getMessage() + ")";
        }
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
