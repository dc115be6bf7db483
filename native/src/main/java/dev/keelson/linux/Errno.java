package dev.keelson.linux;

/**
 * errno values the project branches on (asm-generic/errno-base.h, asm-generic/errno.h), and the
 * symbol and text for any value, taken from glibc's {@code strerrorname_np}/{@code strerrordesc_np}
 * (both thread-safe and allocation-free, unlike {@code strerror}).
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENODATA = 61;
    public static final int ENOBUFS = 105;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETUNREACH = 101;

    private Errno() {
    }

    /** The symbol, e.g. {@code "EPERM"}, or {@code "errno 512"} for a value glibc does not know. */
    public static String name(int errno) {
        String s = Libc.errnoName(errno);
        return s != null ? s : "errno " + errno;
    }

    /** The text, e.g. {@code "Operation not permitted"}. */
    public static String description(int errno) {
        String s = Libc.errnoDescription(errno);
        return s != null ? s : "Unknown error " + errno;
    }
}
