package dev.keelson.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one place that calls into libc. Every {@link MethodHandle} is looked up here; every call that
 * can fail captures {@code errno} (glibc's thread-local) through {@code Linker.Option.captureCallState}
 * into a segment owned by the calling thread, and a failure becomes an {@link ErrnoException} that
 * names the call and the object.
 *
 * <p>Methods take Java types and an {@link Arena} only where the caller owns buffers; C strings
 * and small out-parameters go to the calling thread's scratch memory (see {@code Frame}), so the
 * hot calls allocate no native memory. Return values are the syscall's own (fd,
 * byte count); {@code -1} never escapes.
 */
@SuppressWarnings("restricted") // this class is where the project's native access is meant to be
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle STATE_ERRNO =
            STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /**
     * Per-thread call frame: errno lands in memory owned by the calling (virtual or platform)
     * thread, never in a shared static that another thread could overwrite between call and read;
     * C strings and small out-parameters go to the same thread's scratch memory, so a syscall
     * allocates no native memory of its own.
     */
    private static final ThreadLocal<Frame> FRAME = ThreadLocal.withInitial(Frame::new);

    private static final MethodHandle UNSHARE = fn("unshare", JAVA_INT, JAVA_INT);
    private static final MethodHandle SETNS = fn("setns", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle MOUNT = fn("mount", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle UMOUNT2 = fn("umount2", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle OPEN = variadic("open", 2, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle CLOSE = fn("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle MKDIR = fn("mkdir", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle FLOCK = fn("flock", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle UNLINK = fn("unlink", JAVA_INT, ADDRESS);
    private static final MethodHandle GETTID = fn("gettid", JAVA_INT);
    private static final MethodHandle GETPID = fn("getpid", JAVA_INT);
    private static final MethodHandle FSTAT = fn("fstat", JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle SOCKET = fn("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle BIND = fn("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKNAME = fn("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SENDTO =
            fn("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SENDMSG = fn("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle RECVFROM =
            fn("recvfrom", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle RECVMSG = fn("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LISTEN = fn("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACCEPT4 = fn("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle READ = fn("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE = fn("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle SETSOCKOPT =
            fn("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT =
            fn("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle IOCTL = variadic("ioctl", 2, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle IF_NAMETOINDEX = fn("if_nametoindex", JAVA_INT, ADDRESS);
    private static final MethodHandle PIDFD_OPEN = fn("pidfd_open", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CREATE1 = fn("epoll_create1", JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CTL = fn("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle EPOLL_WAIT = fn("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle PRCTL =
            variadic("prctl", 1, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle SETHOSTNAME = fn("sethostname", JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle KILL = fn("kill", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle CLOSE_RANGE = fn("close_range", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle EXECVE = fn("execve", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle WAITID = fn("waitid", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle CAPGET = fn("capget", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle CAPSET = fn("capset", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle ERRNO_NAME = plain("strerrorname_np", ADDRESS, JAVA_INT);
    private static final MethodHandle ERRNO_DESC = plain("strerrordesc_np", ADDRESS, JAVA_INT);

    private Libc() {
    }

    // ---------------------------------------------------------------- namespaces and mounts

    /** unshare(2) for the calling thread; {@code object} names what is being created, for messages. */
    public static void unshare(int flags) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) UNSHARE.invokeExact(st, flags);
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0) {
            throw error(st, "unshare", Flags.clone(flags));
        }
    }

    /** setns(2) for the calling thread; {@code object} describes the namespace for messages. */
    public static void setns(int fd, int nstype, String object) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) SETNS.invokeExact(st, fd, nstype);
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0) {
            throw error(st, "setns", object + ", " + Flags.clone(nstype));
        }
    }

    /** mount(2); null strings are passed as NULL. The object in messages is {@code target}. */
    public static void mount(String source, String target, String fstype, long flags, String data) {
        Frame f = frame();
        int r;
        try {
            r = (int) MOUNT.invokeExact(f.state, f.cstr(source), f.cstr(target), f.cstr(fstype), flags, f.cstr(data));
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0) {
            throw error(f.state, "mount", quote(source) + " on " + quote(target));
        }
    }

    /** umount2(2). */
    public static void umount2(String target, int flags) {
        Frame f = frame();
        int r;
        try {
            r = (int) UMOUNT2.invokeExact(f.state, f.cstr(target), flags);
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0) {
            throw error(f.state, "umount2", quote(target));
        }
    }

    /** sethostname(2) in the calling thread's UTS namespace. */
    public static void sethostname(String name) {
        Frame f = frame();
        int r;
        try {
            r = (int) SETHOSTNAME.invokeExact(f.state, f.cstr(name), Frame.utf8Length(name));
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0) {
            throw error(f.state, "sethostname", quote(name));
        }
    }

    // ---------------------------------------------------------------- files

    /** open(2); returns the new descriptor. */
    public static int open(String path, int flags, int mode) {
        Frame f = frame();
        int r;
        try {
            r = (int) OPEN.invokeExact(f.state, f.cstr(path), flags, mode);
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0) {
            throw error(f.state, "open", quote(path));
        }
        return r;
    }

    /** mkdir(2). */
    public static void mkdir(String path, int mode) {
        Frame f = frame();
        int r;
        try {
            r = (int) MKDIR.invokeExact(f.state, f.cstr(path), mode);
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0) {
            throw error(f.state, "mkdir", quote(path));
        }
    }

    /** unlink(2). */
    public static void unlink(String path) {
        Frame f = frame();
        int r;
        try {
            r = (int) UNLINK.invokeExact(f.state, f.cstr(path));
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0) {
            throw error(f.state, "unlink", quote(path));
        }
    }

    /**
     * flock(2): a whole-file advisory lock. Unlike the fcntl(2) record locks behind
     * {@code FileChannel.lock}, these are what Go programs such as the reference CNI plugins take,
     * and the two kinds do not exclude each other on Linux. EINTR is retried; with
     * {@link Flags#LOCK_NB} a held lock returns false instead of blocking.
     */
    public static boolean flock(int fd, int operation) {
        while (true) {
            MemorySegment st = state();
            int r;
            try {
                r = (int) FLOCK.invokeExact(st, fd, operation);
            } catch (Throwable t) {
                throw fatal(t);
            }
            if (r == 0) {
                return true;
            }
            int e = errno(st);
            if (e == Errno.EINTR) {
                continue;
            }
            if (e == Errno.EAGAIN && (operation & Flags.LOCK_NB) != 0) {
                return false;
            }
            throw ErrnoException.of("flock", "fd " + fd, e);
        }
    }

    /** close(2). EINTR is not retried: on Linux the descriptor is released even then. */
    public static void close(int fd) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) CLOSE.invokeExact(st, fd);
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0 && errno(st) != Errno.EINTR) {
            throw ErrnoException.of("close", "fd " + fd, errno(st));
        }
    }

    /** Device and inode of an open descriptor (fstat(2)); two namespace fds are the same namespace iff these match. */
    public static FileId fstat(int fd) {
        Frame f = frame();
        // struct stat on x86_64/aarch64 glibc: st_dev at 0 (u64), st_ino at 8 (u64); 144 bytes in all.
        MemorySegment buf = f.alloc(256);
        int r;
        try {
            r = (int) FSTAT.invokeExact(f.state, fd, buf);
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0) {
            throw error(f.state, "fstat", "fd " + fd);
        }
        return new FileId(buf.get(JAVA_LONG, 0), buf.get(JAVA_LONG, 8));
    }

    /** ioctl(2) with an integer or no argument; returns the ioctl's non-negative result. */
    public static int ioctl(int fd, long request, long arg, String object) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) IOCTL.invokeExact(st, fd, request, arg);
        } catch (Throwable t) {
            throw fatal(t);
        }
        return check(r, st, "ioctl", object);
    }

    /** ioctl(2) with a pointer argument. */
    public static int ioctl(int fd, long request, MemorySegment arg, String object) {
        return ioctl(fd, request, arg.address(), object);
    }

    // ---------------------------------------------------------------- processes

    public static int gettid() {
        try {
            return (int) GETTID.invokeExact(state());
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    public static int getpid() {
        try {
            return (int) GETPID.invokeExact(state());
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    /** pidfd_open(2): a descriptor that refers to process {@code pid} for its whole life. */
    public static int pidfdOpen(int pid, int flags) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) PIDFD_OPEN.invokeExact(st, pid, flags);
        } catch (Throwable t) {
            throw fatal(t);
        }
        return check(r, st, "pidfd_open", "pid " + pid);
    }

    /** epoll_create1(2). */
    public static int epollCreate1(int flags) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) EPOLL_CREATE1.invokeExact(st, flags);
        } catch (Throwable t) {
            throw fatal(t);
        }
        return check(r, st, "epoll_create1", "flags " + flags);
    }

    /**
     * epoll_ctl(2): {@code op} (1 add, 2 delete, 3 modify) of {@code fd} with {@code events}; the
     * event's data is {@code data} (what {@link #epollWait} reports for it).
     */
    public static void epollCtl(int epfd, int op, int fd, int events, long data) {
        MemorySegment st = state();
        MemorySegment ev = frame().alloc(EPOLL_EVENT_BYTES);
        ev.set(ValueLayout.JAVA_INT_UNALIGNED, 0, events);
        ev.set(ValueLayout.JAVA_LONG_UNALIGNED, EPOLL_DATA_OFFSET, data);
        int r;
        try {
            r = (int) EPOLL_CTL.invokeExact(st, epfd, op, fd, ev);
        } catch (Throwable t) {
            throw fatal(t);
        }
        check(r, st, "epoll_ctl", "fd " + fd);
    }

    private static final boolean PACKED_EPOLL_EVENT = System.getProperty("os.arch").equals("amd64")
            || System.getProperty("os.arch").equals("x86_64");
    /** Size of {@code struct epoll_event}: packed (u32 events, u64 data) only on x86-64, 8-aligned elsewhere. */
    public static final int EPOLL_EVENT_BYTES = PACKED_EPOLL_EVENT ? 12 : 16;
    /** Offset of {@code epoll_event.data}. */
    public static final int EPOLL_DATA_OFFSET = PACKED_EPOLL_EVENT ? 4 : 8;

    /**
     * epoll_wait(2) into {@code events} (room for {@code events.byteSize() / 12} packed
     * {@code struct epoll_event}s); returns how many are ready, 0 on timeout. EINTR is retried.
     */
    public static int epollWait(int epfd, MemorySegment events, int timeoutMillis) {
        MemorySegment st = state();
        while (true) {
            int r;
            try {
                r = (int) EPOLL_WAIT.invokeExact(st, epfd, events, (int) (events.byteSize() / EPOLL_EVENT_BYTES), timeoutMillis);
            } catch (Throwable t) {
                throw fatal(t);
            }
            if (r >= 0 || errno(st) != Errno.EINTR) {
                return check(r, st, "epoll_wait", "epoll fd " + epfd);
            }
        }
    }

    /** kill(2). */
    public static void kill(int pid, int signal) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) KILL.invokeExact(st, pid, signal);
        } catch (Throwable t) {
            throw fatal(t);
        }
        check(r, st, "kill", "pid " + pid + ", signal " + signal);
    }

    /** {@code close_range(2)} flag: mark the descriptors close-on-exec instead of closing them. */
    public static final int CLOSE_RANGE_CLOEXEC = 1 << 2;

    /** close_range(2) over {@code first..last} (inclusive) with {@code flags}. */
    public static void closeRange(int first, int last, int flags) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) CLOSE_RANGE.invokeExact(st, first, last, flags);
        } catch (Throwable t) {
            throw fatal(t);
        }
        check(r, st, "close_range", first + ".." + Integer.toUnsignedString(last));
    }

    /**
     * execve(2): replaces this process's image with {@code path} (same pid; every other thread of
     * the process ends; descriptors without close-on-exec stay open). Returns only by throwing, when
     * the kernel refuses (the process then goes on unchanged).
     *
     * @param argv the new program's arguments, argv[0] first
     * @param env the new program's environment, {@code NAME=value} each
     */
    public static void execve(String path, java.util.List<String> argv, java.util.List<String> env) {
        MemorySegment st = state();
        int r;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment file = arena.allocateFrom(path);
            MemorySegment args = stringArray(arena, argv);
            MemorySegment envp = stringArray(arena, env);
            try {
                r = (int) EXECVE.invokeExact(st, file, args, envp);
            } catch (Throwable t) {
                throw fatal(t);
            }
        }
        check(r, st, "execve", quote(path));
    }

    /** A NULL-terminated array of C strings, as execve(2) takes them. */
    private static MemorySegment stringArray(Arena arena, java.util.List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    /** prctl(2) with up to four integer arguments. */
    public static int prctl(int option, long a2, long a3, long a4, long a5) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) PRCTL.invokeExact(st, option, a2, a3, a4, a5);
        } catch (Throwable t) {
            throw fatal(t);
        }
        return check(r, st, "prctl", "option " + option);
    }

    /**
     * waitid(2). {@code info} receives a {@code siginfo_t} (128 bytes); see {@link WaitStatus}.
     * Returns false when {@code WNOHANG} was given and no child has changed state.
     */
    public static boolean waitid(int idtype, int id, MemorySegment info, int options) {
        info.asSlice(0, 128).fill((byte) 0);
        MemorySegment st = state();
        int r;
        try {
            r = (int) WAITID.invokeExact(st, idtype, id, info, options);
        } catch (Throwable t) {
            throw fatal(t);
        }
        check(r, st, "waitid", "id " + id);
        return info.get(JAVA_INT, WaitStatus.SI_PID) != 0;
    }

    /** _LINUX_CAPABILITY_VERSION_3: 64-bit capability sets as two u32 words each. */
    private static final int CAP_V3 = 0x20080522;

    /**
     * The calling thread's effective capability set (capget(2)) as a 64-bit mask; bit n is
     * capability n (CAP_SYS_ADMIN = 21, CAP_NET_ADMIN = 12).
     */
    public static long effectiveCapabilities() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hdr = a.allocate(8, 4);
            MemorySegment data = a.allocate(24, 4);
            capget(hdr, data);
            return capWord(data, 0);
        }
    }

    /**
     * Replaces the calling thread's effective set (capset(2)); permitted and inheritable stay.
     * Capabilities are per thread, so this changes only the caller.
     */
    public static void setEffectiveCapabilities(long effective) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hdr = a.allocate(8, 4);
            MemorySegment data = a.allocate(24, 4);
            capget(hdr, data);
            // struct __user_cap_data_struct[2] { u32 effective, permitted, inheritable; }
            data.set(JAVA_INT, 0, (int) effective);
            data.set(JAVA_INT, 12, (int) (effective >>> 32));
            MemorySegment st = state();
            int r;
            try {
                r = (int) CAPSET.invokeExact(st, hdr, data);
            } catch (Throwable t) {
                throw fatal(t);
            }
            check(r, st, "capset", "effective 0x" + Long.toHexString(effective));
        }
    }

    private static void capget(MemorySegment hdr, MemorySegment data) {
        hdr.set(JAVA_INT, 0, CAP_V3);
        hdr.set(JAVA_INT, 4, 0);
        MemorySegment st = state();
        int r;
        try {
            r = (int) CAPGET.invokeExact(st, hdr, data);
        } catch (Throwable t) {
            throw fatal(t);
        }
        check(r, st, "capget", "self");
    }

    private static long capWord(MemorySegment data, long field) {
        return Integer.toUnsignedLong(data.get(JAVA_INT, field)) | (Integer.toUnsignedLong(data.get(JAVA_INT, field + 12)) << 32);
    }

    // ---------------------------------------------------------------- sockets

    public static int socket(int domain, int type, int protocol) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) SOCKET.invokeExact(st, domain, type, protocol);
        } catch (Throwable t) {
            throw fatal(t);
        }
        return check(r, st, "socket", "domain " + domain + ", protocol " + protocol);
    }

    public static void bind(int fd, MemorySegment addr) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) BIND.invokeExact(st, fd, addr, (int) addr.byteSize());
        } catch (Throwable t) {
            throw fatal(t);
        }
        check(r, st, "bind", "fd " + fd);
    }

    /** getsockname(2) into {@code addr}; returns the address length. */
    public static int getsockname(int fd, MemorySegment addr, Arena arena) {
        MemorySegment len = arena.allocateFrom(JAVA_INT, (int) addr.byteSize());
        MemorySegment st = state();
        int r;
        try {
            r = (int) GETSOCKNAME.invokeExact(st, fd, addr, len);
        } catch (Throwable t) {
            throw fatal(t);
        }
        check(r, st, "getsockname", "fd " + fd);
        return len.get(JAVA_INT, 0);
    }

    /** sendto(2) of {@code len} bytes of {@code buf}; {@code addr} may be {@link MemorySegment#NULL}. */
    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr) {
        MemorySegment st = state();
        long r;
        try {
            r = (long) SENDTO.invokeExact(st, fd, buf, len, flags, addr, (int) addr.byteSize());
        } catch (Throwable t) {
            throw fatal(t);
        }
        return check(r, st, "sendto", "fd " + fd);
    }

    /** sendmsg(2) with a caller-built {@code struct msghdr}. */
    public static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment st = state();
        long r;
        try {
            r = (long) SENDMSG.invokeExact(st, fd, msghdr, flags);
        } catch (Throwable t) {
            throw fatal(t);
        }
        return check(r, st, "sendmsg", "fd " + fd);
    }

    /**
     * recvfrom(2) into {@code buf}; the sender address is not returned. With {@code MSG_TRUNC}
     * the result is the datagram's real length, which may exceed {@code buf}'s size.
     * Returns -1 (and does not throw) for EAGAIN when {@code MSG_DONTWAIT} is given.
     */
    public static long recvfrom(int fd, MemorySegment buf, int flags) {
        MemorySegment st = state();
        long r;
        try {
            r = (long) RECVFROM.invokeExact(st, fd, buf, buf.byteSize(), flags, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0 && errno(st) == Errno.EAGAIN) {
            return -1;
        }
        return check(r, st, "recvfrom", "fd " + fd);
    }

    /**
     * read(2) into {@code buf[off, off+len)} through the calling thread's scratch memory, so callers
     * outside this module need no native memory: at most 16 KiB per call. EINTR is retried; an
     * empty non-blocking descriptor throws {@code EAGAIN} like any failure.
     */
    public static int read(int fd, byte[] buf, int off, int len) {
        MemorySegment at = frame().scratch.asSlice(0, Math.min(len, Frame.SCRATCH));
        int n = (int) read(fd, at);
        MemorySegment.copy(at, ValueLayout.JAVA_BYTE, 0, buf, off, n);
        return n;
    }

    /** recvmsg(2) with a caller-built {@code struct msghdr}. */
    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment st = state();
        long r;
        try {
            r = (long) RECVMSG.invokeExact(st, fd, msghdr, flags);
        } catch (Throwable t) {
            throw fatal(t);
        }
        return check(r, st, "recvmsg", "fd " + fd);
    }

    /** listen(2). */
    public static void listen(int fd, int backlog) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) LISTEN.invokeExact(st, fd, backlog);
        } catch (Throwable t) {
            throw fatal(t);
        }
        check(r, st, "listen", "fd " + fd);
    }

    /**
     * accept4(2) without the peer's address. Returns -1 (and does not throw) for EAGAIN on a
     * non-blocking socket with no connection waiting.
     */
    public static int accept4(int fd, int flags) {
        MemorySegment st = state();
        int r;
        try {
            r = (int) ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, flags);
        } catch (Throwable t) {
            throw fatal(t);
        }
        if (r < 0 && errno(st) == Errno.EAGAIN) {
            return -1;
        }
        return check(r, st, "accept4", "fd " + fd);
    }

    /** read(2) of at most {@code buf.byteSize()} bytes; 0 at end of file. EINTR is retried. */
    public static long read(int fd, MemorySegment buf) {
        MemorySegment st = state();
        while (true) {
            long r;
            try {
                r = (long) READ.invokeExact(st, fd, buf, buf.byteSize());
            } catch (Throwable t) {
                throw fatal(t);
            }
            if (r >= 0 || errno(st) != Errno.EINTR) {
                return check(r, st, "read", "fd " + fd);
            }
        }
    }

    /** write(2) of the first {@code len} bytes of {@code buf}; returns how many were written. EINTR is retried. */
    public static long write(int fd, MemorySegment buf, long len) {
        MemorySegment st = state();
        while (true) {
            long r;
            try {
                r = (long) WRITE.invokeExact(st, fd, buf, len);
            } catch (Throwable t) {
                throw fatal(t);
            }
            if (r >= 0 || errno(st) != Errno.EINTR) {
                return check(r, st, "write", "fd " + fd);
            }
        }
    }

    /** setsockopt(2) with an {@code int} value. */
    public static void setsockopt(int fd, int level, int name, int value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocateFrom(JAVA_INT, value);
            MemorySegment st = state();
            int r;
            try {
                r = (int) SETSOCKOPT.invokeExact(st, fd, level, name, v, 4);
            } catch (Throwable t) {
                throw fatal(t);
            }
            check(r, st, "setsockopt", "level " + level + ", option " + name);
        }
    }

    /** getsockopt(2) of an {@code int} value. */
    public static int getsockopt(int fd, int level, int name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            MemorySegment len = a.allocateFrom(JAVA_INT, 4);
            MemorySegment st = state();
            int r;
            try {
                r = (int) GETSOCKOPT.invokeExact(st, fd, level, name, v, len);
            } catch (Throwable t) {
                throw fatal(t);
            }
            check(r, st, "getsockopt", "level " + level + ", option " + name);
            return v.get(JAVA_INT, 0);
        }
    }

    /** if_nametoindex(3); throws {@link NotFoundException} when there is no such interface. */
    public static int ifNameToIndex(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state();
            int r;
            try {
                r = (int) IF_NAMETOINDEX.invokeExact(st, a.allocateFrom(name));
            } catch (Throwable t) {
                throw fatal(t);
            }
            if (r == 0) {
                throw ErrnoException.of("if_nametoindex", quote(name), errno(st));
            }
            return r;
        }
    }

    // ---------------------------------------------------------------- errno text

    static String errnoName(int errno) {
        return cString(ERRNO_NAME, errno);
    }

    static String errnoDescription(int errno) {
        return cString(ERRNO_DESC, errno);
    }

    private static String cString(MethodHandle h, int errno) {
        if (h == null) {
            return null;
        }
        try {
            MemorySegment p = (MemorySegment) h.invokeExact(errno);
            return p.equals(MemorySegment.NULL) ? null : p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private static MemorySegment state() {
        return FRAME.get().state;
    }

    /** The calling thread's frame, emptied; its scratch is valid until the thread's next Libc call. */
    private static Frame frame() {
        Frame f = FRAME.get();
        f.used = 0;
        return f;
    }

    /**
     * Native memory owned by one thread: the errno capture state and a scratch area that each call
     * reuses from the start. Strings too long for the scratch get memory the GC frees.
     */
    private static final class Frame {
        private static final long SCRATCH = 16 * 1024;
        final MemorySegment state;
        final MemorySegment scratch;
        long used;

        Frame() {
            Arena arena = Arena.ofAuto();
            state = arena.allocate(STATE);
            scratch = arena.allocate(SCRATCH, 8);
        }

        /** A NUL-terminated UTF-8 copy of {@code s}, or NULL for null. */
        MemorySegment cstr(String s) {
            if (s == null) {
                return MemorySegment.NULL;
            }
            long room = SCRATCH - used;
            if (s.length() * 3L + 1 > room) {
                return Arena.ofAuto().allocateFrom(s);
            }
            MemorySegment at = scratch.asSlice(used, room);
            at.setString(0, s);
            used = (used + utf8Length(s) + 1 + 7) & ~7L;
            return at;
        }

        /** {@code size} bytes of zeroed scratch, 8-byte aligned. */
        MemorySegment alloc(long size) {
            if (size > SCRATCH - used) {
                return Arena.ofAuto().allocate(size, 8);
            }
            MemorySegment at = scratch.asSlice(used, size).fill((byte) 0);
            used = (used + size + 7) & ~7L;
            return at;
        }

        private static long utf8Length(String s) {
            long n = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
            }
            return n;
        }
    }

    private static int errno(MemorySegment st) {
        return (int) STATE_ERRNO.get(st, 0L);
    }

    private static ErrnoException error(MemorySegment st, String call, String object) {
        return ErrnoException.of(call, object, errno(st));
    }

    private static int check(int r, MemorySegment st, String call, String object) {
        if (r < 0) {
            throw ErrnoException.of(call, object, errno(st));
        }
        return r;
    }

    private static long check(long r, MemorySegment st, String call, String object) {
        if (r < 0) {
            throw ErrnoException.of(call, object, errno(st));
        }
        return r;
    }

    static String quote(String s) {
        return s == null ? "NULL" : '"' + s + '"';
    }

    private static RuntimeException fatal(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }

    private static MethodHandle fn(String name, MemoryLayout ret, MemoryLayout... args) {
        return LINKER.downcallHandle(symbol(name), FunctionDescriptor.of(ret, args), ERRNO);
    }

    private static MethodHandle variadic(String name, int firstVariadic, MemoryLayout ret, MemoryLayout... args) {
        return LINKER.downcallHandle(symbol(name), FunctionDescriptor.of(ret, args),
                ERRNO, Linker.Option.firstVariadicArg(firstVariadic));
    }

    /** A handle without errno capture, or null when this libc lacks the symbol (non-glibc). */
    private static MethodHandle plain(String name, MemoryLayout ret, MemoryLayout... args) {
        return LIBC.find(name)
                .map(s -> LINKER.downcallHandle(s, FunctionDescriptor.of(ret, args)))
                .orElse(null);
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
    }
}
