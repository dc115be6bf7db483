package dev.keelson.linux;

import java.util.StringJoiner;

/** Flag and option values from the uapi headers, named as there, for calls made through {@link Libc}. */
public final class Flags {
    // linux/sched.h
    public static final int CLONE_NEWNS = 0x00020000;
    public static final int CLONE_NEWUTS = 0x04000000;
    public static final int CLONE_NEWIPC = 0x08000000;
    public static final int CLONE_NEWPID = 0x20000000;
    public static final int CLONE_NEWNET = 0x40000000;

    // linux/mount.h
    public static final long MS_RDONLY = 1;
    public static final long MS_REMOUNT = 32;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;
    public static final int MNT_DETACH = 2;

    // asm-generic/fcntl.h
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_NOCTTY = 0400;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_CLOEXEC = 02000000;

    // sys/file.h: flock(2) operations
    public static final int LOCK_SH = 1;
    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    public static final int LOCK_UN = 8;

    // linux/nsfs.h: NS_GET_NSTYPE = _IO(0xb7, 0x3)
    public static final long NS_GET_NSTYPE = 0xb703;

    // sys/socket.h
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 02000000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int MSG_PEEK = 2;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;

    // sys/wait.h
    public static final int P_PID = 1;
    public static final int P_PIDFD = 3;
    public static final int WNOHANG = 1;
    public static final int WEXITED = 4;

    // linux/prctl.h
    public static final int PR_SET_PDEATHSIG = 1;
    public static final int PR_SET_NAME = 15;

    private Flags() {
    }

    /** CLONE_NEW* flags as text for messages, e.g. {@code "CLONE_NEWNET|CLONE_NEWNS"}. */
    static String clone(int flags) {
        StringJoiner j = new StringJoiner("|");
        int rest = flags;
        rest = add(j, rest, CLONE_NEWNET, "CLONE_NEWNET");
        rest = add(j, rest, CLONE_NEWNS, "CLONE_NEWNS");
        rest = add(j, rest, CLONE_NEWUTS, "CLONE_NEWUTS");
        rest = add(j, rest, CLONE_NEWIPC, "CLONE_NEWIPC");
        rest = add(j, rest, CLONE_NEWPID, "CLONE_NEWPID");
        if (rest != 0 || flags == 0) {
            j.add("0x" + Integer.toHexString(rest));
        }
        return j.toString();
    }

    private static int add(StringJoiner j, int flags, int bit, String name) {
        if ((flags & bit) != 0) {
            j.add(name);
            return flags & ~bit;
        }
        return flags;
    }
}
