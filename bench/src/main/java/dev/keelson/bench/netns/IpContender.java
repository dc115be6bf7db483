package dev.keelson.bench.netns;

import dev.keelson.bench.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The reference tool: {@code ip netns add NAME} and {@code ip netns del NAME} (iproute2, pins in
 * /run/netns), each as its own process started from this JVM — the cost any caller that shells out
 * pays, spawn included.
 */
final class IpContender implements Contender {
    private final Path ip;
    private final String prefix;
    private int next;

    IpContender(Path ip, String prefix) {
        this.ip = ip;
        this.prefix = prefix;
    }

    @Override
    public String name() {
        return "ip netns";
    }

    @Override
    public void run(int count, long pauseNanos, Samples create, Samples delete) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            String name = prefix + next++;
            Contender.pause(pauseNanos);
            create.add(ip("add", name));
            Contender.pause(pauseNanos);
            delete.add(ip("del", name));
        }
    }

    /** Runs {@code ip netns VERB NAME}; returns its duration from spawn to exit. */
    private long ip(String verb, String name) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(ip.toString(), "netns", verb, name)).redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        int status = p.waitFor();
        long t1 = System.nanoTime();
        // ip prints nothing on success and a line on failure: it fits in the pipe, so reading after
        // exit cannot block the child.
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (status != 0) {
            throw new IOException("`" + ip + " netns " + verb + " " + name + "` failed with status " + status
                    + (output.isEmpty() ? "" : ": " + output));
        }
        return t1 - t0;
    }
}
