package dev.keelson.control.api.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;

/**
 * What a client's HTTP/1.1 connection becomes after a {@code 101}: a byte pump to the
 * {@link Tunnel}'s backend socket, one virtual thread per direction. Reading the client blocks its
 * thread on Jetty's fill interest; writes block until Jetty has flushed them. Either side ending
 * closes both.
 */
final class TunnelConnection extends AbstractConnection implements Connection.UpgradeTo {
    private static final int BUFFER = 16 * 1024;
    private final dev.keelson.control.api.http.Tunnel tunnel;
    private final AtomicBoolean closed = new AtomicBoolean();
    private ByteBuffer prefilled;

    TunnelConnection(EndPoint endPoint, dev.keelson.control.api.http.Tunnel tunnel) {
        super(endPoint, Runnable::run);
        this.tunnel = tunnel;
    }

    @Override
    public void onUpgradeTo(ByteBuffer buffer) {
        if (BufferUtil.hasContent(buffer)) {
            prefilled = BufferUtil.copy(buffer);
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        Thread.ofVirtual().name("tunnel-in").start(this::clientToBackend);
        Thread.ofVirtual().name("tunnel-out").start(this::backendToClient);
    }

    @Override
    public void onFillable() {
        // Never registered: the client-to-backend thread asks for fill interest with its own callback.
    }

    @Override
    public void onClose(Throwable cause) {
        shut();
        super.onClose(cause);
    }

    private void clientToBackend() {
        try {
            OutputStream out = tunnel.backend().getOutputStream();
            if (prefilled != null) {
                out.write(BufferUtil.toArray(prefilled));
                out.flush();
            }
            ByteBuffer buf = BufferUtil.allocate(BUFFER);
            EndPoint ep = getEndPoint();
            while (!closed.get()) {
                BufferUtil.clear(buf);
                int n = ep.fill(buf);
                if (n > 0) {
                    out.write(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
                    out.flush();
                } else if (n == 0) {
                    try (Blocker.Callback cb = Blocker.callback()) {
                        ep.fillInterested(cb);
                        cb.block();
                    }
                } else {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // one side went away; closing both below is all there is to do
        } finally {
            shut();
        }
    }

    private void backendToClient() {
        try {
            EndPoint ep = getEndPoint();
            if (tunnel.alreadyRead().length > 0) {
                write(ep, tunnel.alreadyRead(), tunnel.alreadyRead().length);
            }
            InputStream in = tunnel.backend().getInputStream();
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) > 0) {
                write(ep, buf, n);
            }
        } catch (IOException | RuntimeException e) {
            // as above
        } finally {
            shut();
        }
    }

    private static void write(EndPoint ep, byte[] b, int n) throws IOException {
        try (Blocker.Callback cb = Blocker.callback()) {
            ep.write(cb, ByteBuffer.wrap(b, 0, n));
            cb.block();
        }
    }

    private void shut() {
        if (closed.compareAndSet(false, true)) {
            try {
                tunnel.backend().close();
            } catch (IOException e) {
                // already gone
            }
            getEndPoint().close();
        }
    }
}
