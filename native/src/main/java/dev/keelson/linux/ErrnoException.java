package dev.keelson.linux;

/**
 * A system call or kernel request failed with an {@code errno}.
 *
 * <p>The message names the call, the object it was about, the errno symbol and its text, and the
 * kernel's extended-ack message when there is one:
 * <pre>{@code setns(fd 7 "/run/netns/x", CLONE_NEWNET) failed: EPERM (Operation not permitted)}</pre>
 *
 * <p>The few conditions callers branch on have subtypes ({@link NotFoundException},
 * {@link AlreadyExistsException}, {@link PermissionException}, {@link NotSupportedException});
 * {@link #of} picks the right one, so every layer that reports an errno gets the same types.
 */
public class ErrnoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final String object;
    private final int errno;
    private final String detail;

    protected ErrnoException(String call, String object, int errno, String detail, String hint) {
        super(format(call, object, errno, detail, hint));
        this.call = call;
        this.object = object;
        this.errno = errno;
        this.detail = detail;
    }

    /** The typed exception for {@code errno}: not-found, already-exists, permission, not-supported or plain. */
    public static ErrnoException of(String call, String object, int errno) {
        return of(call, object, errno, null);
    }

    /** As {@link #of(String, String, int)} with the kernel's extended-ack text ({@code detail}, may be null). */
    public static ErrnoException of(String call, String object, int errno, String detail) {
        return of(call, object, errno, detail, null);
    }

    /**
     * As {@link #of(String, String, int, String)} with a {@code hint} appended to the message, for a
     * caller that knows what the user should do (e.g. which capability an operation needs).
     */
    public static ErrnoException of(String call, String object, int errno, String detail, String hint) {
        return switch (errno) {
            case Errno.ENOENT, Errno.ENODEV, Errno.ESRCH, Errno.ENXIO -> new NotFoundException(call, object, errno, detail, hint);
            case Errno.EEXIST -> new AlreadyExistsException(call, object, errno, detail, hint);
            case Errno.EPERM, Errno.EACCES -> new PermissionException(call, object, errno, detail,
                    hint != null ? hint : PermissionException.hint(call));
            case Errno.EOPNOTSUPP, Errno.EAFNOSUPPORT, Errno.EPROTONOSUPPORT, Errno.ENOSYS ->
                    new NotSupportedException(call, object, errno, detail, hint);
            default -> new ErrnoException(call, object, errno, detail, hint);
        };
    }

    /** The same error with {@code hint} added to its message (the type is kept). */
    public ErrnoException withHint(String hint) {
        ErrnoException e = of(call, object, errno, detail, hint);
        e.initCause(this);
        return e;
    }

    /** The failed call, e.g. {@code "setns"} or {@code "RTM_NEWLINK"}. */
    public String call() {
        return call;
    }

    /** What the call was about (a path, a link name), or null. */
    public String object() {
        return object;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** The errno symbol, e.g. {@code "ENOENT"}. */
    public String symbol() {
        return Errno.name(errno);
    }

    /** The kernel's extended-ack message, or null. */
    public String detail() {
        return detail;
    }

    private static String format(String call, String object, int errno, String detail, String hint) {
        StringBuilder sb = new StringBuilder(call);
        sb.append('(');
        if (object != null) {
            sb.append(object);
        }
        sb.append(") failed: ").append(Errno.name(errno)).append(" (").append(Errno.description(errno)).append(')');
        if (detail != null && !detail.isEmpty()) {
            sb.append(": ").append(detail);
        }
        if (hint != null) {
            sb.append("; ").append(hint);
        }
        return sb.toString();
    }
}
