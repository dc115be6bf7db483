package dev.keelson.node.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ContainerStatus;
import dev.keelson.cri.api.v1.ExecSyncRequest;
import dev.keelson.cri.api.v1.ExecSyncResponse;
import dev.keelson.cri.stream.WebSocketConnection;
import dev.keelson.node.cri.CriConnection;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /exec/<namespace>/<pod>/<container>?command=…&output=1&error=1} upgraded to a
 * WebSocket with the Kubernetes channel protocol {@code v5.channel.k8s.io} (or
 * {@code v4.channel.k8s.io}): every binary message is one channel byte (1 stdout, 2 stderr,
 * 3 the final {@code Status}; from the client 0 stdin, 4 resize, 255 close-a-channel in v5) then
 * data. kubectl 1.30+ speaks v5 first over WebSocket and falls back to SPDY only when the upgrade
 * itself fails.
 *
 * <p>The command runs through CRI {@code ExecSync}, the call every runtime implements: output
 * arrives when the command ends, not as it is written. Streaming CRI {@code Exec} (needed for
 * stdin and a TTY) is not offered by Keelson's runtime, so {@code input} or {@code tty} is
 * answered with a Failure {@code Status} saying so, after the upgrade, where kubectl shows it.
 */
final class ContainerExec {
    static final List<String> PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int ERROR = 3;
    /** The longest a command may run (the kubelet has no limit for streaming exec; ExecSync needs one). */
    private static final Duration LIMIT = Duration.ofMinutes(10);

    private final CriConnection cri;
    private final PodContainers containers;

    ContainerExec(CriConnection cri, PodContainers containers) {
        this.cri = cri;
        this.containers = containers;
    }

    void serve(KubeletRequest request, List<String> path, InputStream in, OutputStream out) throws IOException {
        if (path.size() != 4) {
            HttpReplies.text(out, 404, "expected /exec/<namespace>/<pod>/<container>");
            return;
        }
        String key = request.header("sec-websocket-key");
        if (!"websocket".equalsIgnoreCase(request.header("upgrade")) || key == null) {
            HttpReplies.text(out, 400, "exec needs a WebSocket upgrade with subprotocol " + String.join(" or ", PROTOCOLS)
                    + " (SPDY is not supported)");
            return;
        }
        String protocol = negotiate(request.header("sec-websocket-protocol"));
        if (protocol == null) {
            HttpReplies.text(out, 400, "none of the offered WebSocket subprotocols (" + request.header("sec-websocket-protocol")
                    + ") is supported; this kubelet speaks " + String.join(", ", PROTOCOLS));
            return;
        }
        List<String> command = request.params("command");
        if (command.isEmpty()) {
            HttpReplies.text(out, 400, "you must specify at least one command for the container");
            return;
        }
        String ns = path.get(1);
        String pod = path.get(2);
        String name = path.get(3);
        List<ContainerStatus> all = containers.instances(ns, pod, name);
        if (all.isEmpty() || all.get(0).getState() != ContainerState.CONTAINER_RUNNING) {
            HttpReplies.text(out, all.isEmpty() ? 404 : 400, "container \"" + name + "\" in pod \"" + pod
                    + "\" is not running on this node");
            return;
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Upgrade", "websocket");
        h.put("Connection", "Upgrade");
        h.put("Sec-WebSocket-Accept", WebSocketConnection.accept(key));
        h.put("Sec-WebSocket-Protocol", protocol);
        HttpReplies.switching(out, h);
        WebSocketConnection ws = new WebSocketConnection(in, out);
        // Answer pings and notice the client leaving while the command runs.
        Thread reader = Thread.ofVirtual().name("exec-read").start(() -> drain(ws));
        try {
            if (request.flag("input") || request.flag("tty")) {
                sendStatus(ws, failure("InternalError", "Keelson's kubelet runs exec through CRI ExecSync: stdin and "
                        + "TTY sessions (kubectl exec -i/-t) are not supported yet; run a command without them", null));
            } else {
                run(ws, all.get(0).getId(), command);
            }
            ws.close(1000, "");
        } finally {
            reader.interrupt();
        }
    }

    private void run(WebSocketConnection ws, String id, List<String> command) throws IOException {
        ExecSyncResponse r;
        try {
            r = cri.runtime(LIMIT.plusSeconds(5)).execSync(ExecSyncRequest.newBuilder().setContainerId(id)
                    .addAllCmd(command).setTimeout(LIMIT.toSeconds()).build());
        } catch (StatusRuntimeException e) {
            sendStatus(ws, failure("InternalError", "error executing command in container: "
                    + e.getStatus().getCode() + ": " + e.getStatus().getDescription(), null));
            return;
        }
        byte[] o = r.getStdout().toByteArray();
        byte[] e = r.getStderr().toByteArray();
        for (int off = 0; off < o.length; off += 32 * 1024) {
            ws.sendChannel(STDOUT, o, off, Math.min(32 * 1024, o.length - off));
        }
        for (int off = 0; off < e.length; off += 32 * 1024) {
            ws.sendChannel(STDERR, e, off, Math.min(32 * 1024, e.length - off));
        }
        if (r.getExitCode() == 0) {
            ObjectNode ok = JSON.createObjectNode();
            ok.putObject("metadata");
            ok.put("status", "Success");
            sendStatus(ws, ok);
        } else {
            sendStatus(ws, failure("NonZeroExitCode", "command terminated with non-zero exit code: error executing command "
                    + command + ", exit code " + r.getExitCode(), r.getExitCode()));
        }
    }

    /** A metav1.Status as the kubelet writes on the error channel; kubectl reads the exit code from its causes. */
    static ObjectNode failure(String reason, String message, Integer exitCode) {
        ObjectNode s = JSON.createObjectNode();
        s.putObject("metadata");
        s.put("status", "Failure").put("message", message).put("reason", reason);
        if (exitCode != null) {
            s.putObject("details").putArray("causes").addObject().put("reason", "ExitCode")
                    .put("message", Integer.toString(exitCode));
        }
        return s;
    }

    private static void sendStatus(WebSocketConnection ws, ObjectNode status) throws IOException {
        byte[] b = JSON.writeValueAsBytes(status);
        ws.sendChannel(ERROR, b, 0, b.length);
    }

    private static String negotiate(String offered) {
        if (offered == null) {
            return null;
        }
        List<String> list = List.of(offered.split(",")).stream().map(String::strip).toList();
        return PROTOCOLS.stream().filter(list::contains).findFirst().orElse(null);
    }

    private static void drain(WebSocketConnection ws) {
        try {
            while (true) {
                WebSocketConnection.Message m = ws.read();
                if (m.opcode() == WebSocketConnection.OP_CLOSE) {
                    ws.close(1000, "");
                    return;
                }
                // stdin data and v5 channel closes need no action: stdin is not attached
            }
        } catch (IOException e) {
            // the client went away or the connection closed after the command's status
        }
    }
}
