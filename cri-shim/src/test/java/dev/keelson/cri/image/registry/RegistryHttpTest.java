package dev.keelson.cri.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry's HTTP/1.1 against a scripted server on loopback: body framings, connection reuse,
 * a kept-alive connection the server closed meanwhile, and malformed answers as errors.
 */
class RegistryHttpTest {
    private final RegistryHttp http = new RegistryHttp(null, Duration.ofSeconds(5));
    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        http.close();
        if (server != null) {
            server.close();
        }
    }

    /** Serves each connection's requests with {@code answer} (request line → raw response), until it returns null. */
    private URI serve(Function<String, String> answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> conversation(s, answer));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void conversation(Socket s, Function<String, String> answer) {
        try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = s.getOutputStream()) {
            for (String first; (first = in.readLine()) != null; ) {
                StringBuilder head = new StringBuilder(first).append('\n');
                for (String l; (l = in.readLine()) != null && !l.isEmpty(); ) {
                    head.append(l).append('\n');
                }
                requests.add(head.toString());
                String reply = answer.apply(first);
                if (reply == null) {
                    return;
                }
                out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (reply.startsWith("HTTP/1.0") || reply.contains("Connection: close")) {
                    return; // as a server does after such an answer
                }
            }
        } catch (IOException e) {
            // the client closed
        }
    }

    @Test
    void contentLengthBodiesReuseOneConnectionAndHeadersGoOut() throws Exception {
        URI base = serve(line -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDocker-Content-Digest: sha256:x\r\n\r\nhello");
        for (int i = 0; i < 3; i++) {
            RegistryHttp.Response r = http.get(base.resolve("/v2/a/blobs/" + i), Map.of("Accept", "*/*"), Duration.ofSeconds(5));
            assertEquals(200, r.statusCode());
            assertEquals("sha256:x", r.header("docker-content-digest").orElseThrow());
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), r.bytes());
        }
        assertEquals(1, connections.get(), "one kept-alive connection for three requests");
        assertTrue(requests.get(0).startsWith("GET /v2/a/blobs/0 HTTP/1.1\n") && requests.get(0).contains("\nAccept: */*\n")
                && requests.get(0).contains("\nHost: 127.0.0.1:" + base.getPort() + "\n"), requests.get(0));
    }

    @Test
    void chunkedBodiesAreJoinedAndTheConnectionIsKept() throws Exception {
        URI base = serve(line -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\nwiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n");
        for (int i = 0; i < 2; i++) {
            assertEquals("wikipedia in\r\n\r\nchunks.", new String(http.get(base.resolve("/c"), Map.of(), Duration.ofSeconds(5)).bytes(),
                    StandardCharsets.US_ASCII));
        }
        assertEquals(1, connections.get());
    }

    @Test
    void aBodyToTheEndOfTheConnectionAndConnectionCloseAreNotReused() throws Exception {
        URI base = serve(line -> line.contains("/close") ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
                : "HTTP/1.0 200 OK\r\n\r\nuntil the end");
        assertEquals("ok", new String(http.get(base.resolve("/close"), Map.of(), Duration.ofSeconds(5)).bytes(), StandardCharsets.US_ASCII));
        RegistryHttp.Response r = http.get(base.resolve("/eof"), Map.of(), Duration.ofSeconds(5));
        assertEquals("until the end", new String(r.bytes(), StandardCharsets.US_ASCII), "no length: the body ends with the connection");
        assertEquals(2, connections.get(), "a closing answer is not reused");
    }

    @Test
    void aKeptConnectionTheServerClosedIsReplacedOnce() throws Exception {
        AtomicInteger served = new AtomicInteger();
        URI base = serve(line -> served.incrementAndGet() % 2 == 0 ? null // the server drops the kept connection
                : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertEquals("ok", new String(http.get(base.resolve("/1"), Map.of(), Duration.ofSeconds(5)).bytes(), StandardCharsets.US_ASCII));
        assertEquals("ok", new String(http.get(base.resolve("/2"), Map.of(), Duration.ofSeconds(5)).bytes(), StandardCharsets.US_ASCII));
        assertEquals(2, connections.get(), "the stale connection was replaced by a new one");
    }

    @Test
    void malformedAnswersAreErrorsNamingWhatWasWrong() throws Exception {
        URI base = serve(line -> line.contains("/garbage") ? "SSH-2.0-OpenSSH\r\n\r\n"
                : line.contains("/short") ? "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nabc"
                : "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        IOException garbage = assertThrows(IOException.class, () -> http.get(base.resolve("/garbage"), Map.of(), Duration.ofSeconds(5)));
        assertTrue(garbage.getMessage().contains("not an HTTP/1.x response"), garbage.getMessage());
        RegistryHttp.Response shortBody = http.get(base.resolve("/short"), Map.of(), Duration.ofSeconds(5));
        IOException cut = assertThrows(IOException.class, shortBody::bytes);
        assertTrue(cut.getMessage().contains("7 body bytes to come"), cut.getMessage());
        RegistryHttp.Response chunked = http.get(base.resolve("/chunks"), Map.of(), Duration.ofSeconds(5));
        IOException chunk = assertThrows(IOException.class, chunked::bytes);
        assertTrue(chunk.getMessage().contains("bad chunk size"), chunk.getMessage());
        assertThrows(IOException.class, () -> http.get(URI.create("ftp://127.0.0.1/x"), Map.of(), Duration.ofSeconds(5)));
        assertThrows(IOException.class, () -> http.get(base.resolve("/x"), Map.of("X-Evil", "a\r\nInjected: 1"), Duration.ofSeconds(5)));
    }
}
