package dev.keelson.cri.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An {@link InputStream} fed by another thread: the connection's reader offers the chunks a
 * client sends on one stream (stdin, resize, port-forward data) and {@link #end()}s it at the
 * client's half-close. Not bounded: the channel protocols have no flow control that a client
 * honours, and stdin and resize traffic is small.
 */
final class ByteQueue extends BulkInputStream {
    private static final byte[] END = new byte[0];
    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private byte[] current;
    private int pos;
    private boolean ended;

    /** Appends a copy of {@code data}. */
    void offer(byte[] data, int off, int len) {
        if (len > 0) {
            byte[] b = new byte[len];
            System.arraycopy(data, off, b, 0, len);
            chunks.add(b);
        }
    }

    /** End of stream after what was offered. */
    void end() {
        chunks.add(END);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || pos == current.length) {
            if (ended) {
                return -1;
            }
            try {
                current = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted reading a stream");
            }
            pos = 0;
            if (current == END) {
                ended = true;
                current = null;
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }
}
