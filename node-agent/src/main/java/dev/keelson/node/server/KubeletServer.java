package dev.keelson.node.server;

import dev.keelson.node.cri.CriConnection;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The kubelet's HTTPS API on the node (port 10250 by default), the part the API server calls:
 *
 * <pre>
 *   GET /healthz                                         ok
 *   GET /containerLogs/&lt;ns&gt;/&lt;pod&gt;/&lt;container&gt;?follow&amp;tailLines&amp;…   {@link ContainerLogs}
 *   GET /exec/&lt;ns&gt;/&lt;pod&gt;/&lt;container&gt;?command=…&amp;input&amp;tty  (SPDY or WebSocket)  {@link ContainerExec}
 *   GET /attach/&lt;ns&gt;/&lt;pod&gt;/&lt;container&gt;?input&amp;output&amp;tty     (SPDY or WebSocket)  {@link ContainerExec}
 *   GET /portForward/&lt;ns&gt;/&lt;pod&gt;[?port=…]                  (SPDY or WebSocket)  {@link PodPortForward}
 *   GET /stats/summary                                   {@link StatsSummary}
 *   GET /apis/metrics.k8s.io/v1beta1/pods                this node's PodMetricsList
 * </pre>
 *
 * A small blocking HTTP/1.1 server on TLS sockets, one virtual thread per connection and one
 * request per connection: the callers are the API server's proxies, which open a connection per
 * request, and an upgraded exec session owns its socket. Clients must present a certificate
 * signed by the cluster CA (the API server's kubelet-client certificate), as a kubelet with
 * {@code --client-ca-file} and anonymous access off requires.
 */
public final class KubeletServer implements AutoCloseable {
    private final SSLServerSocket socket;
    private final ContainerLogs logs;
    private final ContainerExec exec;
    private final PodPortForward portForward;
    private final StatsSummary stats;
    private final Consumer<String> log;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kubelet-api-", 0).factory());
    private final Thread acceptor;

    private KubeletServer(SSLServerSocket socket, CriConnection cri, StatsSummary stats, Consumer<String> log) {
        this.socket = socket;
        PodContainers containers = new PodContainers(cri);
        this.logs = new ContainerLogs(containers);
        this.exec = new ContainerExec(cri, containers);
        this.portForward = new PodPortForward(cri);
        this.stats = stats;
        this.log = log;
        this.acceptor = Thread.ofPlatform().daemon().name("kubelet-api-accept").start(this::acceptLoop);
    }

    /**
     * Listens on {@code bind}:{@code port} (0: any free port).
     *
     * @param cert the serving certificate (signed by the cluster CA, which also vets client certificates)
     * @param requireClientCert whether a client certificate signed by the cluster CA is required
     */
    public static KubeletServer start(String bind, int port, ServingCertificate cert, boolean requireClientCert,
                                      CriConnection cri, StatsSummary stats, Consumer<String> log) throws IOException {
        SSLServerSocket s = (SSLServerSocket) cert.serverContext().getServerSocketFactory().createServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 128);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen for the kubelet API on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        s.setNeedClientAuth(requireClientCert);
        // HTTP/1.1 only: exec upgrades need it, and the API server's proxies ask for it anyway.
        var params = s.getSSLParameters();
        params.setApplicationProtocols(new String[] {"http/1.1"});
        s.setSSLParameters(params);
        s.setNeedClientAuth(requireClientCert);
        return new KubeletServer(s, cri, stats, log);
    }

    /** The port actually bound. */
    public int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket c = socket.accept();
                threads.execute(() -> serve((SSLSocket) c));
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    log.accept("kubelet API: accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(SSLSocket c) {
        try (c) {
            c.setSoTimeout(0);
            InputStream in = new BufferedInputStream(c.getInputStream());
            OutputStream out = new BufferedOutputStream(c.getOutputStream());
            KubeletRequest r;
            try {
                r = KubeletRequest.read(in);
            } catch (KubeletRequest.BadRequest e) {
                HttpReplies.text(out, 400, e.getMessage());
                return;
            }
            if (r == null) {
                return;
            }
            route(r, c, in, out);
            out.flush();
        } catch (SocketException | javax.net.ssl.SSLException e) {
            // a client that went away or failed the handshake (no or a foreign certificate)
        } catch (IOException | RuntimeException e) {
            log.accept("kubelet API: request failed: " + e);
        }
    }

    private void route(KubeletRequest r, Socket c, InputStream in, OutputStream out) throws IOException {
        List<String> path = r.segments();
        // Upgrades may come as POST (kubectl's SPDY exec and port-forward), as the kubelet allows.
        if (!r.method().equals("GET") && !(r.method().equals("POST") && r.header("upgrade") != null)) {
            HttpReplies.text(out, 405, "method " + r.method() + " is not allowed on " + r.path());
            return;
        }
        String first = path.isEmpty() ? "" : path.get(0);
        try {
            switch (first) {
                case "healthz" -> HttpReplies.send(out, 200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
                case "containerLogs" -> logs.serve(r, path, out);
                case "exec" -> exec.serve(r, path, false, c, in, out);
                case "attach" -> exec.serve(r, path, true, c, in, out);
                case "portForward" -> portForward.serve(r, path, c, in, out);
                case "stats" -> {
                    if (path.size() == 2 && path.get(1).equals("summary")) {
                        HttpReplies.send(out, 200, "application/json", stats.summaryJson());
                    } else {
                        HttpReplies.text(out, 404, "not found: " + r.path());
                    }
                }
                case "apis" -> {
                    if (r.path().equals("/apis/metrics.k8s.io/v1beta1/pods")) {
                        HttpReplies.send(out, 200, "application/json", stats.podMetricsJson());
                    } else {
                        HttpReplies.text(out, 404, "not found: " + r.path());
                    }
                }
                default -> HttpReplies.text(out, 404, "not found: " + r.path());
            }
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.UNIMPLEMENTED) {
                HttpReplies.text(out, 501, "the container runtime does not implement this: " + e.getStatus().getDescription());
                return;
            }
            HttpReplies.text(out, 503, "the container runtime failed: " + e.getStatus().getCode() + ": "
                    + e.getStatus().getDescription());
        }
    }

    /** Stops listening; sessions in progress end when their sockets close. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            log.accept("kubelet API: closing the listener failed: " + e.getMessage());
        }
        threads.shutdownNow();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
