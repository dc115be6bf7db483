package dev.keelson.control.api.http;

import dev.keelson.control.api.Json;
import dev.keelson.control.api.auth.TokenFile;
import dev.keelson.control.api.auth.User;
import dev.keelson.control.api.rest.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Adapts Jetty to the API: each request runs on its own virtual thread (handlers block freely on
 * the store and on watch queues), is authenticated by bearer token, and is answered by the
 * {@link ApiRouter}. Failures become {@code Status} bodies; a stack trace never reaches a client.
 */
final class JettyHandler extends Handler.Abstract {
    private static final System.Logger LOG = System.getLogger(JettyHandler.class.getName());
    /** Kubernetes' request body limit. */
    private static final int MAX_BODY = 3 * 1024 * 1024;
    private final ApiRouter router;
    private final TokenFile tokens;
    private final ExecutorService threads;

    JettyHandler(ApiRouter router, TokenFile tokens, ExecutorService threads) {
        super(InvocationType.NON_BLOCKING);
        this.router = router;
        this.tokens = tokens;
        this.threads = threads;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        threads.execute(() -> serve(request, response, callback));
        return true;
    }

    private void serve(Request request, Response response, Callback callback) {
        JettyResponder out = new JettyResponder(request, response);
        try {
            String path = Request.getPathInContext(request);
            Optional<User> user = authenticate(request);
            if (user.isEmpty() && !ApiRouter.anonymous(path)) {
                throw ApiException.unauthorized();
            }
            ApiRequest api = new ApiRequest(request.getMethod(), path, query(request), headers(request), body(request),
                    user.map(User::name).orElse("system:anonymous"));
            router.serve(api, out);
            callback.succeeded();
        } catch (ApiException e) {
            fail(response, callback, out, e);
        } catch (IOException e) {
            callback.failed(e); // the client went away mid-response
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request " + request.getMethod() + " " + request.getHttpURI().getPath()
                    + " failed", e);
            fail(response, callback, out, ApiException.internal(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        }
    }

    private static void fail(Response response, Callback callback, JettyResponder out, ApiException e) {
        if (response.isCommitted()) {
            callback.failed(e);
            return;
        }
        try {
            out.send(e.code(), "application/json", Json.bytes(e.status()));
            callback.succeeded();
        } catch (IOException io) {
            callback.failed(io);
        }
    }

    private Optional<User> authenticate(Request request) {
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth == null || auth.length() < 7 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return tokens.authenticate(auth.substring(7).strip());
    }

    private static Map<String, List<String>> query(Request request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Fields fields;
        try {
            fields = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("malformed query string");
        }
        for (Fields.Field f : fields) {
            out.put(f.getName(), List.copyOf(f.getValues()));
        }
        return out;
    }

    private static Map<String, String> headers(Request request) {
        Map<String, String> out = new HashMap<>();
        for (HttpField f : request.getHeaders()) {
            // A repeated header (kubectl's X-Stream-Protocol-Version) keeps all its values, joined (RFC 9110 5.3).
            out.merge(f.getName().toLowerCase(Locale.ROOT), f.getValue(), (a, b) -> a + ", " + b);
        }
        return out;
    }

    private static byte[] body(Request request) throws IOException {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new ApiException(413, "RequestEntityTooLarge", "the request body is larger than "
                        + MAX_BODY + " bytes", null);
            }
            return b;
        }
    }

    /** Writes through Jetty, blocking the (virtual) thread until each write is handed to the network. */
    private static final class JettyResponder implements Responder {
        private final Request request;
        private final Response response;

        JettyResponder(Request request, Response response) {
            this.request = request;
            this.response = response;
        }

        @Override
        public void send(int code, String contentType, byte[] body) throws IOException {
            response.setStatus(code);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            try (Blocker.Callback cb = Blocker.callback()) {
                response.write(true, ByteBuffer.wrap(body), cb);
                cb.block();
            }
        }

        @Override
        public OutputStream stream(int code, String contentType) throws IOException {
            response.setStatus(code);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            // A watch may be silent for minutes; the watch's own timeout bounds it, not the idle timeout.
            request.addIdleTimeoutListener(t -> false);
            // Commit the headers now: a client waits for them before it reads any event.
            try (Blocker.Callback cb = Blocker.callback()) {
                response.write(false, ByteBuffer.allocate(0), cb);
                cb.block();
            }
            return new OutputStream() {
                private boolean closed;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try (Blocker.Callback cb = Blocker.callback()) {
                        response.write(false, ByteBuffer.wrap(b, off, len), cb);
                        cb.block();
                    } catch (IOException e) {
                        closed = true; // the client is gone: closing must not fail again with the same error
                        throw e;
                    }
                }

                @Override
                public void close() throws IOException {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    try (Blocker.Callback cb = Blocker.callback()) {
                        response.write(true, ByteBuffer.allocate(0), cb);
                        cb.block();
                    }
                }
            };
        }

        @Override
        public void upgrade(Map<String, String> headers, Tunnel tunnel) throws IOException {
            if (request.getConnectionMetaData().getHttpVersion() != org.eclipse.jetty.http.HttpVersion.HTTP_1_1) {
                throw ApiException.badRequest("connection upgrades need HTTP/1.1, not "
                        + request.getConnectionMetaData().getHttpVersion());
            }
            response.setStatus(101);
            headers.forEach((k, v) -> response.getHeaders().put(k, v));
            // Jetty hands the connection to this Connection once the 101 is written (HttpStream.UPGRADE_CONNECTION_ATTRIBUTE).
            request.setAttribute(org.eclipse.jetty.server.HttpStream.UPGRADE_CONNECTION_ATTRIBUTE,
                    new TunnelConnection(request.getConnectionMetaData().getConnection().getEndPoint(), tunnel));
        }

        @Override
        public void onClientGone(Runnable action) {
            request.addFailureListener(t -> action.run());
        }
    }

}
