package dev.keelson.cri.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One OCI runtime as a CRI runtime handler: its name (what {@code runtime_handler} selects; ""
 * is the default handler), the runtime binary, the state root passed as {@code --root}, and the
 * launcher: words put before the binary on every command line (empty for most hosts).
 * runc and crun share the CLI surface used here ({@code run --detach --bundle --pid-file},
 * {@code state}, {@code kill}, {@code delete --force}, {@code exec --process}, {@code update}).
 */
public record RuntimeHandler(String name, Path binary, Path root, List<String> launcher) {
    /** The runtimes there are handlers for, by binary name. */
    public static final List<String> RUNTIMES = List.of("runc", "crun");

    /** The cgroup2 controller list crun 1.8.1 reads to refuse a hybrid host. */
    static final Path HYBRID_CONTROLLERS = Path.of("/sys/fs/cgroup/unified/cgroup.controllers");

    public RuntimeHandler {
        launcher = List.copyOf(launcher);
    }

    public RuntimeHandler(String name, Path binary, Path root) {
        this(name, binary, root, List.of());
    }

    /** runc from PATH ({@code /usr/sbin/runc} on Debian) with its state under {@code stateRoot/runc}. */
    public static RuntimeHandler runc(String name, Path stateRoot) {
        return new RuntimeHandler(name, Path.of("runc"), stateRoot.resolve("runc"));
    }

    /**
     * crun from PATH with its state under {@code stateRoot/crun}. On a hybrid cgroup host whose
     * cgroup2 hierarchy has controllers, which crun 1.8.1 refuses outright ("cgroups in hybrid
     * mode not supported"), crun runs under {@code libexec/keelson-maskexec}: in a mount namespace
     * of its own where that controller list reads empty, so crun manages the v1 hierarchies as runc
     * does there.
     */
    public static RuntimeHandler crun(String name, Path stateRoot, Path libexec) {
        List<String> launcher = crunRefusesThisHost()
                ? List.of(libexec.resolve("keelson-maskexec").toString(), HYBRID_CONTROLLERS.toString())
                : List.of();
        return new RuntimeHandler(name, Path.of("crun"), stateRoot.resolve("crun"), launcher);
    }

    /**
     * True on a hybrid host (v1 hierarchies under a tmpfs {@code /sys/fs/cgroup}, cgroup2 at
     * {@code unified}) whose cgroup2 hierarchy lists a controller: libcrun's cgroup-mode check
     * fails there whatever {@code --cgroup-manager} says.
     */
    public static boolean crunRefusesThisHost() {
        try {
            return Files.exists(HYBRID_CONTROLLERS) && !Files.readString(HYBRID_CONTROLLERS).isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The default runtime of pause containers: crun when it is on PATH (its start is a third of
     * runc's here, and with {@link #canLeaveCgroupsToCaller} the pause process is born in its
     * cgroups), else null (each pod handler's own runtime).
     */
    public static String defaultSandboxRuntime() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" : path).split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "crun"))) {
                return "crun";
            }
        }
        return null;
    }

    /** True for crun, whose {@code --cgroup-manager=disabled} leaves the container's cgroups to the caller (runc has no such mode). */
    public boolean canLeaveCgroupsToCaller() {
        return isCrun();
    }

    /**
     * True for runc, whose {@code exec} takes the container's process (user, groups, capabilities,
     * environment, working directory) as the template of the new one; crun's starts from its own
     * defaults (root), so it is given the container's process as a {@code --process} file.
     */
    public boolean execInheritsProcess() {
        return !isCrun();
    }

    private boolean isCrun() {
        return binary.getFileName().toString().equals("crun");
    }

    /** {@code launcher... binary --root ROOT}: the start of every command line for this runtime. */
    public List<String> command() {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(binary.toString());
        cmd.add("--root");
        cmd.add(root.toString());
        return cmd;
    }
}
