package dev.keelson.cri.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cri.api.v1.SecurityProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI {@code linux.seccomp} object of a container from its CRI {@code seccomp} profile:
 * <pre>
 *  no profile, Unconfined   none (containerd 1.6's default: unconfined)
 *  RuntimeDefault           allow by default; EPERM for the syscalls below, a group of them
 *                           only when the container lacks the capability that guards it
 *  Localhost                the JSON profile at localhost_ref (an absolute path on the node)
 * </pre>
 * Keelson's runtime default is a deny list, narrower than containerd's allow list: it removes
 * the kernel interfaces a container has no business calling (keyrings, kexec, module loading,
 * mount and namespace changes, clock setting, tracing of other processes) unless a capability
 * was granted for them. The deprecated {@code seccomp_profile_path} is not read.
 */
public final class SeccompProfiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int EPERM = 1;
    /** Syscalls refused by the runtime default, by the capability that lets a container call them ("" = none does). */
    private static final Map<String, List<String>> DENIED = denied();

    private SeccompProfiles() {
    }

    private static Map<String, List<String>> denied() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("", List.of("add_key", "keyctl", "request_key", "kexec_file_load", "kexec_load", "create_module",
                "get_kernel_syms", "query_module", "nfsservctl", "uselib", "userfaultfd", "ustat", "sysfs", "_sysctl",
                "vm86", "vm86old", "afs_syscall"));
        m.put("CAP_SYS_ADMIN", List.of("mount", "umount", "umount2", "unshare", "setns", "pivot_root", "bpf", "fanotify_init",
                "quotactl", "lookup_dcookie", "perf_event_open", "swapon", "swapoff", "syslog"));
        m.put("CAP_SYS_MODULE", List.of("init_module", "finit_module", "delete_module"));
        m.put("CAP_SYS_TIME", List.of("settimeofday", "stime", "clock_settime", "clock_adjtime"));
        m.put("CAP_SYS_BOOT", List.of("reboot"));
        m.put("CAP_SYS_PTRACE", List.of("ptrace", "process_vm_readv", "process_vm_writev", "kcmp"));
        m.put("CAP_SYS_PACCT", List.of("acct"));
        m.put("CAP_SYS_RAWIO", List.of("iopl", "ioperm"));
        m.put("CAP_SYS_NICE", List.of("mbind", "set_mempolicy", "move_pages"));
        m.put("CAP_DAC_READ_SEARCH", List.of("open_by_handle_at"));
        return Map.copyOf(m);
    }

    /**
     * The seccomp object for a non-privileged container, or null for none.
     *
     * @param profile the CRI profile, or null when the config has none
     * @param capabilities the container's bounding set ({@code CAP_…} names)
     * @throws IllegalArgumentException a Localhost profile whose path is not absolute, is unreadable or is not a profile
     */
    public static ObjectNode forContainer(SecurityProfile profile, Collection<String> capabilities) {
        if (profile == null) {
            return null;
        }
        return switch (profile.getProfileType()) {
            case RuntimeDefault -> runtimeDefault(capabilities);
            case Localhost -> localhost(profile.getLocalhostRef());
            default -> null;
        };
    }

    /** Keelson's runtime default for a container with {@code capabilities} (see the class comment). */
    static ObjectNode runtimeDefault(Collection<String> capabilities) {
        ObjectNode s = F.objectNode().put("defaultAction", "SCMP_ACT_ALLOW");
        s.putArray("architectures").add("SCMP_ARCH_X86_64").add("SCMP_ARCH_X86").add("SCMP_ARCH_X32");
        ArrayNode names = F.arrayNode();
        DENIED.entrySet().stream().filter(e -> e.getKey().isEmpty() || !capabilities.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey()).forEach(e -> e.getValue().forEach(names::add));
        s.putArray("syscalls").addObject().put("action", "SCMP_ACT_ERRNO").put("errnoRet", EPERM).set("names", names);
        return s;
    }

    /**
     * A profile file in the OCI/Docker JSON form ({@code defaultAction}, {@code architectures} or
     * Docker's {@code archMap}, {@code syscalls} with {@code names} or {@code name}, {@code action},
     * {@code errnoRet}, {@code args}), reduced to the OCI fields. Docker's per-entry
     * {@code includes}/{@code excludes} conditions are not evaluated: such entries apply always.
     */
    static ObjectNode localhost(String ref) {
        Path p = Path.of(ref);
        if (ref.isEmpty() || !p.isAbsolute()) {
            throw new IllegalArgumentException("seccomp Localhost profile \"" + ref + "\" must be an absolute path on the node");
        }
        JsonNode in;
        try {
            in = JSON.readTree(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read seccomp profile " + p + ": " + e.getMessage(), e);
        }
        if (in == null || !in.path("defaultAction").isTextual()) {
            throw new IllegalArgumentException("seccomp profile " + p + " has no defaultAction");
        }
        ObjectNode s = F.objectNode().put("defaultAction", in.get("defaultAction").asText());
        for (String f : List.of("defaultErrnoRet", "architectures", "flags", "listenerPath")) {
            if (in.has(f)) {
                s.set(f, in.get(f));
            }
        }
        if (!in.has("architectures") && in.path("archMap").isArray()) {
            ArrayNode arches = s.putArray("architectures");
            for (JsonNode a : in.get("archMap")) {
                arches.add(a.path("architecture").asText());
                a.path("subArchitectures").forEach(arches::add);
            }
        }
        ArrayNode syscalls = s.putArray("syscalls");
        for (JsonNode e : in.path("syscalls")) {
            ObjectNode o = syscalls.addObject();
            o.set("names", e.has("names") ? e.get("names") : F.arrayNode().add(e.path("name").asText()));
            o.put("action", e.path("action").asText());
            for (String f : List.of("errnoRet", "args")) {
                if (e.has(f)) {
                    o.set(f, e.get(f));
                }
            }
        }
        return s;
    }
}
