package dev.keelson.control.api.http;

import java.net.Socket;

/**
 * The backend side of an upgraded connection (exec through a node agent): a connected socket
 * whose peer has already answered {@code 101 Switching Protocols}, and the bytes read from it past
 * that answer. After the client's upgrade the two are joined byte for byte, as Kubernetes'
 * {@code UpgradeAwareHandler} joins kubectl and the kubelet, so the WebSocket framing runs end to
 * end between them.
 *
 * @param backend the socket to the backend (closed when either side ends)
 * @param alreadyRead bytes the backend sent after its response head, to be passed on first
 */
public record Tunnel(Socket backend, byte[] alreadyRead) {}
