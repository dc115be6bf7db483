package dev.keelson.cri.image.store;

import dev.keelson.cri.image.Digest;
import dev.keelson.cri.image.ImageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Blobs by digest under {@code root/blobs/sha256/<hex>}, the layout of an OCI image-layout
 * directory. A blob is written to {@code root/ingest/}, hashed while it streams, and renamed into
 * place only when it matches its digest, so a reader never sees a partial or wrong blob and a
 * crash leaves at most a temporary file (cleaned on open).
 */
public final class ContentStore {
    private final Path blobs;
    private final Path ingest;

    /** A store under {@code root} (created if missing). */
    public ContentStore(Path root) {
        this.blobs = root.resolve("blobs").resolve(Digest.SHA256);
        this.ingest = root.resolve("ingest");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(ingest);
            try (Stream<Path> s = Files.list(ingest)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open content store " + root, e);
        }
    }

    /** Where blob {@code d} lives (it may not exist). */
    public Path path(Digest d) {
        return blobs.resolve(d.hex());
    }

    /** Whether blob {@code d} is present. */
    public boolean contains(Digest d) {
        return Files.isRegularFile(path(d));
    }

    /** The size of blob {@code d}. */
    public long size(Digest d) {
        try {
            return Files.size(path(d));
        } catch (NoSuchFileException e) {
            throw new ImageException.NotFound("blob " + d + " is not in the content store");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of blob {@code d}. */
    public byte[] read(Digest d) {
        try {
            return Files.readAllBytes(path(d));
        } catch (NoSuchFileException e) {
            throw new ImageException.NotFound("blob " + d + " is not in the content store");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores {@code bytes} as blob {@code expected}, verifying it. */
    public void write(Digest expected, byte[] bytes, String what) throws IOException {
        write(expected, new java.io.ByteArrayInputStream(bytes), bytes.length, what);
    }

    /**
     * Streams {@code in} into the store as blob {@code expected}: hashed on the way, checked against
     * {@code expected} (and {@code expectedSize} when not negative), then renamed into place. A blob
     * already present is not rewritten (the stream is left unread).
     *
     * @param what names the content for error messages, e.g. the image reference and layer
     * @throws ImageException.DigestMismatch when the content hashes to something else
     */
    public void write(Digest expected, InputStream in, long expectedSize, String what) throws IOException {
        if (contains(expected)) {
            return;
        }
        try (Ingest ingest = ingest(expected, expectedSize, what)) {
            MessageDigest md = Digest.sha256();
            try {
                long n = 0;
                byte[] buf = new byte[64 * 1024];
                int r;
                while ((r = in.read(buf)) > 0) {
                    md.update(buf, 0, r);
                    ingest.out().write(buf, 0, r);
                    n += r;
                }
                ingest.commit(Digest.ofRaw(md.digest()), n);
            } finally {
                md.reset(); // a failed read must not leave a hashing process waiting for the rest
            }
        }
    }

    /**
     * Starts writing blob {@code expected} into a temporary file under {@code ingest/}; the caller
     * writes {@link Ingest#out()}, hashes the bytes as it sees fit, and calls {@link Ingest#commit}.
     * Closing an ingest that was not committed deletes its file.
     */
    public Ingest ingest(Digest expected, long expectedSize, String what) throws IOException {
        return new Ingest(expected, expectedSize, what);
    }

    /** A blob being written; see {@link #ingest}. */
    public final class Ingest implements AutoCloseable {
        private final Digest expected;
        private final long expectedSize;
        private final String what;
        private final Path tmp;
        private final OutputStream out;
        private boolean done;

        private Ingest(Digest expected, long expectedSize, String what) throws IOException {
            this.expected = expected;
            this.expectedSize = expectedSize;
            this.what = what;
            this.tmp = Files.createTempFile(ingest, expected.hex().substring(0, 12), ".part");
            this.out = Files.newOutputStream(tmp);
        }

        /** Where the blob's bytes go, in order. */
        public OutputStream out() {
            return out;
        }

        /**
         * Checks that the {@code n} bytes written hash to the expected digest (and size), then moves
         * the file into place.
         *
         * @param got the digest of the bytes written, as the caller computed it
         * @throws ImageException.DigestMismatch when digest or size differ (the file is deleted on close)
         */
        public void commit(Digest got, long n) throws IOException {
            out.close();
            if (!got.equals(expected)) {
                throw new ImageException.DigestMismatch(what + ": content has digest " + got + ", expected " + expected
                        + " (" + n + " bytes)");
            }
            if (expectedSize >= 0 && n != expectedSize) {
                throw new ImageException.DigestMismatch(what + ": " + expected + " has " + n
                        + " bytes, the descriptor says " + expectedSize);
            }
            try {
                Files.move(tmp, path(expected), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path(expected), StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        }

        /** Deletes the temporary file unless the blob was committed. */
        @Override
        public void close() throws IOException {
            if (!done) {
                try {
                    out.close();
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }

    /** Every blob in the store. */
    public Set<Digest> list() {
        Set<Digest> all = new HashSet<>();
        try (Stream<Path> s = Files.list(blobs)) {
            s.forEach(p -> all.add(new Digest(p.getFileName().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** Deletes blob {@code d}; absent is fine. */
    public void delete(Digest d) {
        try {
            Files.deleteIfExists(path(d));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete blob " + d, e);
        }
    }
}
