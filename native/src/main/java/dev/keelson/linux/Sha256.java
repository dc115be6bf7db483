package dev.keelson.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 as a {@link MessageDigest}, computed by OpenSSL's libcrypto ({@code SHA256_Init},
 * {@code SHA256_Update}, {@code SHA256_Final}: the low-level calls, which need no provider or
 * configuration loaded, and pick the CPU's SHA extensions when it has them). A JVM that runs C1
 * only has no SHA-256 intrinsic: the JDK's Java implementation then takes ≈ 7 ms per MiB here,
 * libcrypto ≈ 0.5. Updates pass the Java array itself to libcrypto (a critical call: no copy,
 * no native buffer).
 *
 * <p>{@link #create()} falls back to the JDK's digest where libcrypto.so.3 cannot be loaded.
 */
@SuppressWarnings("restricted") // native access belongs in this module
public final class Sha256 extends MessageDigest implements Cloneable {
    private static final String SONAME = "libcrypto.so.3";
    /** sizeof(SHA256_CTX) is 112 on LP64; room to spare. */
    private static final long CTX_BYTES = 128;
    private static final int DIGEST_BYTES = 32;

    private MemorySegment ctx;
    private final byte[] one = new byte[1];

    private Sha256() {
        super("SHA-256");
        ctx = Arena.ofAuto().allocate(CTX_BYTES, 16);
        init();
    }

    /** A SHA-256 digest: libcrypto's where it loads, else the JDK's. */
    public static MessageDigest create() {
        if (Calls.INSTANCE != null) {
            return new Sha256();
        }
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    /** True when {@link #create()} returns libcrypto's digest; else why not (for logs and tests). */
    public static String availability() {
        return Calls.INSTANCE != null ? "libcrypto" : "JDK (" + Calls.WHY + ")";
    }

    private void init() {
        check("SHA256_Init", invoke(Calls.INSTANCE.init, ctx));
    }

    @Override
    protected void engineUpdate(byte input) {
        one[0] = input;
        engineUpdate(one, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        if (len == 0) {
            return;
        }
        java.util.Objects.checkFromIndexSize(offset, len, input.length);
        try {
            check("SHA256_Update", (int) Calls.INSTANCE.update.invokeExact(ctx,
                    MemorySegment.ofArray(input).asSlice(offset, len), (long) len));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    protected byte[] engineDigest() {
        byte[] out = new byte[DIGEST_BYTES];
        try {
            check("SHA256_Final", (int) Calls.INSTANCE.finish.invokeExact(MemorySegment.ofArray(out), ctx));
        } catch (Throwable t) {
            throw rethrow(t);
        }
        init();
        return out;
    }

    @Override
    protected int engineGetDigestLength() {
        return DIGEST_BYTES;
    }

    @Override
    protected void engineReset() {
        init();
    }

    @Override
    public Object clone() throws CloneNotSupportedException {
        Sha256 copy = (Sha256) super.clone();
        copy.ctx = Arena.ofAuto().allocate(CTX_BYTES, 16).copyFrom(ctx);
        return copy;
    }

    private static int invoke(MethodHandle h, MemorySegment ctx) {
        try {
            return (int) h.invokeExact(ctx);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void check(String call, int rc) {
        if (rc != 1) {
            throw new IllegalStateException(call + " failed in " + SONAME);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /** The three calls, looked up once; null (with the reason) where libcrypto is missing. */
    private record Calls(MethodHandle init, MethodHandle update, MethodHandle finish) {
        static final Calls INSTANCE;
        static final String WHY;

        static {
            Calls calls = null;
            String why = null;
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup lib = SymbolLookup.libraryLookup(SONAME, Arena.global());
                Linker.Option critical = Linker.Option.critical(true);
                calls = new Calls(
                        linker.downcallHandle(lib.findOrThrow("SHA256_Init"), FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                        linker.downcallHandle(lib.findOrThrow("SHA256_Update"),
                                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), critical),
                        linker.downcallHandle(lib.findOrThrow("SHA256_Final"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
                                critical));
            } catch (RuntimeException e) {
                why = e.getMessage();
            }
            INSTANCE = calls;
            WHY = why;
        }
    }
}
