package dev.keelson.cri.stream;

import java.io.IOException;
import java.net.Socket;

/**
 * Closes an upgraded connection the polite way: half-close our side, give the client a moment to
 * read everything and close its own, then close. Closing at once while the client's last frames
 * (a window update, a close frame) sit unread would make the kernel answer with a reset, and the
 * client could lose output it had not yet read.
 */
final class Linger {
    private static final long WAIT_MILLIS = 2000;

    private Linger() {
    }

    /** Half-closes {@code socket}, waits up to 2 s for {@code reader} (the connection's reader thread) to end, closes. */
    static void close(Socket socket, Thread reader) {
        try {
            socket.shutdownOutput();
            if (reader != null && reader != Thread.currentThread()) {
                reader.join(WAIT_MILLIS);
            }
        } catch (IOException e) {
            // already closed by the client
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }
}
