package dev.keelson.cri.image.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.keelson.cri.image.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DigestPipeTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 511, 65_536, 3_000_001})
    void teeHashesAndCopiesExactlyWhatWasRead(int n) throws Exception {
        byte[] data = bytes(n);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        try (DigestPipe p = new DigestPipe(copy)) {
            InputStream in = p.tee(new ByteArrayInputStream(data));
            byte[] small = new byte[777];
            int first = in.read(); // single bytes, odd chunks and skips must all reach the digest
            in.skip(3);
            while (in.read(small) > 0) {
                // drained
            }
            assertEquals(Digest.of(data), p.finish());
            assertEquals(Digest.of(data), p.finish(), "finish twice gives the same digest");
            assertEquals(n, p.count());
            assertArrayEquals(data, copy.toByteArray());
            assertEquals(n == 0 ? -1 : data[0] & 0xff, first);
        }
    }

    @Test
    void closeWithoutFinishStopsTheHelperEvenWithAFullQueue() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            OutputStream slow = new OutputStream() {
                @Override
                public void write(int b) {
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
            };
            DigestPipe p = new DigestPipe(slow);
            byte[] chunk = bytes(1024);
            for (int i = 0; i < 40; i++) {
                p.update(chunk, 0, chunk.length);
            }
            p.close();
            assertThrows(IllegalStateException.class, p::finish);
        });
    }

    @Test
    void aFailedCopyIsReported() {
        DigestPipe p = new DigestPipe(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }
        });
        byte[] chunk = bytes(10);
        assertThrows(IOException.class, () -> {
            p.update(chunk, 0, 10);
            p.finish();
        });
        p.close();
    }
}
