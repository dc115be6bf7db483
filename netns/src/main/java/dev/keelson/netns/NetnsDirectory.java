package dev.keelson.netns;

import dev.keelson.linux.AlreadyExistsException;
import dev.keelson.linux.Errno;
import dev.keelson.linux.ErrnoException;
import dev.keelson.linux.Fd;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import dev.keelson.linux.PermissionException;
import dev.keelson.linux.netlink.Netlink;
import dev.keelson.linux.netlink.NetlinkSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A directory of namespace pins, {@code /run/netns} by default — the one {@code ip netns} uses — or
 * any other root (tests, a private pool).
 *
 * <p>Creating a namespace follows iproute2 step by step, so {@code ip netns list} and
 * {@code ip netns exec} see and use what Keelson makes, and vice versa:
 * <ol>
 *   <li>make the root directory, and make it a shared mount point (bind-mounting it on itself first
 *       if it is not one), so pins made later propagate into mount namespaces that already exist,
 *       such as a container's;</li>
 *   <li>create the empty pin file {@code ROOT/NAME} with {@code O_EXCL};</li>
 *   <li>on a namespace thread: {@code unshare(CLONE_NEWNET)}, then bind-mount
 *       {@code /proc/thread-self/ns/net} onto the pin (not {@code /proc/self}, which names the
 *       main thread's namespace), then switch the thread back.</li>
 * </ol>
 * A failure at any step undoes the earlier ones.
 */
public final class NetnsDirectory {
    /** Where iproute2 (NETNS_RUN_DIR) and so Keelson keep pins by default. */
    public static final Path DEFAULT_ROOT = Path.of("/run/netns");
    private static final NetnsDirectory SYSTEM = new NetnsDirectory(DEFAULT_ROOT);
    /** One object per root, so the one-time preparation of a root happens once per process. */
    private static final ConcurrentHashMap<Path, NetnsDirectory> ROOTS = new ConcurrentHashMap<>();
    private static final String CREATE_HINT = "creating a network namespace needs CAP_SYS_ADMIN (run as root)";

    private final Path root;
    private volatile boolean prepared;

    private NetnsDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The {@code /run/netns} directory. */
    public static NetnsDirectory system() {
        return SYSTEM;
    }

    /** The directory of pins at {@code root} (created on first use); the same object for the same path. */
    public static NetnsDirectory of(Path root) {
        Path r = root.toAbsolutePath().normalize();
        return r.equals(DEFAULT_ROOT) ? SYSTEM : ROOTS.computeIfAbsent(r, NetnsDirectory::new);
    }

    public Path root() {
        return root;
    }

    /** The pin path for {@code name}; rejects names that are not a single file name. */
    public Path pathOf(String name) {
        return root.resolve(InvalidNameException.check(name));
    }

    /** Creates and pins a namespace with lo down, as {@code ip netns add} does. */
    public NetNamespace create(String name) {
        return create(name, false);
    }

    /**
     * Creates and pins namespace {@code name}; with {@code loopbackUp}, also sets lo up before
     * returning. Throws {@link AlreadyExistsException} if the pin exists,
     * {@link PermissionException} (naming CAP_SYS_ADMIN) without privilege.
     */
    public NetNamespace create(String name, boolean loopbackUp) {
        Path pin = pathOf(name);
        prepare();
        String p = pin.toString();
        try {
            Libc.close(Libc.open(p, Flags.O_RDONLY | Flags.O_CREAT | Flags.O_EXCL | Flags.O_CLOEXEC, 0));
        } catch (ErrnoException e) {
            throw e.errno() == Errno.EEXIST ? e.withHint("network namespace \"" + name + "\" already exists")
                    : e.errno() == Errno.EACCES || e.errno() == Errno.EPERM ? e.withHint(CREATE_HINT) : e;
        }
        try {
            Fd fd = NamespaceThreads.INSTANCE.call(-1, "new namespace " + pin, () -> pinNew(p, loopbackUp));
            return NetNamespace.adopt(fd, pin);
        } catch (RuntimeException e) {
            try {
                unpin(pin);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Runs on a namespace thread: moves it into a new namespace, pins that, returns a descriptor of it. */
    private static Fd pinNew(String pin, boolean loopbackUp) {
        try {
            Libc.unshare(Flags.CLONE_NEWNET);
        } catch (PermissionException e) {
            throw e.withHint(CREATE_HINT);
        }
        Libc.mount("/proc/thread-self/ns/net", pin, "none", Flags.MS_BIND, null);
        Fd fd = Fd.adopt(Libc.open("/proc/thread-self/ns/net", Flags.O_RDONLY | Flags.O_CLOEXEC, 0));
        if (loopbackUp) {
            try {
                Loopback.up();
            } catch (RuntimeException e) {
                fd.close();
                throw e;
            }
        }
        return fd;
    }

    /** Opens the pinned namespace {@code name}. */
    public NetNamespace open(String name) {
        return NetNamespace.open(pathOf(name));
    }

    /** Whether a pin named {@code name} exists. */
    public boolean exists(String name) {
        return Files.exists(pathOf(name));
    }

    /**
     * Unpins namespace {@code name}: lazily unmounts the pin and removes the file, as
     * {@code ip netns del} does. Idempotent; returns false when there was nothing to delete.
     */
    public boolean delete(String name) {
        return unpin(pathOf(name));
    }

    /** The names of the pins here, sorted; empty when the directory does not exist. */
    public List<String> list() {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        } catch (NoSuchFileException e) {
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list network namespaces in " + root, e);
        }
        names.sort(null);
        return names;
    }

    /**
     * Deletes every pin here, unmounts the directory (the bind mount onto itself that creating
     * made, or whatever the caller mounted there) and removes the directory. Meant for private pin roots of tests, benchmarks and pools;
     * {@code /run/netns} is shared with iproute2 and other tools, so it is refused.
     */
    public void destroy() {
        if (root.equals(DEFAULT_ROOT)) {
            throw new IllegalStateException("refusing to destroy " + root + ", which other tools share; delete its namespaces instead");
        }
        for (String name : list()) {
            delete(name);
        }
        synchronized (this) {
            // Unmount until the path is no longer a mount point: another tool (or an earlier run)
            // may have stacked its own bind of the root on top of ours.
            for (int i = 0; i < 16; i++) {
                try {
                    Libc.umount2(root.toString(), Flags.MNT_DETACH);
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) {
                        throw e;
                    }
                    break;
                }
            }
            prepared = false;
        }
        try {
            Files.deleteIfExists(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }

    /**
     * The pins here with the nsid the calling thread's namespace has given each (empty when none
     * was assigned), sorted by name — what {@code ip netns list} prints. Pins that cannot be
     * opened are listed without an id.
     */
    public LinkedHashMap<String, OptionalInt> listWithIds() {
        LinkedHashMap<String, OptionalInt> out = new LinkedHashMap<>();
        List<String> names = list();
        if (names.isEmpty()) {
            return out;
        }
        try (NetlinkSocket rtnl = NetlinkSocket.open(Netlink.NETLINK_ROUTE)) {
            for (String name : names) {
                OptionalInt id = OptionalInt.empty();
                try (NetNamespace ns = NetNamespace.open(root.resolve(name))) {
                    id = NsIds.of(rtnl, ns.fd());
                } catch (RuntimeException unreadable) {
                    // a half-made or foreign pin: list it, as ip does, without an id
                }
                out.put(name, id);
            }
        }
        return out;
    }

    static boolean unpin(Path pin) {
        String p = pin.toString();
        try {
            Libc.umount2(p, Flags.MNT_DETACH);
        } catch (ErrnoException e) {
            // EINVAL: not a mount point (already unmounted, or a half-made pin); ENOENT: gone.
            if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
        try {
            Libc.unlink(p);
            return true;
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    /** Step 1 above, done once per directory object. */
    private void prepare() {
        if (prepared) {
            return;
        }
        synchronized (this) {
            if (prepared) {
                return;
            }
            mkdirs(root);
            String r = root.toString();
            try {
                Libc.mount("", r, "none", Flags.MS_SHARED | Flags.MS_REC, null);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EINVAL) {
                    throw e.errno() == Errno.EPERM ? e.withHint(CREATE_HINT) : e;
                }
                // Not a mount point yet: make it one, then share it.
                Libc.mount(r, r, "none", Flags.MS_BIND | Flags.MS_REC, null);
                Libc.mount("", r, "none", Flags.MS_SHARED | Flags.MS_REC, null);
            }
            prepared = true;
        }
    }

    private static void mkdirs(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            mkdirs(parent);
        }
        try {
            Libc.mkdir(dir.toString(), 0755);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EEXIST && Files.isDirectory(dir)) {
                return;
            }
            throw e.errno() == Errno.EACCES || e.errno() == Errno.EPERM ? e.withHint(CREATE_HINT) : e;
        }
    }

    @Override
    public String toString() {
        return "NetnsDirectory[" + root + "]";
    }
}
