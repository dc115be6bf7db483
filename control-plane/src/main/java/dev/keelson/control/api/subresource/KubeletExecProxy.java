package dev.keelson.control.api.subresource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.http.Responder;
import dev.keelson.control.api.http.Tunnel;
import dev.keelson.control.api.rest.ApiException;
import dev.keelson.control.api.rest.Subresources;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * {@code pods/exec}, {@code pods/attach} and {@code pods/portforward}: kubectl's upgrade request,
 * SPDY/3.1 ({@code X-Stream-Protocol-Version}, kubectl before 1.30 and the fallback of later ones) or
 * WebSocket ({@code v5.channel.k8s.io}, kubectl 1.30+), is forwarded as it is to the node agent's
 * {@code /exec/<ns>/<pod>/<container>}, {@code /attach/…} or {@code /portForward/<ns>/<pod>} with the
 * kubelet's parameter names ({@code command}, {@code input}, {@code output}, {@code error},
 * {@code tty}, {@code port}) and the client's upgrade headers. When the node answers 101 the client
 * gets the same 101 (its {@code Sec-WebSocket-Accept} matches the client's key, since the key was
 * passed on; the SPDY protocol version is the one the runtime chose) and the two connections are
 * joined byte for byte, so the framing runs end to end between kubectl and the container runtime.
 * A node that answers otherwise becomes a Status with its text, before any upgrade, so kubectl
 * reports it (and, for a failed WebSocket upgrade, falls back to SPDY). A WebSocket port-forward
 * asking for {@code SPDY/3.1+portforward.k8s.io} (kubectl 1.31+) is the one translation: the node
 * gets a plain SPDY upgrade and {@link WebSocketTunnel} carries the SPDY bytes in WebSocket messages.
 */
public final class KubeletExecProxy implements Subresources.ExecProxy {
    private static final List<String> FORWARDED = List.of("sec-websocket-key", "sec-websocket-version",
            "sec-websocket-protocol");
    /** Headers of the node's 101 passed back to the client, in their usual spelling. */
    private static final List<String> ANSWERED = List.of("Sec-WebSocket-Accept", "Sec-WebSocket-Protocol",
            "X-Stream-Protocol-Version");
    private final SSLContext tls;

    /** @param tls trust for the node agents' serving certificates, and the API server's client certificate */
    public KubeletExecProxy(SSLContext tls) {
        this.tls = tls;
    }

