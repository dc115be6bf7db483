package dev.keelson.linux;

/**
 * The caller lacks a privilege (EPERM, EACCES). The message says which capability the operation
 * usually needs, because "Operation not permitted" alone does not tell an operator what to fix.
 */
public final class PermissionException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    PermissionException(String call, String object, int errno, String detail, String hint) {
        super(call, object, errno, detail, hint);
    }

    /** The capability that {@code call} needs, for the message. */
    static String hint(String call) {
        String cap = switch (call) {
            case "unshare", "setns", "mount", "umount2", "sethostname" -> "CAP_SYS_ADMIN";
            case "kill", "pidfd_open" -> "CAP_KILL";
            default -> call.startsWith("RTM_") || call.startsWith("NFT_") || call.startsWith("IPCTNL_")
                    ? "CAP_NET_ADMIN" : null;
        };
        return cap == null ? null : "this needs " + cap + " (run as root)";
    }
}
