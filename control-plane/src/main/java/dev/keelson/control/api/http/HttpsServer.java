package dev.keelson.control.api.http;

import dev.keelson.control.api.auth.TokenFile;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The TLS listener: HTTP/2 negotiated by ALPN ({@code h2}), HTTP/1.1 otherwise, on one port.
 * Jetty's own threads only do I/O; every request is served on a new virtual thread.
 */
public final class HttpsServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("api-", 0).factory());

    /**
     * Starts listening.
     *
     * @param host the bind address ("0.0.0.0" for all)
     * @param port 0 for an ephemeral port
     */
    public HttpsServer(String host, int port, KeyStore keyStore, char[] password, ApiRouter router, TokenFile tokens,
                       Duration idleTimeout) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("api-io");
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Clients reach the server by IP as often as by name; the certificate covers both already.
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        h2.setMaxConcurrentStreams(1000);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(h1.getProtocol());
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keyStore);
        tls.setKeyStorePassword(new String(password));
        tls.setCipherComparator(HTTP2Cipher.COMPARATOR);
        tls.setSniRequired(false);
        SslConnectionFactory ssl = new SslConnectionFactory(tls, alpn.getProtocol());
        connector = new ServerConnector(server, 1, 1, ssl, alpn, h2, h1);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeout.toMillis());
        server.addConnector(connector);
        server.setHandler(new JettyHandler(router, tokens, threads));
        server.start();
    }

    /** The port actually bound. */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the API server failed", e);
        } finally {
            threads.shutdownNow();
        }
    }
}
