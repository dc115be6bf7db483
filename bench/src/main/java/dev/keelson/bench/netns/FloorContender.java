package dev.keelson.bench.netns;

import dev.keelson.bench.Samples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The kernel floor: {@code keelson-netns-floor} (bench/c/netns-floor.c) makes the same system calls
 * as Keelson in a C loop and times each create and delete itself, so neither process start-up nor
 * the JVM is in its numbers. One process per round; its first few pairs are its own warm-up.
 */
final class FloorContender implements Contender {
    private final Path program;
    private final Path root;
    private final String prefix;
    private final int warmup;
    private final Consumer<Process> started;
    private int round;

    /**
     * @param started told of each process as it starts, so that an interrupted run can end it
     */
    FloorContender(Path program, Path root, String prefix, int warmup, Consumer<Process> started) {
        this.program = program;
        this.root = root;
        this.prefix = prefix;
        this.warmup = warmup;
        this.started = started;
    }

    @Override
    public String name() {
        return "C floor";
    }

    @Override
    public void run(int count, long pauseNanos, Samples create, Samples delete) throws IOException, InterruptedException {
        // A fresh name prefix per process: pins are numbered from 0 in each one.
        String p = prefix + (round++) + "-";
        List<String> cmd = List.of(program.toString(), root.toString(), p, Integer.toString(count),
                Integer.toString(warmup), Long.toString(pauseNanos / 1000));
        Process proc = new ProcessBuilder(cmd).start();
        started.accept(proc);
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int status = proc.waitFor();
        if (status != 0) {
            throw new IOException(program.getFileName() + " failed with status " + status + (err.isEmpty() ? "" : ": " + err));
        }
        if (lines.size() != count) {
            throw new IOException(program.getFileName() + " printed " + lines.size() + " timings, expected " + count);
        }
        for (String line : lines) {
            parse(line, create, delete);
        }
    }

    /** One line of the program's output: {@code "<create ns> <delete ns>"}. */
    static void parse(String line, Samples create, Samples delete) throws IOException {
        String[] f = line.trim().split("\\s+");
        if (f.length != 2) {
            throw new IOException("unexpected line from keelson-netns-floor: \"" + line + "\"");
        }
        try {
            create.add(Long.parseLong(f[0]));
            delete.add(Long.parseLong(f[1]));
        } catch (NumberFormatException e) {
            throw new IOException("unexpected line from keelson-netns-floor: \"" + line + "\"", e);
        }
    }
}
