package dev.keelson.bench.cni;

import dev.keelson.cni.skel.Skeleton;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs one CNI call, on the calling thread and in its network namespace: a plugin executable
 * exec'd as a runtime does, or a plugin's {@link Skeleton} called in-process.
 */
interface Invoker {
    /** What a plugin call printed and how it ended. */
    record Outcome(int exit, String out, String err) {
    }

    Outcome call(Map<String, String> env, byte[] stdin) throws IOException, InterruptedException;

    /**
     * Execs {@code program} with exactly {@code env} (plus the base environment given here) and the
     * config on stdin. The child starts in the network namespace of the calling thread: the JDK
     * spawns it from that thread (fork or posix_spawn copy the caller's namespaces).
     */
    static Invoker exec(Path program, Map<String, String> baseEnv) {
        Map<String, String> base = Map.copyOf(baseEnv);
        return (env, stdin) -> {
            ProcessBuilder pb = new ProcessBuilder(program.toString());
            pb.environment().clear();
            pb.environment().putAll(base);
            pb.environment().putAll(env);
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            }
            String out;
            String err;
            try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
                // Plugins print a few hundred bytes; stderr is read after stdout without risk of a full pipe.
                out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
                err = new String(e.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Outcome(p.waitFor(), out, err);
        };
    }

    /**
     * Calls {@code skeleton} in this JVM, as a runtime that links the plugins as a library does, with
     * {@code baseEnv} plus the call's variables as the plugin's environment.
     */
    static Invoker inProcess(Skeleton skeleton, Map<String, String> baseEnv) {
        Map<String, String> base = Map.copyOf(baseEnv);
        return (env, stdin) -> {
            Map<String, String> all = new HashMap<>(base);
            all.putAll(env);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = skeleton.run(all, stdin, out, err);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        };
    }
}
