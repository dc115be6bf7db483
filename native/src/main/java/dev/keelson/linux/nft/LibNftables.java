package dev.keelson.linux.nft;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The method handles of libnftables (nftables' {@code include/nftables/libnftables.h}, ABI
 * {@code LIBNFTABLES_1}). Loaded on first use of {@link #get()}: a JVM that never touches nftables
 * never maps the library, and one on a machine without it gets an
 * {@link NftablesUnavailableException} that says which file was looked for.
 */
@SuppressWarnings("restricted") // native/ is where the project's native access is meant to be
final class LibNftables {
    /** Debian's {@code libnftables1} ships this soname (v1.0.6 on this platform). */
    static final String SONAME = "libnftables.so.1";

    /** {@code NFT_CTX_DEFAULT}: a context that opens its netlink socket in nft_ctx_new. */
    static final int NFT_CTX_DEFAULT = 0;
    /** {@code NFT_CTX_OUTPUT_HANDLE}: print rule handles. */
    static final int OUTPUT_HANDLE = 1 << 3;
    /** {@code NFT_CTX_OUTPUT_JSON}: JSON output, and (in 1.0.6) JSON input too. */
    static final int OUTPUT_JSON = 1 << 4;

    final MethodHandle ctxNew;
    final MethodHandle ctxFree;
    final MethodHandle bufferOutput;
    final MethodHandle bufferError;
    final MethodHandle getOutputBuffer;
    final MethodHandle getErrorBuffer;
    final MethodHandle outputGetFlags;
    final MethodHandle outputSetFlags;
    final MethodHandle runCmdFromBuffer;

    private LibNftables(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        ctxNew = handle(linker, lib, "nft_ctx_new", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        ctxFree = handle(linker, lib, "nft_ctx_free", FunctionDescriptor.ofVoid(ADDRESS));
        bufferOutput = handle(linker, lib, "nft_ctx_buffer_output", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        bufferError = handle(linker, lib, "nft_ctx_buffer_error", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getOutputBuffer = handle(linker, lib, "nft_ctx_get_output_buffer", FunctionDescriptor.of(ADDRESS, ADDRESS));
        getErrorBuffer = handle(linker, lib, "nft_ctx_get_error_buffer", FunctionDescriptor.of(ADDRESS, ADDRESS));
        outputGetFlags = handle(linker, lib, "nft_ctx_output_get_flags", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        outputSetFlags = handle(linker, lib, "nft_ctx_output_set_flags",
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        runCmdFromBuffer = handle(linker, lib, "nft_run_cmd_from_buffer",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    /** The loaded library; throws {@link NftablesUnavailableException} (every time) when it cannot be loaded. */
    static LibNftables get() {
        Holder h = Holder.INSTANCE;
        if (h.lib == null) {
            throw new NftablesUnavailableException(h.problem);
        }
        return h.lib;
    }

    /** Whether the library could be loaded (the kernel side is not checked here). */
    static boolean loaded() {
        return Holder.INSTANCE.lib != null;
    }

    /** Reads a NUL-terminated string the library owns; NULL reads as "". */
    static String string(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment sym = lib.find(name).orElseThrow(
                () -> new IllegalStateException(SONAME + " has no symbol " + name));
        return linker.downcallHandle(sym, fd);
    }

    /** Lazy holder: the library is looked up once, when first needed; the outcome is remembered. */
    private record Holder(LibNftables lib, String problem) {
        static final Holder INSTANCE = load();

        private static Holder load() {
            try {
                // The library stays mapped for the JVM's life, as every context may use it.
                return new Holder(new LibNftables(SymbolLookup.libraryLookup(SONAME, Arena.global())), null);
            } catch (IllegalArgumentException | IllegalStateException e) {
                return new Holder(null, "cannot load " + SONAME + " (Debian package libnftables1): " + e.getMessage());
            }
        }
    }
}
