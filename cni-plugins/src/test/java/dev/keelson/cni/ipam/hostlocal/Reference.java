package dev.keelson.cni.ipam.hostlocal;

import dev.keelson.testing.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Runs the reference host-local binary (containernetworking/plugins v1.1.1) and reads its output. */
record Reference(int exit, String out) {
    static final Path BINARY = Path.of("/usr/lib/cni/host-local");

    static Reference run(String command, String containerId, String ifname, String cniArgs, String conf) {
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString());
        Map<String, String> env = pb.environment();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", "/proc/self/ns/net");
        env.put("CNI_IFNAME", ifname);
        env.put("CNI_PATH", "/usr/lib/cni");
        env.put("CNI_ARGS", cniArgs);
        pb.redirectErrorStream(true);
        try {
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(conf.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("reference host-local timed out");
            }
            return new Reference(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Reference add(String containerId, String conf) {
        return run("ADD", containerId, "eth0", "", conf);
    }

    /** The {@code ips[].address} values of a successful result. */
    @SuppressWarnings("unchecked")
    List<String> addresses() {
        if (exit != 0) {
            throw new AssertionError("reference failed: " + out);
        }
        Map<String, Object> r = (Map<String, Object>) Json.parse(out);
        return ((List<Map<String, Object>>) r.get("ips")).stream().map(m -> (String) m.get("address")).toList();
    }

    /** The error message of a failed call. */
    @SuppressWarnings("unchecked")
    String errorMessage() {
        if (exit == 0) {
            throw new AssertionError("reference succeeded: " + out);
        }
        return (String) ((Map<String, Object>) Json.parse(out)).get("msg");
    }

    /** Every file of a directory: name to "mode|content", for byte-for-byte comparison of trees. */
    static Map<String, String> tree(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(),
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(f)) + "|"
                                + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
