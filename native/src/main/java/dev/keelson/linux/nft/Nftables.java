package dev.keelson.linux.nft;

import dev.keelson.linux.FileId;
import dev.keelson.linux.Flags;
import dev.keelson.linux.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A libnftables context: runs nft command text (what {@code nft -f} accepts) in the network
 * namespace it was opened in, and returns nft's output.
 *
 * <p><b>Namespace.</b> libnftables 1.0.6 opens its {@code NETLINK_NETFILTER} socket inside
 * {@code nft_ctx_new} (src/libnftables.c, {@code nft_ctx_netlink_init}), and a netlink socket
 * belongs to the namespace it was created in. So a context opened on a thread inside namespace
 * N changes N's rules from any thread afterwards, and {@link #netns()} says which N that is. The
 * open socket also keeps N alive; close contexts you no longer need.
 *
 * <p><b>Atomicity.</b> One {@link #run} is one nf_tables transaction: either every command of
 * the text is applied or, on any error, none is.
 *
 * <p><b>Threads.</b> libnftables is not thread-safe and 1.0.6 keeps some state process-wide (the
 * interface-name cache behind {@code iif}/{@code oif}), so every call into the library, for any
 * context, is serialised by one lock. A call costs tens of microseconds, so this is no bottleneck
 * for CNI work.
 */
public final class Nftables implements AutoCloseable {
    /** Serialises all calls into libnftables (see the class comment). */
    private static final ReentrantLock LIBRARY = new ReentrantLock();

    private final LibNftables lib;
    private final FileId netns;
    private MemorySegment ctx;

    private Nftables(LibNftables lib, MemorySegment ctx, FileId netns) {
        this.lib = lib;
        this.ctx = ctx;
        this.netns = netns;
    }

    /**
     * Opens a context in the calling thread's current network namespace.
     *
     * @throws NftablesUnavailableException when libnftables is missing or the kernel has no
     *     nf_tables (a probe {@code list tables} is refused)
     */
    public static Nftables open() {
        LibNftables lib = LibNftables.get();
        FileId ns = currentNetns();
        MemorySegment ctx;
        LIBRARY.lock();
        try {
            ctx = (MemorySegment) lib.ctxNew.invokeExact(LibNftables.NFT_CTX_DEFAULT);
            if (ctx.equals(MemorySegment.NULL)) {
                throw new NftablesUnavailableException("nft_ctx_new returned NULL");
            }
            // Both buffers: output becomes run()'s return value, errors the exception's text,
            // instead of the library writing to the JVM's stdout and stderr.
            int a = (int) lib.bufferOutput.invokeExact(ctx);
            int b = (int) lib.bufferError.invokeExact(ctx);
            if (a != 0 || b != 0) {
                lib.ctxFree.invokeExact(ctx);
                throw new NftablesUnavailableException("libnftables cannot buffer its output");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("libnftables call failed", t);
        } finally {
            LIBRARY.unlock();
        }
        return new Nftables(lib, ctx, ns);
    }

    /** Whether libnftables can be loaded on this machine (kernel support is checked by {@link #open()} users). */
    public static boolean libraryPresent() {
        return LibNftables.loaded();
    }

    /** The identity (nsfs device and inode) of the calling thread's network namespace. */
    public static FileId currentNetns() {
        int fd = Libc.open("/proc/thread-self/ns/net", Flags.O_RDONLY | Flags.O_CLOEXEC, 0);
        try {
            return Libc.fstat(fd);
        } finally {
            Libc.close(fd);
        }
    }

    /** The namespace this context's socket belongs to. */
    public FileId netns() {
        return netns;
    }

    /**
     * Runs {@code commands} (nft syntax, one command per line or separated by {@code ;}) as one
     * transaction and returns what nft prints (empty for most changes).
     *
     * @throws NftablesException naming the command and carrying nft's message; nothing changed
     */
    public String run(String commands) {
        return call(commands, 0);
    }

    /**
     * As {@link #run} with JSON output ({@code nft -j}): for {@code list} commands, the
     * libnftables JSON schema ({@code {"nftables": [...]}}). In 1.0.6 the input may then also be
     * JSON.
     */
    public String runJson(String commands) {
        return call(commands, LibNftables.OUTPUT_JSON);
    }

    /** As {@link #run} with rule handles printed ({@code nft -a}). */
    public String runWithHandles(String commands) {
        return call(commands, LibNftables.OUTPUT_HANDLE);
    }

    private String call(String commands, int flags) {
        LIBRARY.lock();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = live();
            MemorySegment text = arena.allocateFrom(commands);
            lib.outputSetFlags.invokeExact(c, flags);
            int rc = (int) lib.runCmdFromBuffer.invokeExact(c, text);
            // Reading a buffer also rewinds it, so both are read after every call: stale text
            // never leaks into the next call's output.
            String out = LibNftables.string((MemorySegment) lib.getOutputBuffer.invokeExact(c));
            String err = LibNftables.string((MemorySegment) lib.getErrorBuffer.invokeExact(c));
            if (rc != 0) {
                throw new NftablesException(commands, err.isBlank() ? "error " + rc + " (no message)" : err);
            }
            return out;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("libnftables call failed", t);
        } finally {
            LIBRARY.unlock();
        }
    }

    private MemorySegment live() {
        if (ctx == null) {
            throw new IllegalStateException("nftables context is closed");
        }
        return ctx;
    }

    /** Frees the context and closes its socket; idempotent. */
    @Override
    public void close() {
        LIBRARY.lock();
        try {
            if (ctx != null) {
                lib.ctxFree.invokeExact(ctx);
                ctx = null;
            }
        } catch (Throwable t) {
            throw new IllegalStateException("nft_ctx_free failed", t);
        } finally {
            LIBRARY.unlock();
        }
    }
}
