package dev.keelson.bench.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The benchmarks' client for the API server: HTTP/2 over TLS with a bearer token, bodies as bytes.
 * It neither builds nor parses JSON (the caller brings ready bodies; list responses are only read
 * to their end), so what it times is the server and the wire, not a client-side object mapper.
 * All requests of one client share one HTTP/2 connection, as client-go's transports do.
 */
public final class RestClient {
    private final HttpClient http;
    private final URI server;
    private final String token;

    /** A client of {@code server} trusting {@code tls}'s CAs. */
    public RestClient(URI server, SSLContext tls, String token) {
        this.server = server;
        this.token = token;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(tls)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** POSTs {@code json} to {@code path}; fails unless the server answers 201. */
    public void create(String path, byte[] json) {
        HttpResponse<byte[]> r = send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build());
        expect(r, 201);
    }

    /** GETs {@code path} and returns the body; fails unless the server answers 200. */
    public byte[] get(String path) {
        HttpResponse<byte[]> r = send(request(path).GET().build());
        expect(r, 200);
        return r.body();
    }

    /**
     * Opens a watch on {@code path} (which must carry {@code watch=true}) and hands each event line
     * to {@code onLine} on the calling thread until the stream ends or the thread is interrupted;
     * {@code onOpen} runs once the server has answered 200 and the stream is open.
     */
    public void watch(String path, Runnable onOpen, Consumer<String> onLine) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("watch " + path + ": HTTP " + r.statusCode() + ": "
                        + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            onOpen.run();
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null && !Thread.currentThread().isInterrupted(); line = lines.readLine()) {
                onLine.accept(line);
            }
        }
    }

    /** The object's {@code metadata.name} in a watch event line, found without parsing the whole event. */
    public static String objectName(String line) {
        int meta = line.indexOf("\"metadata\":{");
        int at = meta < 0 ? -1 : line.indexOf("\"name\":\"", meta);
        if (at < 0) {
            throw new IllegalStateException("watch event without metadata.name: " + line);
        }
        int from = at + 8;
        return line.substring(from, line.indexOf('"', from));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json").header("Authorization", "Bearer " + token);
    }

    private HttpResponse<byte[]> send(HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(req.method() + " " + req.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(req.method() + " " + req.uri() + ": interrupted", e);
        }
    }

    private static void expect(HttpResponse<byte[]> r, int code) {
        if (r.statusCode() != code) {
            String body = new String(r.body(), StandardCharsets.UTF_8);
            throw new IllegalStateException(r.request().method() + " " + r.uri().getPath() + ": HTTP " + r.statusCode()
                    + " (wanted " + code + "): " + (body.length() > 300 ? body.substring(0, 300) + "…" : body));
        }
    }
}
