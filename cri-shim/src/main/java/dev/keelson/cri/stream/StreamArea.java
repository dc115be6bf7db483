package dev.keelson.cri.stream;

import com.google.protobuf.Message;
import dev.keelson.cri.api.v1.AttachRequest;
import dev.keelson.cri.api.v1.AttachResponse;
import dev.keelson.cri.api.v1.ExecRequest;
import dev.keelson.cri.api.v1.ExecResponse;
import dev.keelson.cri.api.v1.PortForwardRequest;
import dev.keelson.cri.api.v1.PortForwardResponse;
import dev.keelson.cri.api.v1.RuntimeServiceGrpc;
import dev.keelson.cri.container.ContainerManager;
import dev.keelson.cri.container.ContainerRecord;
import dev.keelson.cri.container.NotFoundException;
import dev.keelson.cri.sandbox.SandboxManager;
import dev.keelson.cri.sandbox.SandboxRecord;
import dev.keelson.cri.server.CriArea;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CRI Exec, Attach and PortForward with their streaming server. The RPC checks the request (container
 * running; a stream requested; not tty with stderr; sandbox ready), keeps it under a one-time
 * token and answers {@code http://ADDR:PORT/exec/TOKEN} (or {@code /portforward/TOKEN}); the
 * client then connects there with SPDY/3.1 or a WebSocket and the command runs, or connections
 * are forwarded into the pod. An unknown, used or expired token is 404.
 */
public final class StreamArea implements CriArea, RuntimeServiceGrpc.AsyncService, AutoCloseable {
    /** remotecommand over SPDY, in order of preference ({@code channel.k8s.io} is v1). */
    static final List<String> SPDY_COMMAND = List.of("v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io",
            "channel.k8s.io");

    private final SandboxManager sandboxes;
    private final ContainerManager containers;
    private final StreamTokens<Message> tokens;
    private final StreamServer server;

    private StreamArea(SandboxManager sandboxes, ContainerManager containers, Duration ttl, InetSocketAddress address)
            throws IOException {
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.tokens = new StreamTokens<>(ttl);
        this.server = StreamServer.start(address, this::serve);
    }

    /** Starts the streaming server on {@code address} (port 0: a free port); tokens live {@code ttl}. */
    public static StreamArea start(SandboxManager sandboxes, ContainerManager containers, InetSocketAddress address,
            Duration ttl) throws IOException {
        return new StreamArea(sandboxes, containers, ttl, address);
    }

    /** The streaming server's base URL. */
    public java.net.URI base() {
        return server.base();
    }

    @Override
    public String name() {
        return "streaming";
    }

    @Override
    public Set<String> rpcs() {
        return Set.of("Exec", "Attach", "PortForward");
    }

    @Override
    public List<ServerServiceDefinition> services() {
        return List.of(RuntimeServiceGrpc.bindService(this));
    }

    @Override
    public void exec(ExecRequest req, StreamObserver<ExecResponse> out) {
        try {
            if (req.getCmdCount() == 0) {
                throw Status.INVALID_ARGUMENT.withDescription("cmd must not be empty").asRuntimeException();
            }
            checkStreams(req.getStdin(), req.getStdout(), req.getStderr(), req.getTty());
            running(req.getContainerId());
            out.onNext(ExecResponse.newBuilder().setUrl(url("exec", req)).build());
            out.onCompleted();
        } catch (io.grpc.StatusRuntimeException e) {
            out.onError(e);
        }
    }

    @Override
    public void attach(AttachRequest req, StreamObserver<AttachResponse> out) {
        try {
            checkStreams(req.getStdin(), req.getStdout(), req.getStderr(), req.getTty());
            ContainerRecord r = running(req.getContainerId());
            if (req.getTty() != r.containerConfig().getTty()) {
                throw Status.INVALID_ARGUMENT.withDescription("tty " + req.getTty() + " does not match container "
                        + r.id() + ", created with tty " + r.containerConfig().getTty()).asRuntimeException();
            }
            out.onNext(AttachResponse.newBuilder().setUrl(url("attach", req)).build());
            out.onCompleted();
        } catch (io.grpc.StatusRuntimeException e) {
            out.onError(e);
        }
    }

    @Override
    public void portForward(PortForwardRequest req, StreamObserver<PortForwardResponse> out) {
        try {
            SandboxRecord pod;
            try {
                pod = sandboxes.get(req.getPodSandboxId());
            } catch (NotFoundException e) {
                throw Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
            }
            if (!pod.state().equals(SandboxRecord.READY)) {
                throw Status.FAILED_PRECONDITION.withDescription("pod sandbox " + pod.id() + " is not ready").asRuntimeException();
            }
            for (int p : req.getPortList()) {
                if (p <= 0 || p > 65535) {
                    throw Status.INVALID_ARGUMENT.withDescription("invalid port " + p).asRuntimeException();
                }
            }
            out.onNext(PortForwardResponse.newBuilder().setUrl(url("portforward", req)).build());
            out.onCompleted();
        } catch (io.grpc.StatusRuntimeException e) {
            out.onError(e);
        }
    }

    /** The stream choices of an Exec or Attach: at least one stream, and no stderr beside a terminal. */
    private static void checkStreams(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        if (!stdin && !stdout && !stderr) {
            throw Status.INVALID_ARGUMENT.withDescription("one of stdin, stdout, or stderr must be set").asRuntimeException();
        }
        if (tty && stderr) {
            throw Status.INVALID_ARGUMENT.withDescription("tty and stderr cannot both be true").asRuntimeException();
        }
    }

    private ContainerRecord running(String id) {
        ContainerRecord r;
        try {
            r = containers.get(id);
        } catch (NotFoundException e) {
            throw Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
        }
        if (!r.state().equals(ContainerRecord.RUNNING)) {
            throw Status.FAILED_PRECONDITION.withDescription("container " + id + " is " + r.state() + ", not RUNNING")
                    .asRuntimeException();
        }
        return r;
    }

    private String url(String kind, Message req) {
        return server.base() + "/" + kind + "/" + tokens.put(req);
    }

    /** The HTTP side: {@code /exec/TOKEN}, {@code /portforward/TOKEN}. */
    private void serve(HttpHead head, Socket socket) throws IOException {
        String[] parts = head.path().split("/");
        Message req = parts.length == 3 && parts[0].isEmpty() ? tokens.take(parts[2]).orElse(null) : null;
        boolean exec = req instanceof ExecRequest && parts[1].equals("exec");
        boolean attach = req instanceof AttachRequest && parts[1].equals("attach");
        boolean forward = req instanceof PortForwardRequest && parts[1].equals("portforward");
        if (!exec && !attach && !forward) {
            StreamServer.reply(socket.getOutputStream(), 404, "Not Found", "streaming request not found or expired: " + head.path());
            return;
        }
        if (exec) {
            serveExec((ExecRequest) req, head, socket);
        } else if (attach) {
            serveAttach((AttachRequest) req, head, socket);
        } else {
            servePortForward((PortForwardRequest) req, head, socket);
        }
    }

    private void serveExec(ExecRequest req, HttpHead head, Socket socket) throws IOException {
        CommandStreams s = commandStreams(head, socket, req.getStdin(), req.getStdout(), req.getStderr(), req.getTty());
        if (s != null) {
            String id = req.getContainerId();
            ExecSession.run(s, containers.runtimeOf(id), id, req.getCmdList(), req.getTty());
        }
    }

    private void serveAttach(AttachRequest req, HttpHead head, Socket socket) throws IOException {
        CommandStreams s = commandStreams(head, socket, req.getStdin(), req.getStdout(), req.getStderr(), req.getTty());
        if (s == null) {
            return;
        }
        String id = req.getContainerId();
        try {
            AttachSession.run(s, (out, err) -> containers.attach(id, out, err));
        } catch (NotFoundException | IllegalStateException e) {
            s.status(StatusJson.failure("cannot attach to container " + id + ": " + e.getMessage()));
            s.close();
        }
    }

    /** The upgraded session's streams (the ones asked for), or null when the upgrade was refused (already answered). */
    private static CommandStreams commandStreams(HttpHead head, Socket socket, boolean stdin, boolean stdout, boolean stderr,
            boolean tty) throws IOException {
        Upgrades.Upgraded u = Upgrades.upgrade(head, socket, WebSocketCommandStreams.PROTOCOLS, SPDY_COMMAND);
        if (u == null) {
            return null;
        }
        boolean withStderr = stderr && !tty;
        if (u.webSocket()) {
            return new WebSocketCommandStreams(socket, u.protocol(), stdin, stdout, withStderr, tty);
        }
        Set<String> expected = new HashSet<>(Set.of("error"));
        if (stdin) {
            expected.add("stdin");
        }
        if (stdout) {
            expected.add("stdout");
        }
        if (withStderr) {
            expected.add("stderr");
        }
        if (tty && !u.protocol().equals("channel.k8s.io") && !u.protocol().startsWith("v2.")) {
            expected.add("resize");
        }
        return SpdyCommandStreams.open(socket, u.protocol().startsWith("v4."), expected);
    }

    private void servePortForward(PortForwardRequest req, HttpHead head, Socket socket) throws IOException {
        Upgrades.Upgraded u = Upgrades.upgrade(head, socket, PortForwardSession.WS_PROTOCOLS,
                List.of(PortForwardSession.SPDY_PROTOCOL));
        if (u == null) {
            return;
        }
        SandboxRecord pod = sandboxes.get(req.getPodSandboxId());
        PodDialer dialer = new PodDialer(pod.netns() == null ? null : Path.of(pod.netns()));
        if (!u.webSocket()) {
            PortForwardSession.spdy(socket, dialer, new HashSet<>(req.getPortList()));
            return;
        }
        List<Integer> ports = new ArrayList<>();
        for (String list : head.query().getOrDefault("ports", List.of())) {
            for (String p : list.split(",")) {
                try {
                    ports.add(Integer.parseInt(p.strip()));
                } catch (NumberFormatException e) {
                    // skipped: a port the pod cannot have
                }
            }
        }
        if (ports.isEmpty()) {
            ports.addAll(req.getPortList());
        }
        PortForwardSession.webSocket(socket, dialer, ports);
    }

    /** Stops the streaming server; sessions in progress end. */
    @Override
    public void close() {
        server.close();
    }
}
