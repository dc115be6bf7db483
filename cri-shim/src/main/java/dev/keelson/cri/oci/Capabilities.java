package dev.keelson.cri.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Capability sets for a container: CRI add/drop lists applied to the defaults, and "all" for privileged. */
public final class Capabilities {
    /** Capability names by number (linux/capability.h, 0..40). */
    private static final List<String> BY_NUMBER = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
            "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN",
            "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
            "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    private Capabilities() {
    }

    /**
     * Every capability in this process's bounding set ({@code CapBnd} of /proc/self/status): a
     * container cannot get more, and asking runc for one outside it fails the create.
     */
    public static List<String> all() {
        long mask = boundingMask();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < BY_NUMBER.size(); i++) {
            if ((mask & (1L << i)) != 0) {
                out.add(BY_NUMBER.get(i));
            }
        }
        return out;
    }

    /** The defaults with CRI's {@code drop} then {@code add} applied; "ALL" in either means every capability. */
    public static List<String> apply(List<String> defaults, List<String> add, List<String> drop) {
        Set<String> out = new LinkedHashSet<>(defaults);
        for (String d : drop) {
            if (d.equalsIgnoreCase("ALL")) {
                out.clear();
            } else {
                out.remove(normalize(d));
            }
        }
        for (String a : add) {
            if (a.equalsIgnoreCase("ALL")) {
                out.addAll(all());
            } else {
                String n = normalize(a);
                if (!BY_NUMBER.contains(n)) {
                    throw new IllegalArgumentException("unknown capability \"" + a + "\"");
                }
                out.add(n);
            }
        }
        out.retainAll(all());
        return List.copyOf(out);
    }

    static String normalize(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.startsWith("CAP_") ? n : "CAP_" + n;
    }

    private static long boundingMask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    return Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1L;
        }
        return -1L;
    }
}
