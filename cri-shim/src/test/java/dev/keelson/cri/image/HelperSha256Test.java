package dev.keelson.cri.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keelson-sha256 (built from native/c) against the JDK's digest; fallbacks and failures. */
class HelperSha256Test {
    private static final Path PROGRAM = Path.of("../native/target/bin/keelson-sha256").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private static byte[] jdk(byte[] data, int off, int len) {
        MessageDigest md = Digest.jdkSha256();
        md.update(data, off, len);
        return md.digest();
    }

    @Test
    void matchesTheJdkBelowAndAboveTheSpillOverSplitUpdates() {
        Random r = new Random(7);
        for (int size : new int[] {0, 1, 64, HelperSha256.SPILL, HelperSha256.SPILL + 1, 3 << 20}) {
            byte[] data = new byte[size + 3];
            r.nextBytes(data);
            MessageDigest md = new HelperSha256(PROGRAM);
            int pos = 3;
            while (pos < size + 3) {
                int n = Math.min(size + 3 - pos, 1 + r.nextInt(100_000));
                if (n == 1) {
                    md.update(data[pos]);
                } else {
                    md.update(data, pos, n);
                }
                pos += n;
            }
            assertArrayEquals(jdk(data, 3, size), md.digest(), "size " + size);
            // the same object again, after the digest reset it
            md.update(data, 3, size);
            assertArrayEquals(jdk(data, 3, size), md.digest(), "size " + size + ", second use");
        }
    }

    @Test
    void aResetInTheMiddleEndsTheProgramAndStartsOver() {
        byte[] big = new byte[HelperSha256.SPILL * 3];
        MessageDigest md = new HelperSha256(PROGRAM);
        md.update(big, 0, big.length);
        md.reset();
        md.update("abc".getBytes(), 0, 3);
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                java.util.HexFormat.of().formatHex(md.digest()));
    }

    @Test
    void aProgramThatCannotStartLeavesItToTheJdk() {
        byte[] big = new byte[HelperSha256.SPILL * 2 + 5];
        new Random(3).nextBytes(big);
        MessageDigest md = new HelperSha256(tmp.resolve("missing"));
        md.update(big, 0, big.length);
        assertArrayEquals(jdk(big, 0, big.length), md.digest());
    }

    @Test
    void aFailingProgramFailsTheDigestWithItsMessage() throws Exception {
        Path broken = tmp.resolve("broken");
        Files.writeString(broken, "#!/bin/sh\ncat >/dev/null\necho 'keelson-sha256: read: Input/output error'\nexit 1\n");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwx------"));
        MessageDigest md = new HelperSha256(broken);
        byte[] big = new byte[HelperSha256.SPILL * 2];
        md.update(big, 0, big.length);
        IllegalStateException e = assertThrows(IllegalStateException.class, md::digest);
        assertTrue(e.getMessage().contains("broken failed (exit 1): keelson-sha256: read: Input/output error"), e.getMessage());
        // and the object is usable again
        md.update("abc".getBytes(), 0, 3);
        assertEquals(32, md.digest().length);
    }

    /** A blob whose download fails half-way leaves no hashing process behind. */
    @Test
    void aFailedBlobWriteEndsItsHashingProcess() throws Exception {
        try {
            Digest.hashWith(PROGRAM);
            dev.keelson.cri.image.store.ContentStore store = new dev.keelson.cri.image.store.ContentStore(tmp.resolve("content"));
            java.io.InputStream failing = new java.io.InputStream() {
                private int left = HelperSha256.SPILL * 3;

                @Override
                public int read() throws java.io.IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws java.io.IOException {
                    if (left <= 0) {
                        throw new java.io.IOException("connection reset by the test");
                    }
                    int n = Math.min(len, left);
                    left -= n;
                    return n;
                }
            };
            Digest someDigest = Digest.of("x".getBytes());
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> store.write(someDigest, failing, -1, "test blob"));
            assertTrue(e.getMessage().contains("connection reset by the test"), e.getMessage());
            for (int i = 0; i < 50 && helpers() > 0; i++) {
                Thread.sleep(20);
            }
            assertEquals(0, helpers(), "keelson-sha256 processes left");
        } finally {
            Digest.hashWith(null);
        }
    }

    private static long helpers() {
        return ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("keelson-sha256")).count();
    }

    @Test
    void digestUsesTheProgramOnlyOnceNamed() {
        try {
            Digest.hashWith(PROGRAM);
            assertEquals(HelperSha256.class, Digest.sha256().getClass());
        } finally {
            Digest.hashWith(null);
        }
        assertEquals("SHA-256", Digest.sha256().getAlgorithm());
        assertTrue(!(Digest.sha256() instanceof HelperSha256));
    }
}
