package dev.keelson.cri.stream;

import java.io.IOException;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers a streaming request's upgrade: WebSocket (RFC 6455, subprotocol from
 * {@code Sec-WebSocket-Protocol}) or SPDY/3.1 (protocol from {@code X-Stream-Protocol-Version}),
 * choosing the first of the server's protocols, in its order of preference, that the client offers.
 */
final class Upgrades {
    /** How the connection was upgraded and with which protocol. */
    record Upgraded(boolean webSocket, String protocol) {
    }

    private Upgrades() {
    }

    /**
     * Writes 101 and returns the choice, or answers 400 (no upgrade) / 403 (no common protocol),
     * as the Kubernetes handshake does, and returns null.
     */
    static Upgraded upgrade(HttpHead head, Socket socket, List<String> webSocketProtocols, List<String> spdyProtocols)
            throws IOException {
        String upgrade = head.header("upgrade");
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket") && head.header("sec-websocket-key") != null) {
            String p = choose(webSocketProtocols, head.headerValues("sec-websocket-protocol"));
            if (p == null) {
                StreamServer.reply(socket.getOutputStream(), 403, "Forbidden", "unable to upgrade: none of the offered "
                        + "subprotocols " + head.headerValues("sec-websocket-protocol") + " is supported; this server speaks "
                        + webSocketProtocols);
                return null;
            }
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Upgrade", "websocket");
            h.put("Connection", "Upgrade");
            h.put("Sec-WebSocket-Accept", WebSocketConnection.accept(head.header("sec-websocket-key")));
            h.put("Sec-WebSocket-Protocol", p);
            StreamServer.switching(socket.getOutputStream(), h);
            return new Upgraded(true, p);
        }
        if (upgrade != null && upgrade.equalsIgnoreCase("SPDY/3.1")) {
            String p = choose(spdyProtocols, head.headerValues("x-stream-protocol-version"));
            if (p == null) {
                StreamServer.reply(socket.getOutputStream(), 403, "Forbidden", "unable to upgrade: unable to negotiate "
                        + "protocol: client supports " + head.headerValues("x-stream-protocol-version") + ", server supports "
                        + spdyProtocols);
                return null;
            }
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Connection", "Upgrade");
            h.put("Upgrade", "SPDY/3.1");
            h.put("X-Stream-Protocol-Version", p);
            StreamServer.switching(socket.getOutputStream(), h);
            return new Upgraded(false, p);
        }
        StreamServer.reply(socket.getOutputStream(), 400, "Bad Request",
                "unable to upgrade: missing upgrade headers in request (Upgrade: SPDY/3.1 or websocket)");
        return null;
    }

    private static String choose(List<String> ours, List<String> offered) {
        return ours.stream().filter(offered::contains).findFirst().orElse(null);
    }
}
