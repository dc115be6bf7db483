package dev.keelson.node.server;

import dev.keelson.cri.api.v1.AttachRequest;
import dev.keelson.cri.api.v1.ContainerState;
import dev.keelson.cri.api.v1.ContainerStatus;
import dev.keelson.cri.api.v1.ExecRequest;
import dev.keelson.node.cri.CriConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;

/**
 * {@code /exec/<namespace>/<pod>/<container>?command=…&input=1&output=1&error=1&tty=1} and
 * {@code /attach/<namespace>/<pod>/<container>?…} (also with the pod UID before the container, as
 * the kubelet accepts): the container is found by its CRI labels, CRI {@code Exec} or
 * {@code Attach} returns the runtime's one-time streaming URL, and the client's upgrade (SPDY/3.1
 * with {@code X-Stream-Protocol-Version} {@code v4.channel.k8s.io}…, or a WebSocket with
 * {@code v5.channel.k8s.io}…) is relayed to it by {@link StreamRelay}. The runtime negotiates the
 * protocol, runs the command and writes its exit {@code Status}, so every combination of stdin,
 * stdout, stderr and TTY works as the runtime serves it.
 */
final class ContainerExec {
    private final CriConnection cri;
    private final PodContainers containers;

    ContainerExec(CriConnection cri, PodContainers containers) {
        this.cri = cri;
        this.containers = containers;
    }

    /** Serves {@code /exec/…} ({@code attach} false) or {@code /attach/…}. */
    void serve(KubeletRequest request, List<String> path, boolean attach, Socket client, InputStream in, OutputStream out)
            throws IOException {
        String what = attach ? "attach" : "exec";
        if (path.size() != 4 && path.size() != 5) {
            HttpReplies.text(out, 404, "expected /" + what + "/<namespace>/<pod>/<container>");
            return;
        }
        if (request.header("upgrade") == null) {
            HttpReplies.text(out, 400, "Upgrade request required (SPDY/3.1 or websocket)");
            return;
        }
        List<String> command = request.params("command");
        if (!attach && command.isEmpty()) {
            HttpReplies.text(out, 400, "you must specify at least one command for the container");
            return;
        }
        boolean tty = request.flag("tty");
        boolean stdin = request.flag("input");
        boolean stdout = request.flag("output");
        // With a TTY stderr is merged into stdout, as kubectl expects (it asks for no stderr then).
        boolean stderr = request.flag("error") && !tty;
        if (!stdin && !stdout && !stderr) {
            HttpReplies.text(out, 400, "you must specify at least one of stdin, stdout, stderr");
            return;
        }
        String ns = path.get(1);
        String pod = path.get(2);
        String name = path.get(path.size() - 1);
        List<ContainerStatus> all = containers.instances(ns, pod, name);
        if (all.isEmpty() || all.get(0).getState() != ContainerState.CONTAINER_RUNNING) {
            HttpReplies.text(out, all.isEmpty() ? 404 : 400, "container \"" + name + "\" in pod \"" + pod
                    + "\" is not running on this node");
            return;
        }
        String id = all.get(0).getId();
        String url = attach
                ? cri.runtime().attach(AttachRequest.newBuilder().setContainerId(id).setStdin(stdin).setTty(tty)
                        .setStdout(stdout).setStderr(stderr).build()).getUrl()
                : cri.runtime().exec(ExecRequest.newBuilder().setContainerId(id).addAllCmd(command).setTty(tty)
                        .setStdin(stdin).setStdout(stdout).setStderr(stderr).build()).getUrl();
        StreamRelay.relay(url, "", request, client, in, out);
    }
}
