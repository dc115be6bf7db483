package dev.keelson.cli.up;

import dev.keelson.netns.NetNamespace;
import dev.keelson.netns.NetnsDirectory;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code keelson down} after a node process that died: a process started inside the node's
 * namespace (or, when its pin is gone too, inside a throwaway empty one, so no CNI DEL can ever
 * touch the host's links) removes the pods; then {@link HostTeardown} removes pins, cgroups and the
 * record.
 */
public final class CrashCleanup {
    private CrashCleanup() {
    }

    /**
     * Runs {@code keelson ARGS} (the node-side cleanup) in the node netns, then the host side.
     *
     * @return the node-side process's exit code (0 when everything went)
     */
    public static int run(ClusterLayout layout, UpRecord record, List<String> args, PrintWriter out) throws Exception {
        List<Path> pins = new ArrayList<>(record.netnsPins().stream().map(Path::of).toList());
        Path where = pins.stream().filter(Files::exists).findFirst().orElse(null);
        NetNamespace throwaway = null;
        if (where == null) {
            throwaway = NetnsDirectory.system().create("keelson-" + layout.cluster() + "-down", true);
            where = throwaway.path();
            pins.add(where);
        }
        try {
            List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + where, "--"));
            argv.addAll(NodeNetnsLauncher.javaCommand());
            argv.addAll(args);
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                lines.lines().forEach(out::println);
            }
            int rc = p.waitFor();
            out.flush();
            if (rc != 0) {
                out.println("keelson down: removing the pods failed (exit " + rc + "); the record stays for another try");
                return rc;
            }
            HostTeardown.run(layout, pins);
            out.println("keelson down: cluster \"" + layout.cluster() + "\" cleaned up");
            return 0;
        } finally {
            if (throwaway != null) {
                throwaway.delete();
            }
        }
    }
}
