package dev.keelson.cri.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Byte pumps between a client's streams and a process or socket, each on a virtual thread. */
final class Pumps {
    private Pumps() {
    }

    /**
     * Copies {@code in} to {@code out} (or discards it when {@code out} is null) until end of file,
     * then closes {@code out}: a process's end of input, a SPDY stream's FIN. Errors end the pump
     * quietly: one side is gone.
     */
    static Thread copy(String name, InputStream in, OutputStream out) {
        return Thread.ofVirtual().name(name).start(() -> {
            byte[] buf = new byte[32 * 1024];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (out != null) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side is gone
            } finally {
                if (out != null) {
                    closeQuietly(out);
                }
            }
        });
    }

    static void join(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }
}
