package dev.keelson.node.server;

import dev.keelson.cri.api.v1.ListPodSandboxRequest;
import dev.keelson.cri.api.v1.PodSandbox;
import dev.keelson.cri.api.v1.PodSandboxFilter;
import dev.keelson.cri.api.v1.PodSandboxState;
import dev.keelson.cri.api.v1.PodSandboxStateValue;
import dev.keelson.cri.api.v1.PortForwardRequest;
import dev.keelson.node.cri.CriConnection;
import dev.keelson.node.pod.CriLabels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code /portForward/<namespace>/<pod>[/<uid>]?port=…}: the pod's ready sandbox is found by its
 * CRI labels, CRI {@code PortForward} returns the runtime's streaming URL, and the client's upgrade
 * is relayed to it ({@link StreamRelay}). Over SPDY ({@code portforward.k8s.io}) the client names
 * each port in its stream headers; over a WebSocket ({@code v4.portforward.k8s.io}) the ports are
 * the {@code port} parameters, which go into the CRI request and on to the runtime's URL.
 */
final class PodPortForward {
    private final CriConnection cri;

    PodPortForward(CriConnection cri) {
        this.cri = cri;
    }

    void serve(KubeletRequest request, List<String> path, Socket client, InputStream in, OutputStream out)
            throws IOException {
        if (path.size() != 3 && path.size() != 4) {
            HttpReplies.text(out, 404, "expected /portForward/<namespace>/<pod>");
            return;
        }
        if (request.header("upgrade") == null) {
            HttpReplies.text(out, 400, "Upgrade request required (SPDY/3.1 or websocket)");
            return;
        }
        List<Integer> ports = new ArrayList<>();
        StringBuilder query = new StringBuilder();
        for (String p : request.params("port")) {
            int port = parsePort(p);
            if (port < 0) {
                HttpReplies.text(out, 400, "invalid port \"" + p + "\": ports must be 1-65535");
                return;
            }
            ports.add(port);
            query.append(query.isEmpty() ? "" : "&").append("port=").append(port);
        }
        String ns = path.get(1);
        String pod = path.get(2);
        String uid = path.size() == 4 ? path.get(3) : null;
        var filter = PodSandboxFilter.newBuilder().putLabelSelector(CriLabels.POD_NAMESPACE, ns)
                .putLabelSelector(CriLabels.POD_NAME, pod)
                .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY));
        if (uid != null) {
            filter.putLabelSelector(CriLabels.POD_UID, uid);
        }
        List<PodSandbox> sandboxes = cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(filter)
                .build()).getItemsList();
        if (sandboxes.isEmpty()) {
            HttpReplies.text(out, 404, "pod \"" + pod + "\" in namespace \"" + ns + "\" has no ready sandbox on this node");
            return;
        }
        PodSandbox newest = sandboxes.stream().max(Comparator.comparingLong(PodSandbox::getCreatedAt)).orElseThrow();
        String url = cri.runtime().portForward(PortForwardRequest.newBuilder().setPodSandboxId(newest.getId())
                .addAllPort(ports).build()).getUrl();
        StreamRelay.relay(url, query.toString(), request, client, in, out);
    }

    /** A port 1-65535, or -1. */
    static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s.strip());
            return p >= 1 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