    @Override
    public void stream(Subresources.Stream kind, ApiRequest request, Responder out, ObjectNode pod, ObjectNode node,
                       String container) throws IOException {
        String upgrade = request.header("upgrade");
        if (upgrade == null || !(upgrade.equalsIgnoreCase("websocket") || upgrade.equalsIgnoreCase("SPDY/3.1"))) {
            throw ApiException.badRequest(upgrade == null ? "Upgrade request required"
                    : "unsupported upgrade \"" + upgrade + "\": Keelson streams over SPDY/3.1 or WebSocket");
        }
        String what = switch (kind) {
            case EXEC -> "exec";
            case ATTACH -> "attach";
            case PORT_FORWARD -> "port-forward";
        };
        String nodeName = node.path("metadata").path("name").asText();
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
        String ip = null;
        for (JsonNode a : node.path("status").path("addresses")) {
            if (a.path("type").asText().equals("InternalIP")) {
                ip = a.path("address").asText();
            }
        }
        if (port == 0 || ip == null) {
            throw ApiException.unavailable("unable to reach node \"" + nodeName + "\" for " + what + ": the node reports no "
                    + "kubelet endpoint (status.addresses InternalIP and daemonEndpoints.kubeletEndpoint.Port)");
        }
        String target = target(kind, pod, container, request);
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        boolean handedOver = false;
        try {
            try {
                s.connect(new InetSocketAddress(ip, port), 5_000);
                SSLParameters p = s.getSSLParameters();
                p.setApplicationProtocols(new String[] {"http/1.1"});
                s.setSSLParameters(p);
                s.startHandshake();
            } catch (IOException e) {
                throw ApiException.unavailable("unable to reach node \"" + nodeName + "\" at " + ip + ":" + port
                        + " for " + what + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
            // kubectl 1.31+ port-forward: SPDY inside WebSocket messages, spoken to the node as plain SPDY.
            List<String> tunnelled = tunnelledProtocols(kind, upgrade, request);
            OutputStream o = s.getOutputStream();
            o.write(nodeHead(target, ip, port, upgrade, request, tunnelled).getBytes(StandardCharsets.ISO_8859_1));
            o.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            Map<String, String> headers = new LinkedHashMap<>();
            int code = readHead(in, headers);
            if (code != 101) {
                String text = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
                throw failed(code, "node \"" + nodeName + "\" answered " + code + " for " + what + ": " + text);
            }
            byte[] buffered = new byte[in.available()];
            int got = Math.max(0, in.read(buffered, 0, buffered.length));
            byte[] early = Arrays.copyOf(buffered, got);
            if (tunnelled.isEmpty()) {
                out.upgrade(clientReply(headers, upgrade), new Tunnel(s, early));
            } else {
                Map<String, String> reply = new LinkedHashMap<>();
                reply.put("Upgrade", "websocket");
                reply.put("Connection", "Upgrade");
                reply.put("Sec-WebSocket-Accept", WebSocketTunnel.accept(request.header("sec-websocket-key")));
                reply.put("Sec-WebSocket-Protocol", WebSocketTunnel.PREFIX
                        + headers.getOrDefault("x-stream-protocol-version", tunnelled.getFirst()));
                out.upgrade(reply, new Tunnel(new WebSocketTunnel(s, early), new byte[0]));
            }
            handedOver = true;
        } finally {
            if (!handedOver) {
                s.close();
            }
        }
    }

    /**
     * The SPDY protocols a WebSocket port-forward asks to tunnel ({@code SPDY/3.1+portforward.k8s.io}
     * gives {@code portforward.k8s.io}), or none for every other request.
     */
    static List<String> tunnelledProtocols(Subresources.Stream kind, String upgrade, ApiRequest request) {
        if (kind != Subresources.Stream.PORT_FORWARD || !upgrade.equalsIgnoreCase("websocket")
                || request.header("sec-websocket-key") == null) {
            return List.of();
        }
        return versions(request.header("sec-websocket-protocol")).stream().filter(p -> p.startsWith(WebSocketTunnel.PREFIX))
                .map(p -> p.substring(WebSocketTunnel.PREFIX.length())).toList();
    }

    /** The upgrade request sent to the node: the client's own, or plain SPDY for a tunnelled port-forward. */
    static String nodeHead(String target, String ip, int port, String upgrade, ApiRequest request, List<String> tunnelled) {
        StringBuilder head = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: ")
                .append(ip.contains(":") ? "[" + ip + "]" : ip).append(':').append(port)
                .append("\r\nUpgrade: ").append(tunnelled.isEmpty() ? upgrade : "SPDY/3.1").append("\r\nConnection: Upgrade\r\n");
        for (String h : tunnelled.isEmpty() ? FORWARDED : List.<String>of()) {
            if (request.header(h) != null) {
                head.append(h).append(": ").append(request.header(h)).append("\r\n");
            }
        }
        // One line per offered version: Go servers read each line as one protocol name.
        for (String v : tunnelled.isEmpty() ? versions(request.header("x-stream-protocol-version")) : tunnelled) {
            head.append("X-Stream-Protocol-Version: ").append(v).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** The client's 101: the node's upgrade and protocol headers, passed on. */
    private static Map<String, String> clientReply(Map<String, String> nodeHeaders, String upgrade) {
        Map<String, String> reply = new LinkedHashMap<>();
        reply.put("Upgrade", nodeHeaders.getOrDefault("upgrade", upgrade));
        reply.put("Connection", "Upgrade");
        for (String h : ANSWERED) {
            String v = nodeHeaders.get(h.toLowerCase(Locale.ROOT));
            if (v != null) {
                reply.put(h, v);
            }
        }
        return reply;
    }

    /** The node's answer as a Status: its code kept where kubectl tells the cases apart. */
    static ApiException failed(int code, String message) {
        return switch (code) {
            case 400 -> new ApiException(400, "BadRequest", message, null);
            case 403 -> new ApiException(403, "Forbidden", message, null);
            case 404 -> new ApiException(404, "NotFound", message, null);
            case 501 -> new ApiException(501, "NotImplemented", message, null);
            default -> new ApiException(502, "InternalError", message, null);
        };
    }

    /** The kubelet API path and query for a stream. */
    static String target(Subresources.Stream kind, ObjectNode pod, String container, ApiRequest request) {
        String podPath = enc(pod.path("metadata").path("namespace").asText()) + "/"
                + enc(pod.path("metadata").path("name").asText());
        return switch (kind) {
            case EXEC -> "/exec/" + podPath + "/" + enc(container) + "?" + query(request, true);
            case ATTACH -> "/attach/" + podPath + "/" + enc(container) + "?" + query(request, false);
            case PORT_FORWARD -> "/portForward/" + podPath + ports(request);
        };
    }

    /** PodPortForwardOptions {@code ports} (repeated or comma-separated) as the kubelet's {@code port} parameters. */
    private static String ports(ApiRequest request) {
        StringBuilder q = new StringBuilder();
        for (String list : request.params("ports")) {
            for (String p : versions(list)) {
                q.append(q.isEmpty() ? "?" : "&").append("port=").append(enc(p));
            }
        }
        return q.toString();
    }

    /** The items of a comma-separated header or parameter value. */
    static List<String> versions(String value) {
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** kubectl's option names mapped to the kubelet's ({@code stdin} is {@code input}, and so on). */
    private static String query(ApiRequest request, boolean withCommand) {
        StringBuilder q = new StringBuilder();
        for (String c : withCommand ? request.params("command") : List.<String>of()) {
            q.append(q.isEmpty() ? "" : "&").append("command=").append(enc(c));
        }
        String[][] map = {{"stdin", "input"}, {"stdout", "output"}, {"stderr", "error"}, {"tty", "tty"}};
        for (String[] m : map) {
            if (request.flag(m[0])) {
                q.append(q.isEmpty() ? "" : "&").append(m[1]).append("=1");
            }
        }
        return q.toString();
    }

    /** Reads a status line and headers (lower-cased names); the stream is left at the body. */
    private static int readHead(InputStream in, Map<String, String> headers) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int code = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the node closed the connection before answering");
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String l = line.toString(StandardCharsets.ISO_8859_1).strip();
            line.reset();
            if (l.isEmpty()) {
                return code;
            }
            if (code < 0) {
                String[] parts = l.split(" ", 3);
                code = Integer.parseInt(parts[1]);
            } else if (l.indexOf(':') > 0) {
                headers.put(l.substring(0, l.indexOf(':')).strip().toLowerCase(Locale.ROOT),
                        l.substring(l.indexOf(':') + 1).strip());
            }
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
