package dev.keelson.cni.daemon;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fallback JVM's AOT cache (JDK 25: JEP 483 class loading and linking, JEP 514 one-step
 * {@code -XX:AOTCacheOutput}, JEP 515 method profiles). It is made by one training run of
 * {@link AotTraining} with the fallback's own JVM flags and class path, and placed next to the
 * installed clients as {@value #FILE_NAME}; {@link Installer#fallbackCommand(String, String, Path)}
 * names it with {@code -XX:AOTCache}.
 *
 * <p>A cache only fits the JVM build, flags and class path (jar paths, sizes and mtimes) it was
 * made with. A JVM given one that does not fit runs without it: silently when the class path has
 * changed, with {@code [error][aot]} lines when the file is missing or corrupt. The fallback's
 * logging flags send those lines to stderr, so a plugin's stdout and exit code never depend on the
 * cache. Class paths must be jars only: CDS refuses to dump classes from a directory.
 */
public final class AotCache {
    /** The cache's file name in the CNI bin directory. */
    public static final String FILE_NAME = ".keelson-fallback.aot";
    /** Training touches namespaces and spawns the assembly JVM; a few seconds normally. */
    private static final long TIMEOUT_SECONDS = 180;

    private AotCache() {
    }

    /**
     * Trains and writes {@code dir/}{@value #FILE_NAME} for {@code java} and {@code classPath}
     * (atomically replacing an older cache) and returns its path. Must run as root: the training
     * creates and deletes two throwaway network namespaces. Throws {@link IOException} with the
     * training's output when it fails; nothing is left behind then.
     */
    public static Path create(String java, String classPath, Path dir) throws IOException {
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.endsWith(".jar")) {
                throw new IOException("cannot make an AOT cache: class path entry " + entry
                        + " is not a jar (CDS archives classes from jars only)");
            }
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Path log = Files.createTempFile("keelson-aot-training-", ".log");
        List<String> argv = new ArrayList<>();
        argv.add(java);
        argv.addAll(Installer.JVM_FLAGS);
        argv.add("-XX:AOTCacheOutput=" + tmp);
        argv.addAll(List.of("-cp", classPath, AotTraining.class.getName()));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
            if (!done || p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
                throw new IOException("AOT training run " + (done ? "exited " + p.exitValue() : "timed out after "
                        + TIMEOUT_SECONDS + " s") + ": " + tail(log));
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Path cache = dir.resolve(FILE_NAME);
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return cache;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while training the AOT cache", e);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(Path.of(tmp + ".config")); // JEP 514's temporary configuration
            Files.deleteIfExists(log);
        }
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8).strip();
        return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
    }
}
