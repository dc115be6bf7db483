package dev.keelson.cri.oci;

import java.nio.file.Path;

/**
 * One OCI runtime as a CRI runtime handler: its name (what {@code runtime_handler} selects; ""
 * is the default handler), the runtime binary, and the state root passed as {@code --root}.
 * runc and crun share the CLI surface used here ({@code create --bundle --pid-file}, {@code start},
 * {@code state}, {@code kill}, {@code delete --force}, {@code exec --process}).
 */
public record RuntimeHandler(String name, Path binary, Path root) {
    /** runc from PATH ({@code /usr/sbin/runc} on Debian) with its state under {@code stateRoot/runc}. */
    public static RuntimeHandler runc(String name, Path stateRoot) {
        return new RuntimeHandler(name, Path.of("runc"), stateRoot.resolve("runc"));
    }

    /** crun from PATH with its state under {@code stateRoot/crun}. */
    public static RuntimeHandler crun(String name, Path stateRoot) {
        return new RuntimeHandler(name, Path.of("crun"), stateRoot.resolve("crun"));
    }
}
