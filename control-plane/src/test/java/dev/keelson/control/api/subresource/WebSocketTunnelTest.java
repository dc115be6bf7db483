package dev.keelson.control.api.subresource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link WebSocketTunnel} between a client's WebSocket frames and a node's plain bytes, over a real loopback socket. */
class WebSocketTunnelTest {
    /** A masked client frame, as RFC 6455 requires of clients. */
    private static byte[] clientFrame(int opcode, byte[] payload) {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x80 | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        }
        f.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        return f.toByteArray();
    }

    @Test
    void acceptIsTheRfcExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketTunnel.accept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void clientFramesSplitAnywhereReachTheNodeAsTheirPayloads() throws Exception {
        byte[] big = new byte[300];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(clientFrame(0x2, "spdy".getBytes(StandardCharsets.UTF_8)));
        wire.writeBytes(clientFrame(0x1, "ignored text".getBytes(StandardCharsets.UTF_8)));
        wire.writeBytes(clientFrame(0x2, big));
        byte[] all = wire.toByteArray();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket node = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket apiSide = server.accept();
             WebSocketTunnel t = new WebSocketTunnel(apiSide, new byte[0])) {
            OutputStream toNode = t.getOutputStream();
            for (int i = 0; i < all.length; i += 7) {
                toNode.write(all, i, Math.min(7, all.length - i));
            }
            toNode.flush();
            byte[] got = node.getInputStream().readNBytes(4 + big.length);
            ByteArrayOutputStream want = new ByteArrayOutputStream();
            want.writeBytes("spdy".getBytes(StandardCharsets.UTF_8));
            want.writeBytes(big);
            assertArrayEquals(want.toByteArray(), got);
        }
    }

    @Test
    void nodeBytesBecomeBinaryFramesAndAPingIsAnswered() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket node = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket apiSide = server.accept();
             WebSocketTunnel t = new WebSocketTunnel(apiSide, new byte[] {9})) {
            InputStream toClient = t.getInputStream();
            assertArrayEquals(new byte[] {(byte) 0x82, 1, 9}, toClient.readNBytes(3), "bytes read before the tunnel go first");
            t.getOutputStream().write(clientFrame(0x9, new byte[] {'p'}));
            node.getOutputStream().write(new byte[200]);
            node.getOutputStream().flush();
            assertArrayEquals(new byte[] {(byte) 0x8A, 1, 'p'}, toClient.readNBytes(3), "the pong comes before further data");
            byte[] head = toClient.readNBytes(4);
            assertArrayEquals(new byte[] {(byte) 0x82, 126, 0, (byte) 200}, head, "a 16-bit length");
            assertEquals(200, toClient.readNBytes(200).length);
            node.shutdownOutput();
            assertEquals(-1, toClient.read(), "the node's end ends the client's stream");
        }
    }
}
