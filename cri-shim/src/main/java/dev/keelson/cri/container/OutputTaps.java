package dev.keelson.cri.container;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The live output of one container for its attached clients: every chunk its log pump reads
 * from the stdout or stderr FIFO is also written to each tap of that stream (before the log
 * entry is written). A tap that fails is dropped; the log never waits for a failed client.
 */
final class OutputTaps {
    private final Set<OutputStream> stdout = new CopyOnWriteArraySet<>();
    private final Set<OutputStream> stderr = new CopyOnWriteArraySet<>();

    /** {@code in}, teeing what is read to the taps of {@code stream} ("stdout" or "stderr"). */
    InputStream tee(String stream, InputStream in) {
        Set<OutputStream> taps = stream.equals("stderr") ? stderr : stdout;
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    for (OutputStream t : taps) {
                        try {
                            t.write(b, off, n);
                            t.flush();
                        } catch (IOException | RuntimeException e) {
                            taps.remove(t);
                        }
                    }
                }
                return n;
            }
        };
    }

    void add(OutputStream out, OutputStream err) {
        if (out != null) {
            stdout.add(out);
        }
        if (err != null) {
            stderr.add(err);
        }
    }

    void remove(OutputStream out, OutputStream err) {
        if (out != null) {
            stdout.remove(out);
        }
        if (err != null) {
            stderr.remove(err);
        }
    }
}
