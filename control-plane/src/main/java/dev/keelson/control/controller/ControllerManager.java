package dev.keelson.control.controller;

import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keelson's kube-controller-manager: competes for the {@code kube-system/keelson-controller-manager}
 * Lease and, while it leads, runs one shared informer per resource type and every controller on
 * them — ReplicaSet, Deployment, Endpoints, Job, DaemonSet, node lifecycle, garbage collector,
 * namespace, autoscaler, node IPAM. Losing the lease stops them all (informers included), so that two
 * managers never act at once; winning it again starts fresh ones.
 */
public final class ControllerManager implements AutoCloseable {
    public static final String LEASE_NAMESPACE = "kube-system";
    public static final String LEASE_NAME = "keelson-controller-manager";
    private static final System.Logger LOG = System.getLogger(ControllerManager.class.getName());

    /**
     * @param workers reconcile threads per controller
     * @param metrics the autoscaler's CPU source; null reads the metrics.k8s.io API
     * @param nodeIpam the pods' address space cut into per-node podCIDRs; an empty cluster CIDR
     *     turns the node IPAM controller off
     */
    public record Options(int workers, LeaderElector.Timing election, NodeLifecycleController.Options nodeLifecycle,
                          HorizontalPodAutoscalerController.Options autoscaler, Duration syncTimeout, PodMetrics metrics,
                          NodeIpamController.Options nodeIpam) {
        public static final Options DEFAULTS = new Options(2, LeaderElector.Timing.DEFAULTS, NodeLifecycleController.Options.DEFAULTS,
                HorizontalPodAutoscalerController.Options.DEFAULTS, Duration.ofSeconds(60), null);

        /** Options with the default node IPAM ({@link NodeIpamController.Options#DEFAULTS}). */
        public Options(int workers, LeaderElector.Timing election, NodeLifecycleController.Options nodeLifecycle,
                       HorizontalPodAutoscalerController.Options autoscaler, Duration syncTimeout, PodMetrics metrics) {
            this(workers, election, nodeLifecycle, autoscaler, syncTimeout, metrics, NodeIpamController.Options.DEFAULTS);
        }

        public Options withNodeIpam(NodeIpamController.Options ipam) {
            return new Options(workers, election, nodeLifecycle, autoscaler, syncTimeout, metrics, ipam);
        }
    }

    private final KubeClient client;
    private final Options options;
    private final Clock clock;
    private final LeaderElector elector;
    private final List<AutoCloseable> running = new ArrayList<>();
    private volatile java.nio.file.Path localPathRoot = PersistentVolumeController.DEFAULT_ROOT;

    public ControllerManager(KubeClient client, String identity, Options options) {
        this(client, identity, options, Clock.systemUTC());
    }

    public ControllerManager(KubeClient client, String identity, Options options, Clock clock) {
        this.client = client;
        this.options = options;
        this.clock = clock;
        this.elector = new LeaderElector(client, LEASE_NAMESPACE, LEASE_NAME, identity, options.election(), clock,
                new LeaderElector.Callbacks() {
                    @Override
                    public void onStartedLeading() {
                        startControllers();
                    }

                    @Override
                    public void onStoppedLeading() {
                        stopControllers();
                    }
                });
    }

    /** Starts competing for leadership; controllers run once (and while) this manager leads. */
    /** Where the local provisioner puts volumes' directories (on their node); set before {@link #start}. */
    public ControllerManager withLocalPathRoot(java.nio.file.Path root) {
        this.localPathRoot = root;
        return this;
    }

    public ControllerManager start() {
        elector.start();
        return this;
    }

    public boolean isLeader() {
        return elector.isLeader();
    }

    /** How many controllers and informers run now (0 while not leading). */
    public synchronized int running() {
        return running.size();
    }

    private synchronized void startControllers() {
        Map<Resource, Informer> informers = new LinkedHashMap<>();
        for (Resource r : Kinds.BY_KIND.values()) {
            if (!r.equals(Resource.EVENTS)) {  // events own nothing and are many
                informers.put(r, new Informer(client, r, null, null, null));
            }
        }
        int w = options.workers();
        // Built first so that their handlers see the initial lists; started only once every cache
        // is full, or a ReplicaSet seen before its pods would get a second set of them.
        var rs = new ReplicaSetController(client, informers.get(Resource.REPLICASETS), informers.get(Resource.PODS));
        var deploy = new DeploymentController(client, informers.get(Resource.DEPLOYMENTS), informers.get(Resource.REPLICASETS));
        var endpoints = new EndpointsController(client, informers.get(Resource.SERVICES), informers.get(Resource.PODS),
                informers.get(Resource.ENDPOINTSLICES), informers.get(Resource.ENDPOINTS));
        var jobs = new JobController(client, informers.get(Resource.JOBS), informers.get(Resource.PODS), clock,
                JobDecision.DEFAULT_BACKOFF);
        var daemons = new DaemonSetController(client, informers.get(Resource.DAEMONSETS), informers.get(Resource.NODES),
                informers.get(Resource.PODS), clock);
        var nodes = new NodeLifecycleController(client, informers.get(Resource.NODES), informers.get(Resource.LEASES),
                informers.get(Resource.PODS), options.nodeLifecycle(), clock);
        var gc = new GarbageCollector(client, informers);
        var namespaces = new NamespaceController(client, informers.get(Resource.NAMESPACES));
        PodMetrics metrics = options.metrics() != null ? options.metrics() : new ApiPodMetrics(client);
        var hpa = new HorizontalPodAutoscalerController(client, informers.get(Resource.HPAS), informers.get(Resource.PODS),
                metrics, options.autoscaler(), clock);
        var volumes = new PersistentVolumeController(client, informers.get(Resource.PERSISTENTVOLUMES),
                informers.get(Resource.PERSISTENTVOLUMECLAIMS), informers.get(Resource.STORAGECLASSES),
                informers.get(Resource.NODES), localPathRoot);
        boolean ipamOn = options.nodeIpam() != null && !options.nodeIpam().clusterCidr().isEmpty();
        var ipam = ipamOn ? new NodeIpamController(client, informers.get(Resource.NODES), options.nodeIpam()) : null;
        running.addAll(informers.values());
        running.addAll(List.of(rs, deploy, endpoints, jobs, daemons, nodes, gc, namespaces, hpa, volumes));
        if (ipam != null) {
            running.add(ipam);
        }
        informers.values().forEach(Informer::start);
        try {
            for (var e : informers.entrySet()) {
                if (!e.getValue().awaitSynced(options.syncTimeout())) {
                    throw new IllegalStateException("informer for " + e.getKey().plural() + " did not sync within "
                            + options.syncTimeout());
                }
            }
        } catch (InterruptedException | IllegalStateException e) {
            stopControllers();
            throw new IllegalStateException("controllers not started: " + e.getMessage(), e);
        }
        rs.start(w);
        deploy.start(w);
        endpoints.start(w);
        jobs.start(w);
        daemons.start(w);
        nodes.start(1);
        gc.start(w);
        namespaces.start(1);
        hpa.start(1);
        volumes.start();
        if (ipam != null) {
            ipam.start(1);
        }
    }

    private synchronized void stopControllers() {
        for (AutoCloseable c : running.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stopping {0}: {1}", c.getClass().getSimpleName(), e.getMessage());
            }
        }
        running.clear();
    }

    @Override
    public void close() {
        elector.close();
        stopControllers();
    }
}
