package dev.keelson.node.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamRelay} over real loopback sockets: a stand-in streaming server (a plain
 * {@link ServerSocket} that answers what the test tells it) on one side, a client socket on the
 * other, the relay between them on the test's threads.
 */
class StreamRelayTest {
    private static KubeletRequest request(String head) throws IOException {
        return KubeletRequest.read(new ByteArrayInputStream(head.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void spdyProtocolVersionsGoOneLineEachAndTheQueryIsAppended() throws IOException {
        KubeletRequest r = request("POST /portForward/ns/p HTTP/1.1\r\nUpgrade: SPDY/3.1\r\nConnection: Upgrade\r\n"
                + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\nX-Stream-Protocol-Version: v3.channel.k8s.io, channel.k8s.io\r\n"
                + "Authorization: Bearer secret\r\n\r\n");
        String head = StreamRelay.head(URI.create("http://127.0.0.1:4000/portforward/TOKEN?a=1"), "port=80", r);
        assertEquals("""
                GET /portforward/TOKEN?a=1&port=80 HTTP/1.1\r
                Host: 127.0.0.1:4000\r
                Connection: Upgrade\r
                Upgrade: SPDY/3.1\r
                X-Stream-Protocol-Version: v4.channel.k8s.io\r
                X-Stream-Protocol-Version: v3.channel.k8s.io\r
                X-Stream-Protocol-Version: channel.k8s.io\r
                \r
                """, head, "only upgrade headers travel on; the client's credentials do not");
    }

    @Test
    void webSocketHeadersTravelAsOneLineEach() throws IOException {
        KubeletRequest r = request("GET /exec/ns/p/c?command=ls HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: a2V5\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v5.channel.k8s.io, v4.channel.k8s.io\r\n\r\n");
        String head = StreamRelay.head(URI.create("http://127.0.0.1:4000/exec/T"), "", r);
        assertTrue(head.startsWith("GET /exec/T HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nSec-WebSocket-Key: a2V5\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: v5.channel.k8s.io, v4.channel.k8s.io\r\n"), head);
    }

    @Test
    void anUpgradedConnectionCarriesBytesBothWaysUntilTheRuntimeCloses() throws Exception {
        String seen = relayThrough((in, out) -> {
            try {
                out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                byte[] ping = in.readNBytes(5);
                out.write(("pong:" + new String(ping, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, "hello");
        assertEquals("HTTP/1.1 101 Switching Protocols\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n"
                + "pong:hello", seen);
    }

    @Test
    void aRefusalReachesTheClientWithItsBody() throws Exception {
        String seen = relayThrough((in, out) -> {
            try {
                out.write("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nunable to upgrade: no common protocol"
                        .getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, "");
        assertEquals("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nunable to upgrade: no common protocol", seen);
    }

    @Test
    void anUnreachableRuntimeIsA502NamingIt() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String seen = relay("http://127.0.0.1:" + closed + "/exec/T", "");
        assertTrue(seen.startsWith("HTTP/1.1 502 ") && seen.contains("cannot reach the container runtime's streaming server"), seen);
        String tls = relay("https://127.0.0.1:1/exec/T", "");
        assertTrue(tls.startsWith("HTTP/1.1 502 ") && tls.contains("TLS streaming server is not supported"), tls);
    }

    /** Runs the relay between a client that sends {@code send} and a runtime served by {@code runtime}. */
    private static String relayThrough(BiConsumer<InputStream, OutputStream> runtime, String send) throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
                try (Socket s = backend.accept()) {
                    InputStream in = s.getInputStream();
                    String head = new String(StreamRelay.readHead(in), StandardCharsets.ISO_8859_1);
                    runtime.accept(in, s.getOutputStream());
                    return head;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            String seen = relay("http://127.0.0.1:" + backend.getLocalPort() + "/exec/T", send);
            assertTrue(got.get(10, TimeUnit.SECONDS).startsWith("GET /exec/T HTTP/1.1\r\n"));
            return seen;
        }
    }

    /** What a client that sent an upgrade request and then {@code send} reads back through the relay. */
    private static String relay(String url, String send) throws Exception {
        try (ServerSocket front = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), front.getLocalPort());
             Socket accepted = front.accept()) {
            client.getOutputStream().write(send.getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().flush();
            KubeletRequest r = request("POST /exec/ns/p/c HTTP/1.1\r\nUpgrade: SPDY/3.1\r\n\r\n");
            Thread relay = Thread.ofVirtual().start(() -> {
                try (accepted) {
                    StreamRelay.relay(url, "", r, accepted, accepted.getInputStream(), accepted.getOutputStream());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            client.setSoTimeout(10_000);
            String seen = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            relay.join(10_000);
            return seen;
        }
    }
}
