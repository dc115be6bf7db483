package dev.keelson.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * File-system calls the JDK lacks, needed to reproduce an image layer byte for byte: device nodes
 * and fifos ({@code mknod(2)}), extended attributes on the link itself ({@code lsetxattr(2)},
 * {@code lgetxattr(2)}), owners of symlinks ({@code lchown(2)}) and timestamps of symlinks
 * ({@code utimensat(2)} with {@code AT_SYMLINK_NOFOLLOW}).
 *
 * <p>Like {@link Libc}, each call captures {@code errno} into memory owned by the call and a failure
 * becomes the typed {@link ErrnoException#of} naming the call and the path. Calls are rare (one per
 * unpacked entry at most), so each uses a confined arena instead of per-thread scratch.
 */
@SuppressWarnings("restricted") // native access is meant to live in this module
public final class FileCalls {
    /** {@code S_IFMT} and file-type bits from {@code <sys/stat.h>}. */
    public static final int S_IFIFO = 0010000;
    /** Character device. */
    public static final int S_IFCHR = 0020000;
    /** Block device. */
    public static final int S_IFBLK = 0060000;

    /** {@code AT_FDCWD} from {@code <fcntl.h>}: relative paths resolve against the cwd. */
    private static final int AT_FDCWD = -100;
    /** {@code AT_SYMLINK_NOFOLLOW} from {@code <fcntl.h>}. */
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle STATE_ERRNO =
            STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle MKNOD = fn("mknod", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG);
    private static final MethodHandle LSETXATTR =
            fn("lsetxattr", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle LGETXATTR = fn("lgetxattr", JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
    private static final MethodHandle CHMOD = fn("chmod", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LCHOWN = fn("lchown", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle UTIMENSAT = fn("utimensat", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);

    private FileCalls() {
    }

    /**
     * mknod(2): a fifo ({@link #S_IFIFO}), character ({@link #S_IFCHR}) or block ({@link #S_IFBLK})
     * device at {@code path}; {@code mode} holds type and permission bits; {@code major}/{@code minor}
     * are encoded as glibc's {@code makedev} does.
     */
    public static void mknod(String path, int mode, int major, int minor) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            int r = (int) MKNOD.invokeExact(st, a.allocateFrom(path), mode, makedev(major, minor));
            check(r, st, "mknod", Libc.quote(path));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** lsetxattr(2): sets {@code name} on {@code path} itself (a symlink is not followed). */
    public static void lsetxattr(String path, String name, byte[] value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            MemorySegment v = value.length == 0 ? a.allocate(1) : a.allocateFrom(JAVA_BYTE, value);
            int r = (int) LSETXATTR.invokeExact(st, a.allocateFrom(path), a.allocateFrom(name), v, (long) value.length, 0);
            check(r, st, "lsetxattr", Libc.quote(path) + ", " + name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * lgetxattr(2): the value of {@code name} on {@code path} itself, or null when it has none
     * ({@code ENODATA}). Values up to 64 KiB (the kernel's {@code XATTR_SIZE_MAX}).
     */
    public static byte[] lgetxattr(String path, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            MemorySegment buf = a.allocate(65536);
            long r = (long) LGETXATTR.invokeExact(st, a.allocateFrom(path), a.allocateFrom(name), buf, buf.byteSize());
            if (r < 0) {
                int errno = (int) STATE_ERRNO.get(st, 0L);
                if (errno == Errno.ENODATA) {
                    return null;
                }
                throw ErrnoException.of("lgetxattr", Libc.quote(path) + ", " + name, errno);
            }
            return buf.asSlice(0, r).toArray(JAVA_BYTE);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * chmod(2): all twelve mode bits, setuid/setgid/sticky included. Unlike the JDK's
     * {@code unix:mode} attribute it never opens the file, so it does not block on a fifo.
     */
    public static void chmod(String path, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            int r = (int) CHMOD.invokeExact(st, a.allocateFrom(path), mode);
            check(r, st, "chmod", Libc.quote(path));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** lchown(2): owner and group of {@code path} itself (a symlink is not followed). */
    public static void lchown(String path, int uid, int gid) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            int r = (int) LCHOWN.invokeExact(st, a.allocateFrom(path), uid, gid);
            check(r, st, "lchown", Libc.quote(path));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * utimensat(2) with {@code AT_SYMLINK_NOFOLLOW}: access and modification times of {@code path}
     * itself, in nanoseconds since the epoch.
     */
    public static void lutimes(String path, long atimeNanos, long mtimeNanos) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(STATE);
            // struct timespec times[2] = {{tv_sec, tv_nsec}, {tv_sec, tv_nsec}} (64-bit fields on x86-64)
            MemorySegment ts = a.allocate(32, 8);
            ts.set(JAVA_LONG, 0, Math.floorDiv(atimeNanos, 1_000_000_000L));
            ts.set(JAVA_LONG, 8, Math.floorMod(atimeNanos, 1_000_000_000L));
            ts.set(JAVA_LONG, 16, Math.floorDiv(mtimeNanos, 1_000_000_000L));
            ts.set(JAVA_LONG, 24, Math.floorMod(mtimeNanos, 1_000_000_000L));
            int r = (int) UTIMENSAT.invokeExact(st, AT_FDCWD, a.allocateFrom(path), ts, AT_SYMLINK_NOFOLLOW);
            check(r, st, "utimensat", Libc.quote(path));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** glibc's {@code gnu_dev_makedev}: the 64-bit dev_t layout of {@code <sys/sysmacros.h>}. */
    static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0x00000fffL) << 8) | ((ma & 0xfffff000L) << 32)
                | (mi & 0x000000ffL) | ((mi & 0xffffff00L) << 12);
    }

    private static void check(int r, MemorySegment st, String call, String object) {
        if (r < 0) {
            throw ErrnoException.of(call, object, (int) STATE_ERRNO.get(st, 0L));
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }

    private static MethodHandle fn(String name, MemoryLayout ret, MemoryLayout... args) {
        MemorySegment sym = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(sym, FunctionDescriptor.of(ret, args), ERRNO);
    }
}
