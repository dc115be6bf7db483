package dev.keelson.cni.skel;

import dev.keelson.cni.skel.Request.Command;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.NetworkConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CNI environment variables, which verb needs which, and their validation, following
 * libcni's skeleton: missing required variables are listed together in one code 4 error, a
 * present one is validated only when the verb requires it.
 */
final class Environment {
    /** Longest interface name: IFNAMSIZ (16) minus the NUL (linux/if.h). */
    static final int MAX_IFNAME = 15;

    private record Var(String name, Set<Command> requiredFor) {
    }

    // The order is the order libcni lists missing variables in.
    private static final List<Var> VARS = List.of(
            new Var("CNI_COMMAND", EnumSet.allOf(Command.class)),
            new Var("CNI_CONTAINERID", EnumSet.of(Command.ADD, Command.CHECK, Command.DEL)),
            new Var("CNI_NETNS", EnumSet.of(Command.ADD, Command.CHECK)),
            new Var("CNI_IFNAME", EnumSet.of(Command.ADD, Command.CHECK, Command.DEL)),
            new Var("CNI_ARGS", EnumSet.noneOf(Command.class)),
            new Var("CNI_PATH", EnumSet.of(Command.ADD, Command.CHECK, Command.DEL, Command.GC, Command.STATUS)));

    private Environment() {
    }

    /** The verb, or null for an unknown one (reported after the config is read, as libcni does). */
    static Command command(String value) {
        if (value == null) {
            return null;
        }
        for (Command c : Command.values()) {
            if (c.name().equals(value)) {
                return c;
            }
        }
        return null;
    }

    /** Checks presence and validity; throws code 4 (or 3) naming the problem. */
    static void validate(Map<String, String> env) {
        Command cmd = command(env.get("CNI_COMMAND"));
        List<String> missing = new ArrayList<>();
        for (Var v : VARS) {
            String value = env.getOrDefault(v.name(), "");
            boolean required = v.name().equals("CNI_COMMAND") || (cmd != null && v.requiredFor().contains(cmd));
            if (value.isEmpty()) {
                if (required) {
                    missing.add(v.name());
                }
            } else if (required) {
                switch (v.name()) {
                    case "CNI_CONTAINERID" -> validateContainerId(value);
                    case "CNI_IFNAME" -> validateIfName(value);
                    default -> { }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT,
                    "required env variables [" + String.join(",", missing) + "] missing");
        }
    }

    /** Container IDs: alphanumerics, {@code _ . -}, starting with an alphanumeric (SPEC.md). */
    static void validateContainerId(String id) {
        if (id.isEmpty()) {
            throw new CniException(CniException.UNKNOWN_CONTAINER, "missing containerID");
        }
        if (!NetworkConfig.VALID_NAME.matcher(id).matches()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid characters in containerID", id);
        }
    }

    /** Interface names as the kernel accepts them (net/core/dev.c dev_valid_name). */
    static void validateIfName(String name) {
        if (name.isEmpty()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "interface name is empty");
        }
        // The kernel counts bytes, not characters.
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_IFNAME) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "interface name is too long",
                    "interface name should be less than " + (MAX_IFNAME + 1) + " characters");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "interface name is . or ..");
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (cp == '/' || cp == ':' || isGoSpace(cp)) {
                throw new CniException(CniException.INVALID_ENVIRONMENT,
                        "interface name contains / or : or whitespace characters");
            }
            i += Character.charCount(cp);
        }
    }

    /** Go's unicode.IsSpace: ASCII \t\n\v\f\r and space, U+0085, U+00A0, and Unicode White_Space. */
    private static boolean isGoSpace(int cp) {
        return switch (cp) {
            case '\t', '\n', 0x0b, '\f', '\r', ' ', 0x85, 0xa0 -> true;
            default -> cp > 0xff && (Character.isSpaceChar(cp) || Character.isWhitespace(cp));
        };
    }
}
