package dev.keelson.cri.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.testing.Command;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Stand-ins, made from the host's static busybox, for the images the cri-tools {@code critest}
 * suite pulls, pushed into a registry under their original repository paths so that a runtime
 * with registry mirrors for {@code registry.k8s.io} and {@code gcr.io} finds them offline:
 * <pre>
 *  e2e-test-images/busybox:1.29-2        the default test image
 *  e2e-test-images/nginx:1.14-2          /usr/sbin/nginx: a shell whose process name is nginx, writes
 *                                        /var/run/nginx.pid, "master process" in its cmdline, busybox httpd on :80
 *  k8s-staging-cri-tools/hostnet-nginx-amd64   the same on :12003
 *  e2e-test-images/httpd:2.4.39-4        logs "Command line: 'httpd -D FOREGROUND'", busybox httpd on :80
 *  e2e-test-images/nonewprivs:1.3        a static setuid-root program printing "Effective uid: N"
 *  k8s-staging-cri-tools/test-image-user-{uid,username,uid-group,username-group}  User 1002, www-data, 1003:1004, www-data:1004
 *  k8s-staging-cri-tools/test-image-predefined-group   User 1000, member of group 50000 in /etc/group
 *  k8s-staging-cri-tools/test-image-{latest,tag:test+all,1,2,3,tags:1+2+3}        a marker file each
 *  pause:3.9                             Keelson's static pause program (for runtimes that want a sandbox image)
 * </pre>
 * Every image shares one busybox layer (applets as hard links; a /bin/sh that looks commands up in
 * PATH, see below; stand-in {@code pgrep} and {@code ipcs}
 * scripts, which Debian's busybox lacks); a second layer holds what differs. Only
 * {@code test-image-digest@sha256:9700f9…} cannot be made: its digest is that of the upstream image.
 *
 * <p>Run as {@code CritestImages REGISTRY_URL PAUSE_PROGRAM WORK_DIR [SHELL_BUSYBOX]}, the last a
 * dynamically linked busybox whose shell execs applets by PATH (the busybox of Debian's
 * {@code busybox} package, which conflicts with the installed {@code busybox-static}); without it
 * /bin/sh is the host's dash, whose error messages differ from the ones critest expects.
 */
public final class CritestImages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String E2E = "e2e-test-images/";
    private static final String CRI_TOOLS = "k8s-staging-cri-tools/";
    private static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final RegistryPush push;
    private final Path work;
    private final byte[] base;

    private CritestImages(RegistryPush push, Path work, Path shellBusybox) throws Exception {
        this.push = push;
        this.work = work;
        Path rootfs = LocalBusyboxImage.writeRootfs(work.resolve("base"));
        hardLinkApplets(rootfs.resolve("bin"));
        // Debian's static busybox runs applets inside its shell without a PATH lookup, so a masked
        // /bin/ls would still run; the upstream image's shell execs /bin/ls. A shell that does:
        // the given non-static busybox (Debian's "busybox" package, same messages), else the host's dash.
        Path shell = shellBusybox != null ? shellBusybox : Path.of("/bin/dash");
        copyWithLibraries(shell, rootfs, "bin/sh-exec");
        Files.delete(rootfs.resolve("bin/sh"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("sh-exec"));
        // Debian's busybox has neither pgrep nor ipcs, which the suite runs; small stand-ins
        write(rootfs, "usr/bin/pgrep", "#!/bin/sh\n# pgrep NAME: the ids of processes named NAME (via pidof)\nexec pidof \"$@\"\n",
                "rwxr-xr-x");
        write(rootfs, "usr/bin/ipcs", """
                #!/bin/sh
                # ipcs -m: the System V shared memory segments of this IPC namespace, from /proc/sysvipc/shm
                echo "------ Shared Memory Segments --------"
                echo "key        shmid      owner      perms      bytes"
                tail -n +2 /proc/sysvipc/shm | while read key shmid perms size rest; do echo "$key $shmid $perms $size"; done
                """, "rwxr-xr-x");
        Files.writeString(rootfs.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/bin/sh
                daemon:x:1:1:daemon:/usr/sbin:/bin/false
                www-data:x:33:33:www-data:/var/www:/bin/false
                nobody:x:65534:65534:nobody:/home:/bin/false
                """);
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\ndaemon:x:1:\nwww-data:x:33:\nnogroup:x:65534:\n");
        Files.createDirectories(rootfs.resolve("var/run"));
        Files.createDirectories(rootfs.resolve("root"));
        base = tar(rootfs);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: CritestImages REGISTRY_URL PAUSE_PROGRAM WORK_DIR [SHELL_BUSYBOX]");
            System.exit(2);
        }
        CritestImages images = new CritestImages(new RegistryPush(URI.create(args[0])), Files.createDirectories(Path.of(args[2])),
                args.length == 4 ? Path.of(args[3]) : null);
        images.pushAll(Path.of(args[1]));
    }

    private void pushAll(Path pauseProgram) throws Exception {
        image(E2E + "busybox", List.of("1.29-2"), null, c -> c.putArray("Cmd").add("sh"));
        String nginx = """
                #!/bin/sh
                # Stands in for nginx: this shell's process name is "nginx" (pidof finds it), its arguments
                # ("master process") show in /proc/PID/cmdline, and busybox httpd serves the page.
                echo $$ > /var/run/nginx.pid
                httpd -f -p "${NGINX_PORT:-80}" -h /usr/share/nginx/html &
                child=$!
                trap 'kill $child; exit 0' TERM INT
                wait
                """;
        Consumer<Path> nginxFiles = dir -> {
            write(dir, "usr/sbin/nginx", nginx, "rwxr-xr-x");
            write(dir, "usr/share/nginx/html/index.html", "<html><body>keelson critest</body></html>\n", "rw-r--r--");
        };
        image(E2E + "nginx", List.of("1.14-2"), nginxFiles, c -> c.putArray("Cmd").add("nginx").add("master process"));
        image(CRI_TOOLS + "hostnet-nginx-amd64", List.of("latest"), nginxFiles, c -> {
            c.putArray("Cmd").add("nginx").add("master process");
            c.putArray("Env").add(PATH_ENV).add("NGINX_PORT=12003");
        });
        image(E2E + "httpd", List.of("2.4.39-4"), dir -> {
            write(dir, "usr/local/bin/httpd-foreground", """
                    #!/bin/sh
                    # Stands in for Apache: its start-up log line, then busybox httpd in the foreground.
                    echo "AH00094: Command line: 'httpd -D FOREGROUND'"
                    exec httpd -f -vv -p 80 -h /usr/local/apache2/htdocs
                    """, "rwxr-xr-x");
            write(dir, "usr/local/apache2/htdocs/index.html", "<html><body>It works!</body></html>\n", "rw-r--r--");
        }, c -> c.putArray("Cmd").add("httpd-foreground"));
        Path nnp = compileNoNewPrivs();
        image(E2E + "nonewprivs", List.of("1.3"), dir -> copy(nnp, dir.resolve("usr/local/bin/nnp"), "rwsr-xr-x"),
                c -> c.putArray("Entrypoint").add("/usr/local/bin/nnp"));
        String[][] users = {{"uid", "1002"}, {"username", "www-data"}, {"uid-group", "1003:1004"}, {"username-group", "www-data:1004"}};
        for (String[] u : users) {
            image(CRI_TOOLS + "test-image-user-" + u[0], List.of("latest"), null, c -> c.put("User", u[1]).putArray("Cmd").add("sh"));
        }
        image(CRI_TOOLS + "test-image-predefined-group", List.of("latest"), dir -> {
            write(dir, "etc/passwd", """
                    root:x:0:0:root:/root:/bin/sh
                    www-data:x:33:33:www-data:/var/www:/bin/false
                    default-user:x:1000:1000:Linux User,,,:/home/default-user:/bin/sh
                    nobody:x:65534:65534:nobody:/home:/bin/false
                    """, "rw-r--r--");
            write(dir, "etc/group", "root:x:0:\nwww-data:x:33:\ndefault-user:x:1000:\ngroup-defined-in-image:x:50000:default-user\n"
                    + "nogroup:x:65534:\n", "rw-r--r--");
        }, c -> c.put("User", "1000").putArray("Cmd").add("sh"));
        marked("test-image-latest", List.of("latest"));
        marked("test-image-tag", List.of("test", "all"));
        marked("test-image-tags", List.of("1", "2", "3"));
        for (int i = 1; i <= 3; i++) {
            marked("test-image-" + i, List.of("latest"));
        }
        publish("pause", List.of("3.9", "3.6"), c -> c.putArray("Entrypoint").add("/pause"), pauseLayer(pauseProgram));
    }

    /** Copies {@code binary} to {@code dest} in {@code rootfs} with the shared libraries {@code ldd} lists, at their paths. */
    private static void copyWithLibraries(Path binary, Path rootfs, String dest) throws Exception {
        copy(binary, rootfs.resolve(dest), "rwxr-xr-x");
        for (String line : Command.ok("ldd", binary.toString()).lines().toList()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(/\\S+)").matcher(line.contains("=>")
                    ? line.substring(line.indexOf("=>")) : line);
            if (m.find()) {
                Path lib = Path.of(m.group(1));
                Path target = rootfs.resolve(lib.toString().substring(1));
                if (!Files.exists(target)) {
                    copy(lib.toRealPath(), target, "rwxr-xr-x");
                }
            }
        }
    }

    /**
     * Turns the applet symlinks into hard links of busybox, as in the upstream busybox image: a
     * masked path such as /bin/ls must hide that applet, not (through the link) busybox itself.
     */
    private static void hardLinkApplets(Path bin) throws Exception {
        try (var links = Files.list(bin)) {
            for (Path p : links.filter(Files::isSymbolicLink).toList()) {
                Files.delete(p);
                Files.createLink(p, bin.resolve("busybox"));
            }
        }
    }

    /** An image whose second layer has one empty file named after it, as cri-tools' image-test Dockerfile adds. */
    private void marked(String name, List<String> tags) throws Exception {
        image(CRI_TOOLS + name, tags, dir -> write(dir, name, "", "rw-r--r--"), c -> c.putArray("Cmd").add("sh"));
    }

    private void image(String repo, List<String> tags, Consumer<Path> extra, Consumer<ObjectNode> config) throws Exception {
        List<byte[]> layers = new ArrayList<>(List.of(base));
        if (extra != null) {
            Path dir = Files.createDirectories(work.resolve("layers/" + repo));
            extra.accept(dir);
            layers.add(tar(dir));
        }
        publish(repo, tags, config, layers);
    }

    private void publish(String repo, List<String> tags, Consumer<ObjectNode> config, List<byte[]> layers) throws Exception {
        ObjectNode cfg = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        ObjectNode exec = cfg.putObject("config");
        exec.putArray("Env").add(PATH_ENV);
        config.accept(exec);
        ArrayNode diffIds = cfg.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        ObjectNode m = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
        ArrayNode ls = m.putArray("layers");
        for (byte[] l : layers) {
            Digest d = push.blob(repo, l, null);
            diffIds.add(d.toString());
            ls.addObject().put("mediaType", MediaTypes.OCI_LAYER_TAR).put("digest", d.toString()).put("size", l.length);
        }
        byte[] cfgBytes = JSON.writeValueAsBytes(cfg);
        m.putObject("config").put("mediaType", MediaTypes.OCI_CONFIG).put("digest", push.blob(repo, cfgBytes, null).toString())
                .put("size", cfgBytes.length);
        byte[] manifest = JSON.writeValueAsBytes(m);
        for (String tag : tags) {
            push.manifest(repo, tag, MediaTypes.OCI_MANIFEST, manifest, null);
        }
        System.out.println(repo + ":" + String.join(",", tags) + " " + Digest.of(manifest));
    }

    private List<byte[]> pauseLayer(Path pauseProgram) throws Exception {
        Path dir = Files.createDirectories(work.resolve("layers/pause"));
        copy(pauseProgram, dir.resolve("pause"), "rwxr-xr-x");
        return List.of(tar(dir));
    }

    /** Compiles the no-new-privileges probe: run setuid root, it prints the effective uid it got. */
    private Path compileNoNewPrivs() throws Exception {
        Path src = work.resolve("nnp.c");
        Files.writeString(src, """
                #include <stdio.h>
                #include <unistd.h>
                int main(void) { printf("Effective uid: %d\\n", (int) geteuid()); return 0; }
                """);
        Path out = work.resolve("nnp");
        Command.ok("cc", "-static", "-O2", "-o", out.toString(), src.toString());
        return out;
    }

    private static void write(Path dir, String name, String content, String mode) {
        try {
            Path f = dir.resolve(name);
            Files.createDirectories(f.getParent());
            Files.writeString(f, content);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode.replace('s', 'x')));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to, String mode) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(mode.replace('s', 'x')));
            if (mode.charAt(2) == 's') {
                Command.ok("chmod", "u+s", to.toString());
            }
        } catch (Exception e) {
            throw new IllegalStateException("copy " + from + " to " + to, e);
        }
    }

    private static byte[] tar(Path dir) throws Exception {
        Path out = dir.resolveSibling(dir.getFileName() + ".tar");
        Command.ok("tar", "--numeric-owner", "--owner=0", "--group=0", "--sort=name", "--mtime=@1600000000",
                "-C", dir.toString(), "-cf", out.toString(), ".");
        return Files.readAllBytes(out);
    }
}
