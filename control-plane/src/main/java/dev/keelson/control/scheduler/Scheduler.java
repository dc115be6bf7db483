package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.control.model.VolumeClaims;
import dev.keelson.control.scheduler.plugins.VolumeBinding;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The scheduler process: informers on nodes and pods feed the {@link Snapshot} and the
 * {@link SchedulingQueue}; one loop takes pods in priority order, runs the {@link Algorithm},
 * assumes the pod on the chosen node at once (so the next cycle sees it) and binds it through
 * {@code pods/binding} asynchronously. A failed bind forgets the assumption and retries the pod.
 * A pod that fits nowhere gets {@code PodScheduled=False} with kube-scheduler's message and a
 * FailedScheduling event, and may preempt lower-priority pods.
 */
public final class Scheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_BINDS_IN_FLIGHT = 64;
    /** Events are best effort (as kube-scheduler's broadcaster drops them when its queue is full): never let them crowd out binds. */
    private static final int MAX_EVENTS_IN_FLIGHT = 8;

    private final KubeClient client;
    private final Algorithm algorithm;
    private final Preemption preemption;
    private final Snapshot snapshot = new Snapshot();
    private final ReentrantLock lock = new ReentrantLock();
    private final SchedulingQueue queue = new SchedulingQueue();
    private final Map<String, String> assumed = new ConcurrentHashMap<>();
    private final Map<String, PodInfo> placed = new ConcurrentHashMap<>();
    /** Bound pods whose node the node informer has not delivered yet, by node name. */
    private final Map<String, Map<String, PodInfo>> orphans = new ConcurrentHashMap<>();
    private final Semaphore inFlight = new Semaphore(MAX_BINDS_IN_FLIGHT);
    private final Semaphore eventsInFlight = new Semaphore(MAX_EVENTS_IN_FLIGHT);
    private final AtomicLong droppedEvents = new AtomicLong();
    private final AtomicLong order = new AtomicLong();
    private final AtomicLong bound = new AtomicLong();
    private final boolean events;
    private Informer nodes;
    private InformerVolumes storage;
    private Informer pods;
    private volatile boolean closed;
    private Thread loop;

    public Scheduler(KubeClient client, Profile profile, boolean events) {
        this.client = client;
        this.algorithm = new Algorithm(profile);
        this.preemption = new Preemption(algorithm);
        this.events = events;
    }

    /** Starts the informers and the scheduling loop; returns once both caches are synced. */
    public Scheduler start(Duration syncTimeout) throws InterruptedException {
        nodes = new Informer(client, Resource.NODES, null, null, new NodeHandler()).start();
        pods = new Informer(client, Resource.PODS, null, null, new PodHandler()).start();
        if (!nodes.awaitSynced(syncTimeout) || !pods.awaitSynced(syncTimeout)) {
            throw new IllegalStateException("scheduler: caches did not sync within " + syncTimeout);
        }
        storage = new InformerVolumes(client, queue::moveAllToActive).start(syncTimeout);
        volumeBinding().ifPresent(v -> v.attach(storage));
        loop = Thread.ofPlatform().name("scheduler").daemon().start(this::run);
        return this;
    }

    /** Pods bound since start. */
    public long bound() {
        return bound.get();
    }

    /** Events not sent because too many were in flight. */
    public long droppedEvents() {
        return droppedEvents.get();
    }

    public int pending() {
        return queue.size();
    }

    private void run() {
        while (!closed) {
            try {
                PodInfo pod = queue.poll(500);
                if (pod != null) {
                    scheduleOne(pod);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "scheduler loop: " + e, e);
            }
        }
    }

    private void scheduleOne(PodInfo pod) throws InterruptedException {
        Algorithm.Result result;
        lock.lock();
        try {
            result = algorithm.schedule(pod, snapshot);
            if (result.node() != null) {
                snapshot.addPod(pod, result.node());
                assumed.put(pod.key(), result.node());
            }
        } finally {
            lock.unlock();
        }
        if (result.node() == null) {
            unschedulable(pod, result.error());
            return;
        }
        String node = result.node();
        if (!selectNode(pod, node)) {
            forget(pod, node);
            queue.backOff(pod);
            return;
        }
        inFlight.acquire();
        ObjectNode binding = MAPPER.createObjectNode();
        binding.put("apiVersion", "v1").put("kind", "Binding");
        binding.putObject("metadata").put("name", pod.name()).put("namespace", pod.namespace()).put("uid", pod.uid());
        binding.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", node);
        client.postAsync(Resource.PODS.path(pod.namespace(), pod.name(), "binding"), binding)
                .whenComplete((ok, err) -> {
                    inFlight.release();
                    if (err == null) {
                        bound.incrementAndGet();
                        queue.done(pod.key());
                        event(pod, "Normal", "Scheduled", "Successfully assigned " + pod.key() + " to " + node);
                    } else {
                        forget(pod, node);
                        Throwable cause = err.getCause() == null ? err : err.getCause();
                        if (!(cause instanceof ApiException a && (a.notFound() || a.conflict()))) {
                            LOG.log(System.Logger.Level.WARNING, "binding {0} to {1}: {2}", pod.key(), node, cause.getMessage());
                            queue.backOff(pod);
                        }
                    }
                });
    }

    private java.util.Optional<VolumeBinding> volumeBinding() {
        return algorithm.profile().filters().stream().filter(VolumeBinding.class::isInstance)
                .map(VolumeBinding.class::cast).findFirst();
    }

    /**
     * Marks the pod's WaitForFirstConsumer claims with the chosen node (kube-scheduler's PreBind),
     * so the binder binds or provisions for that node; false if a claim could not be marked.
     */
    private boolean selectNode(PodInfo pod, String node) {
        VolumeBinding plugin = volumeBinding().orElse(null);
        if (plugin == null || pod.claims().isEmpty()) {
            return true;
        }
        for (JsonNode claim : VolumeBinding.delayedClaims(plugin.objects(), pod)) {
            ObjectNode patch = MAPPER.createObjectNode();
            patch.putObject("metadata").putObject("annotations").put(VolumeClaims.SELECTED_NODE, node);
            try {
                client.patch(Resource.PERSISTENTVOLUMECLAIMS, pod.namespace(),
                        claim.path("metadata").path("name").asText(), null, "application/merge-patch+json", patch);
            } catch (ApiException e) {
                LOG.log(System.Logger.Level.WARNING, "selecting node {0} for a claim of {1}: {2}", node, pod.key(),
                        e.getMessage());
                return false;
            }
        }
        return true;
    }

    private void forget(PodInfo pod, String node) {
        lock.lock();
        try {
            if (assumed.remove(pod.key(), node)) {
                snapshot.removePod(pod, node);
            }
        } finally {
            lock.unlock();
        }
    }

    private void unschedulable(PodInfo pod, FitError error) {
        String message = error.message();
        Preemption.Candidate candidate = null;
        if (pod.priority() > 0) {
            lock.lock();
            try {
                candidate = preemption.find(pod, snapshot, error);
            } finally {
                lock.unlock();
            }
        }
        if (candidate != null) {
            for (PodInfo victim : candidate.victims()) {
                try {
                    client.delete(Resource.PODS, victim.namespace(), victim.name(), null);
                    event(victim, "Normal", "Preempted", "Preempted by pod " + pod.uid() + " on node " + candidate.node());
                } catch (ApiException e) {
                    if (!e.notFound()) {
                        LOG.log(System.Logger.Level.WARNING, "preempting {0}: {1}", victim.key(), e.getMessage());
                    }
                }
            }
            patchStatus(pod, candidate.node(), message);
        } else {
            message = message.substring(0, message.length() - 1) + (pod.priority() > 0
                    ? ". preemption: not helpful for scheduling." : ".");
            patchStatus(pod, null, message);
        }
        event(pod, "Warning", "FailedScheduling", message);
        queue.backOff(pod);
    }

    private void patchStatus(PodInfo pod, String nominated, String message) {
        ObjectNode patch = MAPPER.createObjectNode();
        ObjectNode status = patch.putObject("status");
        if (nominated != null) {
            status.put("nominatedNodeName", nominated);
        }
        ObjectNode cond = status.putArray("conditions").addObject();
        cond.put("type", "PodScheduled").put("status", "False").put("reason", "Unschedulable").put("message", message)
                .put("lastTransitionTime", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        try {
            client.patch(Resource.PODS, pod.namespace(), pod.name(), "status", "application/strategic-merge-patch+json", patch);
        } catch (ApiException e) {
            if (!e.notFound()) {
                LOG.log(System.Logger.Level.WARNING, "updating status of {0}: {1}", pod.key(), e.getMessage());
            }
        }
    }

    private void event(PodInfo pod, String type, String reason, String message) {
        if (!events) {
            return;
        }
        if (!eventsInFlight.tryAcquire()) {
            droppedEvents.incrementAndGet();
            return;
        }
        ObjectNode ev = MAPPER.createObjectNode();
        ev.put("apiVersion", "v1").put("kind", "Event");
        ev.putObject("metadata").put("generateName", pod.name() + ".").put("namespace", pod.namespace());
        ev.putObject("involvedObject").put("kind", "Pod").put("namespace", pod.namespace()).put("name", pod.name())
                .put("uid", pod.uid()).put("apiVersion", "v1");
        String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        ev.put("type", type).put("reason", reason).put("message", message).put("count", 1)
                .put("firstTimestamp", now).put("lastTimestamp", now).put("reportingComponent", "default-scheduler");
        ev.putObject("source").put("component", "default-scheduler");
        client.postAsync(Resource.EVENTS.path(pod.namespace()), ev).whenComplete((ok, e) -> eventsInFlight.release());
    }

    private static boolean pending(JsonNode pod) {
        return pod.path("spec").path("nodeName").asText("").isEmpty()
                && !pod.path("metadata").has("deletionTimestamp")
                && !"Succeeded".equals(pod.path("status").path("phase").asText())
                && !"Failed".equals(pod.path("status").path("phase").asText());
    }

    private final class PodHandler implements Informer.Handler {
        @Override
        public void onAdd(ObjectNode object) {
            onUpdate(null, object);
        }

        @Override
        public void onUpdate(ObjectNode old, ObjectNode object) {
            PodInfo pod = PodInfo.of(object, order.incrementAndGet());
            if (!pod.schedulerName().equals(algorithm.profile().schedulerName()) && pod.nodeName().isEmpty()) {
                return;
            }
            if (pending(object)) {
                queue.add(pod);
                return;
            }
            queue.remove(pod.key());
            String node = pod.nodeName();
            if (node.isEmpty()) {
                return;
            }
            lock.lock();
            try {
                String was = assumed.remove(pod.key());
                PodInfo prev = placed.put(pod.key(), pod);
                if (prev != null || was != null) {
                    snapshot.removePod(pod, was != null ? was : node);
                }
                if (!snapshot.addPod(pod, node)) {
                    orphans.computeIfAbsent(node, n -> new ConcurrentHashMap<>()).put(pod.key(), pod);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onDelete(ObjectNode object) {
            PodInfo pod = PodInfo.of(object);
            Map<String, PodInfo> waiting = orphans.get(pod.nodeName());
            if (waiting != null) {
                waiting.remove(pod.key());
            }
            queue.remove(pod.key());
            lock.lock();
            try {
                placed.remove(pod.key());
                String was = assumed.remove(pod.key());
                String node = was != null ? was : pod.nodeName();
                if (!node.isEmpty()) {
                    snapshot.removePod(pod, node);
                }
            } finally {
                lock.unlock();
            }
            queue.moveAllToActive();
        }
    }

    private final class NodeHandler implements Informer.Handler {
        @Override
        public void onAdd(ObjectNode object) {
            onUpdate(null, object);
        }

        @Override
        public void onUpdate(ObjectNode old, ObjectNode object) {
            lock.lock();
            try {
                NodeInfo node = snapshot.putNode(NodeInfo.of(object));
                Map<String, PodInfo> waiting = orphans.remove(node.name());
                if (waiting != null) {
                    waiting.values().forEach(p -> snapshot.addPod(p, node.name()));
                }
            } finally {
                lock.unlock();
            }
            queue.moveAllToActive();
        }

        @Override
        public void onDelete(ObjectNode object) {
            lock.lock();
            try {
                snapshot.removeNode(object.path("metadata").path("name").asText());
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (loop != null) {
            loop.interrupt();
        }
        if (nodes != null) {
            nodes.close();
        }
        if (pods != null) {
            pods.close();
        }
        if (storage != null) {
            storage.close();
        }
    }
}
