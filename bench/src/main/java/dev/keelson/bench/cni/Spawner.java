package dev.keelson.bench.cni;

import dev.keelson.netns.NetNamespace;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code keelson-cni-exec} (bench/c/cni-exec.c), kept running for the whole benchmark: it spawns
 * plugin executables with posix_spawn and times each call in C, from just before the spawn to stdout
 * at EOF and the child reaped, so an exec'd figure holds no JVM process-spawn cost. It enters the
 * node namespace itself (and is started from a node-namespace thread too), so every plugin it
 * spawns starts there.
 */
final class Spawner implements AutoCloseable {
    /** One plugin call: the program, its whole environment, the config on its stdin and the exit status expected. */
    record Call(Path program, Map<String, String> env, byte[] stdin, int expectedExit) {
    }

    /** How a call went: its duration, its exit status and how many bytes it printed on stdout. */
    record Reply(long nanos, int exit, long stdoutBytes) {
        /** Parses one line of keelson-cni-exec: {@code "<ns> <exit> <stdout bytes>"}. */
        static Reply parse(String line) throws IOException {
            String[] f = line == null ? new String[0] : line.trim().split("\\s+");
            try {
                if (f.length == 3) {
                    return new Reply(Long.parseLong(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]));
                }
            } catch (NumberFormatException e) {
                throw new IOException("unexpected line from keelson-cni-exec: \"" + line + "\"", e);
            }
            throw new IOException("unexpected line from keelson-cni-exec: \"" + line + "\"");
        }
    }

    private final Process process;
    private final OutputStream in;
    private final BufferedReader out;
    private final Path log;

    private Spawner(Process process, Path log) {
        this.process = process;
        this.in = process.getOutputStream();
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        this.log = log;
    }

    /**
     * Starts {@code program} (keelson-cni-exec) for {@code node}, its stderr going to {@code log};
     * {@code started} is told of the process so that an interrupted run can end it.
     */
    static Spawner start(Path program, NetNamespace node, Path log, Consumer<Process> started) throws IOException {
        Process p = node.run(() -> new ProcessBuilder(program.toString(), node.path().toString())
                .redirectError(log.toFile()).start());
        started.accept(p);
        return new Spawner(p, log);
    }

    /** Runs {@code calls} by {@code workers} concurrent spawners; the replies in call order. */
    synchronized List<Reply> run(int workers, List<Call> calls) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        field(b, Integer.toString(workers));
        field(b, Integer.toString(calls.size()));
        for (Call c : calls) {
            field(b, c.program().toString());
            field(b, Integer.toString(c.expectedExit()));
            field(b, Integer.toString(c.env().size()));
            for (Map.Entry<String, String> e : c.env().entrySet()) {
                field(b, e.getKey() + "=" + e.getValue());
            }
            b.write(c.stdin());
            b.write(0);
        }
        List<Reply> replies = new ArrayList<>(calls.size());
        try {
            in.write(b.toByteArray());
            in.flush();
            for (int i = 0; i < calls.size(); i++) {
                String line = out.readLine();
                if (line == null) {
                    throw new IOException("keelson-cni-exec ended: " + failure());
                }
                replies.add(Reply.parse(line));
            }
        } catch (IOException e) {
            if (!process.isAlive() || e.getMessage().contains("Broken pipe")) {
                throw new IOException("keelson-cni-exec failed: " + failure(), e);
            }
            throw e;
        }
        return replies;
    }

    private static void field(ByteArrayOutputStream b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        b.write(0);
    }

    private String failure() {
        return ChildLog.failure(process, log);
    }

    /** Closes its stdin (it ends at EOF), then ends it by PID if it lingers. */
    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
