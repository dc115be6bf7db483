package dev.keelson.cri.image.unpack;

import dev.keelson.cri.image.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The SHA-256 of a byte stream, and optionally a copy of it written to an {@link OutputStream},
 * computed on a helper thread, so that hashing a layer overlaps unpacking it. The daemon runs
 * C1-compiled code only, where SHA-256 has no intrinsic and costs about 7 ms per MiB: hashing on
 * the unpacking thread would add that to every pull.
 *
 * <pre>
 *   reader ──tee()──▶ bytes it reads ──copies──▶ [queue, ≤ 32 chunks] ──▶ helper: md.update, copy.write
 *                                                                         finish() joins, gives the digest
 * </pre>
 * The bounded queue makes a reader that outruns the hash wait. {@link #close()} without
 * {@link #finish()} abandons the pipe (the helper stops, nothing more is written).
 */
public final class DigestPipe implements AutoCloseable {
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(32);
    private final MessageDigest md = Digest.sha256();
    private final OutputStream copy;
    private final Thread helper;
    private volatile IOException failure;
    private volatile boolean abandoned;
    private long count;
    private boolean finished;
    private Digest result;

    /** A pipe hashing what it is given and writing it to {@code copy} too when that is not null. */
    public DigestPipe(OutputStream copy) {
        this.copy = copy;
        this.helper = Thread.ofPlatform().daemon().name("keelson-layer-digest").start(this::run);
    }

    /** Hands {@code len} bytes of {@code b} from {@code off} to the helper (they are copied). */
    public void update(byte[] b, int off, int len) throws IOException {
        if (len <= 0) {
            return;
        }
        IOException f = failure;
        if (f != null) {
            throw new IOException("writing the copy failed: " + f.getMessage(), f);
        }
        put(Arrays.copyOfRange(b, off, off + len));
        count += len;
    }

    /** The number of bytes handed over so far. */
    public long count() {
        return count;
    }

    /**
     * Waits until the helper has hashed (and copied) everything handed over, and returns the digest;
     * nothing may be handed over after this. Calling it again returns the same digest.
     *
     * @throws IOException when writing the copy failed
     */
    public Digest finish() throws IOException {
        if (result == null) {
            if (finished) {
                throw new IllegalStateException("the digest pipe was closed before it finished");
            }
            put(END);
            join();
            finished = true;
            if (failure != null) {
                md.reset(); // ends a hashing process (see Digest.sha256)
                throw failure;
            }
            result = Digest.ofRaw(md.digest());
        }
        return result;
    }

    /** An input stream reading {@code in} that hands every byte read to this pipe. */
    public InputStream tee(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int c = super.read();
                if (c >= 0) {
                    update(new byte[] {(byte) c}, 0, 1);
                }
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    update(b, off, n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                int r = read(new byte[(int) Math.min(Math.max(n, 0), 8192)]); // read, not skipped: the digest sees every byte
                return Math.max(r, 0);
            }
        };
    }

    /** Stops the helper unless {@link #finish()} already did; the digest is then lost. */
    @Override
    public void close() {
        if (!finished) {
            abandoned = true; // the copy's write may swallow the interrupt
            helper.interrupt();
            try {
                join();
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt();
            }
            md.reset(); // ends a hashing process (see Digest.sha256)
            finished = true;
        }
    }

    private void run() {
        try {
            while (!abandoned) {
                byte[] c = chunks.take();
                if (c == END) {
                    return;
                }
                md.update(c);
                if (copy != null && failure == null) {
                    try {
                        copy.write(c);
                    } catch (IOException e) {
                        failure = e;
                    }
                }
            }
        } catch (InterruptedException e) {
            // abandoned by close()
        }
    }

    private void put(byte[] c) throws InterruptedIOException {
        try {
            chunks.put(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing bytes to the digest thread");
        }
    }

    private void join() throws InterruptedIOException {
        try {
            helper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the digest thread");
        }
    }
}
