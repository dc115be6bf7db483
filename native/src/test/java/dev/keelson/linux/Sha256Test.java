package dev.keelson.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** libcrypto's SHA-256 against the JDK's, over sizes, splits, resets and clones. */
class Sha256Test {
    private static byte[] jdk(byte[] data, int off, int len) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(data, off, len);
        return md.digest();
    }

    @Test
    void isLibcryptoHere() {
        // libssl3 is installed by bin/lib/setup.sh: a fallback to the JDK here would be a regression
        assertEquals("libcrypto", Sha256.availability());
        assertEquals(Sha256.class, Sha256.create().getClass());
    }

    @Test
    void knownVectors() {
        MessageDigest md = Sha256.create();
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HexFormat.of().formatHex(md.digest()));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HexFormat.of().formatHex(md.digest("abc".getBytes())));
        assertEquals(32, md.getDigestLength());
        assertEquals("SHA-256", md.getAlgorithm());
    }

    @Test
    void matchesTheJdkOverSizesAndSplits() throws Exception {
        Random r = new Random(42);
        for (int size : new int[] {1, 55, 56, 63, 64, 65, 1000, 65_536, 1 << 20, (1 << 21) + 7}) {
            byte[] data = new byte[size + 10];
            r.nextBytes(data);
            MessageDigest md = Sha256.create();
            int pos = 5;
            while (pos < size + 5) {
                int n = Math.min(size + 5 - pos, 1 + r.nextInt(70_000));
                if (n == 1) {
                    md.update(data[pos]);
                } else {
                    md.update(data, pos, n);
                }
                pos += n;
            }
            assertArrayEquals(jdk(data, 5, size), md.digest(), "size " + size);
        }
    }

    @Test
    void resetsAfterDigestAndOnReset() throws Exception {
        MessageDigest md = Sha256.create();
        md.update("half of something".getBytes());
        md.reset();
        byte[] abc = "abc".getBytes();
        assertArrayEquals(jdk(abc, 0, 3), md.digest(abc));
        assertArrayEquals(jdk(abc, 0, 3), md.digest(abc), "digest() leaves it fresh");
    }

    @Test
    void aCloneGoesOnAlone() throws Exception {
        MessageDigest md = Sha256.create();
        md.update("ab".getBytes());
        MessageDigest copy = (MessageDigest) md.clone();
        md.update("c".getBytes());
        copy.update("x".getBytes());
        assertArrayEquals(jdk("abc".getBytes(), 0, 3), md.digest());
        assertArrayEquals(jdk("abx".getBytes(), 0, 3), copy.digest());
    }

    @Test
    void badRangesAreTheCallersError() { // MessageDigest.update checks the range before the engine sees it
        MessageDigest md = Sha256.create();
        assertThrows(IllegalArgumentException.class, () -> md.update(new byte[4], 2, 3));
    }
}
