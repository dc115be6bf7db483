package dev.keelson.cni.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the native client once per plugin name into a CNI bin directory, with the sidecar
 * {@code .keelson-fallback} the client reads when the daemon is down: the java command line, one
 * argument per line, to which the client appends the plugin name ({@link PluginMain}). The
 * fallback names the AOT cache made by {@link AotCache} when there is one.
 */
public final class Installer {
    /** The sidecar's file name (the client looks for it next to itself). */
    public static final String FALLBACK_FILE = ".keelson-fallback";

    private Installer() {
    }

    /**
     * Copies {@code client} to {@code dir/NAME} for each name (atomically replacing an old file, so
     * a runtime never execs a half-written binary) and writes {@code dir/.keelson-fallback}.
     * Returns the installed paths.
     */
    public static List<Path> install(Path client, Path dir, List<String> names, List<String> fallbackCommand) throws IOException {
        for (String name : names) {
            if (Plugins.find(name).isEmpty()) {
                throw new IllegalArgumentException("keelson has no CNI plugin \"" + name + "\" (known: "
                        + String.join(", ", Plugins.NAMES) + ")");
            }
        }
        if (fallbackCommand.stream().anyMatch(a -> a.isEmpty() || a.contains("\n"))) {
            throw new IllegalArgumentException("fallback arguments must be non-empty single lines: " + fallbackCommand);
        }
        Files.createDirectories(dir);
        List<Path> installed = new ArrayList<>();
        for (String name : names) {
            Path target = dir.resolve(name);
            Path tmp = dir.resolve("." + name + ".keelson-tmp");
            Files.copy(client, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            installed.add(target);
        }
        Path fallback = dir.resolve(FALLBACK_FILE);
        Files.writeString(fallback, String.join("\n", fallbackCommand) + "\n");
        Files.setPosixFilePermissions(fallback, PosixFilePermissions.fromString("rw-r--r--"));
        return installed;
    }

    /**
     * The fallback JVM's flags, shared by its training run ({@link AotCache}) because an AOT cache
     * only fits the flags it was made with: SerialGC and C1 only for a short run; every JVM log
     * line and VM message on stderr (the JVM's default is stdout, where the runtime expects only
     * the plugin's JSON; a cache that does not fit is reported that way).
     */
    public static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:+DisplayVMOutputToStderr",
            "--enable-native-access=ALL-UNNAMED");

    /**
     * The command line of a JVM like the running one for the fallback, without an AOT cache (the
     * JDK's default CDS archive only).
     */
    public static List<String> fallbackCommand(String java, String classPath) {
        return fallbackCommand(java, classPath, null);
    }

    /**
     * The command line of a JVM like the running one for the fallback: the same java and class
     * path, {@link #JVM_FLAGS}, {@code -XX:AOTCache=aotCache} when a cache is given (else the
     * default CDS archive), ending in {@link PluginMain}. A cache that does not fit is ignored by
     * the JVM (AOTMode auto), so the fallback works without it, only slower.
     */
    public static List<String> fallbackCommand(String java, String classPath, Path aotCache) {
        List<String> argv = new ArrayList<>();
        argv.add(java);
        argv.addAll(JVM_FLAGS);
        argv.add(aotCache == null ? "-Xshare:auto" : "-XX:AOTCache=" + aotCache.toAbsolutePath());
        argv.addAll(List.of("-cp", classPath, PluginMain.class.getName()));
        return List.copyOf(argv);
    }
}
