package dev.keelson.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.client.Resource;
import dev.keelson.node.cri.CriConnection;
import dev.keelson.node.node.NodeHeartbeat;
import dev.keelson.node.pod.Pleg;
import dev.keelson.node.pod.PodSyncer;
import dev.keelson.node.pod.PodWorkers;
import dev.keelson.node.pod.SandboxConfigs;
import dev.keelson.node.proxy.NodeProxy;
import dev.keelson.node.server.KubeletApiOptions;
import dev.keelson.node.server.KubeletServer;
import dev.keelson.node.server.ServingCertificate;
import dev.keelson.node.server.StatsSummary;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The node agent (Keelson's kubelet): registers the Node and keeps its Lease and status fresh
 * ({@link NodeHeartbeat}), watches the pods bound to this node
 * ({@code fieldSelector=spec.nodeName=<node>}) and runs each through the CRI endpoint
 * ({@link PodWorkers} → {@link PodSyncer}), while the {@link Pleg} relists the runtime every second
 * to notice exits.
 *
 * <pre>
 *   API server ──watch pods──► Informer ──► PodWorkers ──► PodSyncer ──CRI──► runtime
 *        ▲                                     ▲                                 │
 *        └── Node, Lease, pod status ◄─────────┴──────── Pleg (relist 1 s) ◄─────┘
 * </pre>
 */
public final class NodeAgent implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final NodeAgentConfig config;
    private final CriConnection cri;
    private final NodeHeartbeat heartbeat;
    private final PodWorkers workers;
    private final Informer pods;
    private final Pleg pleg;
    private final KubeletServer kubeletApi;
    private final NodeProxy proxy;

    private NodeAgent(NodeAgentConfig config, CriConnection cri, NodeHeartbeat heartbeat, PodWorkers workers,
                      Informer pods, Pleg pleg, KubeletServer kubeletApi, NodeProxy proxy) {
        this.config = config;
        this.cri = cri;
        this.heartbeat = heartbeat;
        this.workers = workers;
        this.pods = pods;
        this.pleg = pleg;
        this.kubeletApi = kubeletApi;
        this.proxy = proxy;
    }

    /**
     * Connects to the API server and the runtime, registers the node and starts every loop.
     *
     * @param log receives one line per notable action (registration, pod teardown, failures)
     * @throws IOException when the kubeconfig cannot be read
     */
    public static NodeAgent start(NodeAgentConfig config, Consumer<String> log) throws IOException, InterruptedException {
        return start(config, NodeServices.none(), log);
    }

    /**
     * Like {@link #start(NodeAgentConfig, Consumer)}, with the kubelet API and/or the Service proxy.
     * The kubelet API listens before the Node is registered, so the Node reports the bound port.
     */
    public static NodeAgent start(NodeAgentConfig given, NodeServices services, Consumer<String> log)
            throws IOException, InterruptedException {
        KubeClient client = new KubeClient(Kubeconfig.load(given.kubeconfig()), "keelson-node/" + given.nodeName());
        CriConnection cri = CriConnection.open(given.criSocket());
        KubeletServer kubeletApi = null;
        if (services.kubeletApi() != null) {
            KubeletApiOptions o = services.kubeletApi();
            List<String> names = given.nodeIp() == null ? List.of() : List.of(given.nodeIp());
            try {
                ServingCertificate cert = ServingCertificate.issue(o.caCert(), o.caKey(), given.nodeName(), names);
                kubeletApi = KubeletServer.start(o.bindAddress(), o.port(), cert, o.requireClientCert(), cri,
                        new StatsSummary(cri, given.nodeName()), log);
            } catch (IOException e) {
                cri.close();
                throw e;
            }
            log.accept("kubelet API on " + o.bindAddress() + ":" + kubeletApi.port());
        }
        NodeAgentConfig config = kubeletApi == null ? given : given.withKubeletPort(kubeletApi.port());
        NodeHeartbeat heartbeat = new NodeHeartbeat(config, client, cri, log).start();
        String runtimeName = heartbeat.runtimeVersion().substring(0, heartbeat.runtimeVersion().indexOf("://"));
        var resolv = SandboxConfigs.hostResolv(Path.of("/etc/resolv.conf"));
        PodWorkers workers = new PodWorkers(w -> new PodSyncer(config, client, cri, runtimeName, heartbeat.nodeIp(),
                resolv, w::resyncLater, log));
        Informer pods = new Informer(client, Resource.PODS, null,
                "fieldSelector=" + URLEncoder.encode("spec.nodeName=" + config.nodeName(), StandardCharsets.UTF_8),
                Informer.Handler.of(workers::update, workers::removed)).start();
        if (!pods.awaitSynced(Duration.ofSeconds(30))) {
            log.accept("pods of node " + config.nodeName() + " not listed within 30 s; still trying");
        } else {
            workers.cleanupOrphanVolumes();
        }
        Pleg pleg = new Pleg(cri, config.timings().relist(), workers::trigger, uid -> workers.uids().contains(uid),
                o -> {
                    log.accept("pod " + o.namespace() + "/" + o.name() + " (" + o.uid() + ") is not on the API server; tearing it down");
                    ObjectNode ghost = MAPPER.createObjectNode();
                    ghost.putObject("metadata").put("uid", o.uid()).put("namespace", o.namespace()).put("name", o.name());
                    workers.removed(ghost);
                }, log).start();
        NodeProxy proxy = null;
        if (services.proxy() != null) {
            proxy = NodeProxy.start(client, config.nodeName(), List.of(InetAddress.getByName(heartbeat.nodeIp())),
                    services.proxy(), log);
        }
        log.accept("node agent " + config.nodeName() + " running pods through " + config.criSocket());
        return new NodeAgent(config, cri, heartbeat, workers, pods, pleg, kubeletApi, proxy);
    }

    /** The configuration. */
    public NodeAgentConfig config() {
        return config;
    }

    /** The InternalIP reported (pods' hostIP). */
    public String nodeIp() {
        return heartbeat.nodeIp();
    }

    /** The kubelet API's port, or -1 when it is not served. */
    public int kubeletPort() {
        return kubeletApi == null ? -1 : kubeletApi.port();
    }

    /** The Service proxy, or null when it does not run. */
    public NodeProxy proxy() {
        return proxy;
    }

    /**
     * Stops the loops; pods keep running in the runtime (a restarted agent adopts them). The
     * Service proxy's rules are removed.
     */
    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        if (kubeletApi != null) {
            kubeletApi.close();
        }
        pleg.close();
        pods.close();
        workers.close();
        heartbeat.close();
        cri.close();
    }
}
