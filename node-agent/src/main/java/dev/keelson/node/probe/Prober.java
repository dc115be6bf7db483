package dev.keelson.node.probe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.cri.api.v1.ExecSyncRequest;
import dev.keelson.cri.api.v1.ExecSyncResponse;
import dev.keelson.node.cri.CriConnection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Runs one probe once, the way the kubelet's probers do: {@code exec} through CRI ExecSync (exit
 * 0 is success), {@code httpGet} as an HTTP/1.1 GET to the pod IP (2xx and 3xx are success;
 * redirects are not followed; https skips certificate checks, as the kubelet does) and
 * {@code tcpSocket} as a connect. Every run is bounded by {@code timeoutSeconds}.
 */
public final class Prober {
    /** The kubelet's User-Agent for probes of this version. */
    static final String USER_AGENT = "kube-probe/1.33";
    /** Bytes of command output or response kept for messages (the kubelet keeps 10 KiB). */
    private static final int MAX_OUTPUT = 10 * 1024;

    private final CriConnection cri;

    public Prober(CriConnection cri) {
        this.cri = cri;
    }

    /**
     * @param probe the probe object of the pod spec
     * @param container the container spec (for named ports)
     * @param containerId the running container's CRI id
     * @param podIp the pod's IP, the default host of network probes
     */
    public ProbeResult run(JsonNode probe, JsonNode container, String containerId, String podIp) {
        Duration timeout = Duration.ofSeconds(Math.max(1, probe.path("timeoutSeconds").asInt(1)));
        if (probe.has("exec")) {
            return exec(probe.path("exec"), containerId, timeout);
        }
        if (probe.has("httpGet")) {
            JsonNode h = probe.path("httpGet");
            return http(h, h.path("host").asText(podIp), port(h.path("port"), container), timeout);
        }
        if (probe.has("tcpSocket")) {
            JsonNode t = probe.path("tcpSocket");
            return tcp(t.path("host").asText(podIp), port(t.path("port"), container), timeout);
        }
        return ProbeResult.failure("probe has no exec, httpGet or tcpSocket handler supported by this node agent");
    }

    private ProbeResult exec(JsonNode exec, String containerId, Duration timeout) {
        ExecSyncRequest.Builder req = ExecSyncRequest.newBuilder().setContainerId(containerId).setTimeout(timeout.toSeconds());
        exec.path("command").forEach(c -> req.addCmd(c.asText()));
        try {
            ExecSyncResponse r = cri.runtime(timeout.plusSeconds(5)).execSync(req.build());
            if (r.getExitCode() == 0) {
                return ProbeResult.OK;
            }
            String out = r.getStdout().toStringUtf8() + r.getStderr().toStringUtf8();
            return ProbeResult.failure(out.length() > MAX_OUTPUT ? out.substring(0, MAX_OUTPUT) : out.strip());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                return ProbeResult.failure("command " + exec.path("command") + " timed out");
            }
            return ProbeResult.failure("rpc error: code = " + e.getStatus().getCode() + " desc = " + e.getStatus().getDescription());
        }
    }

    static int port(JsonNode port, JsonNode container) {
        if (port.isInt() || port.asText().matches("\\d+")) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new IllegalArgumentException("port \"" + port.asText() + "\" is not a number nor a named port of container \""
                + container.path("name").asText() + "\"");
    }

    private static ProbeResult tcp(String host, int port, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return ProbeResult.OK;
        } catch (IOException e) {
            return ProbeResult.failure("dial tcp " + host + ":" + port + ": " + e.getMessage());
        }
    }

    static ProbeResult http(JsonNode h, String host, int port, Duration timeout) {
        boolean https = h.path("scheme").asText("HTTP").equalsIgnoreCase("HTTPS");
        String path = h.path("path").asText("/");
        String url = (https ? "https://" : "http://") + host + ":" + port + (path.startsWith("/") ? path : "/" + path);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", host + ":" + port);
        headers.put("User-Agent", USER_AGENT);
        headers.put("Accept", "*/*");
        h.path("httpHeaders").forEach(x -> headers.put(x.path("name").asText(), x.path("value").asText()));
        headers.put("Connection", "close");
        StringBuilder req = new StringBuilder("GET " + (path.startsWith("/") ? path : "/" + path) + " HTTP/1.1\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("\r\n");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket s = https ? tls() : new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (s instanceof SSLSocket ssl) {
                ssl.startHandshake();
            }
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String status = statusLine(s.getInputStream());
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
                return ProbeResult.failure("Get \"" + url + "\": malformed HTTP response \"" + status + "\"");
            }
            int code = Integer.parseInt(parts[1]);
            return code >= 200 && code < 400 ? ProbeResult.OK : ProbeResult.failure("HTTP probe failed with statuscode: " + code);
        } catch (SocketTimeoutException e) {
            return ProbeResult.failure("Get \"" + url + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        } catch (IOException e) {
            return ProbeResult.failure("Get \"" + url + "\": " + e.getMessage());
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n' && b.length() < MAX_OUTPUT) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static Socket tls() throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            // the kubelet's HTTPS probes skip verification: pods serve self-signed certificates
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx.getSocketFactory().createSocket();
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is unavailable: " + e.getMessage(), e);
        }
    }
}
