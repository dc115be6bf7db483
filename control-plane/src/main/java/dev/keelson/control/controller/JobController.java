package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs batch/v1 Jobs: each pass feeds the Job and its pods to {@link JobDecision}, then carries
 * the decision out — deletions, creations (counted in {@link Expectations} so a stale cache never
 * doubles them), the status write — and re-queues the Job for its next deadline or back-off.
 * Finished Jobs with {@code ttlSecondsAfterFinished} are deleted (propagation Background) when the
 * TTL runs out.
 */
public final class JobController implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KubeClient client;
    private final Informer jobs;
    private final Informer pods;
    private final Clock clock;
    private final Duration backoff;
    private final WorkQueue queue = new WorkQueue();
    private final Timers timers = new Timers(queue);
    private final Expectations expectations = new Expectations();
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private ControllerLoop loop;

    public JobController(KubeClient client, Informer jobs, Informer pods) {
        this(client, jobs, pods, Clock.systemUTC(), JobDecision.DEFAULT_BACKOFF);
    }

    /** With a clock and a pod failure back-off base of the caller's choosing (tests use short ones). */
    public JobController(KubeClient client, Informer jobs, Informer pods, Clock clock, Duration backoff) {
        this.client = client;
        this.jobs = jobs;
        this.pods = pods;
        this.clock = clock;
        this.backoff = backoff;
        jobs.addHandler(Handlers.enqueueSelf(queue));
        pods.addHandler(new Handlers.OwnedBy("Job", queue, jobs, expectations));
    }

    public JobController start(int workers) {
        loop = new ControllerLoop("job", queue, this::reconcile).start(workers);
        return this;
    }

    void reconcile(String key) throws Exception {
        ObjectNode job = jobs.get(key);
        if (job == null) {
            expectations.forget(key);
            timers.forget(key);
            return;
        }
        if (job.path("metadata").has("deletionTimestamp")) {
            return;
        }
        List<ObjectNode> owned = Pods.controlledBy(pods.list(Pods.namespace(job)), job);
        Instant now = clock.instant();
        JobDecision d = JobDecision.of(job, owned, now, backoff);
        if (expectations.satisfied(key)) {
            act(key, job, d);
        } else {
            // the cache has not caught up with our last actions: only the status may move on
            d = new JobDecision(0, List.of(), List.of(), d.status(), d.finished(), d.recheckAfter());
        }
        job = Calls.writeStatus(client, Resource.JOBS, job, d.status(), queue, key);
        if (job == null) {
            return;
        }
        if (d.recheckAfter() != null) {
            timers.wakeAfter(key, d.recheckAfter().toMillis() + 1);
        }
        expireAfterTtl(key, job, now);
    }

    private void act(String key, ObjectNode job, JobDecision d) throws Exception {
        int creates = d.createIndexes().isEmpty() ? d.create() : d.createIndexes().size();
        if (creates == 0 && d.delete().isEmpty()) {
            return;
        }
        expectations.expect(key, creates, d.delete().size());
        List<Future<?>> futures = new ArrayList<>();
        for (ObjectNode p : d.delete()) {
            futures.add(calls.submit(() -> {
                try {
                    client.delete(Resource.PODS, Pods.namespace(p), Pods.name(p), null);
                } catch (ApiException e) {
                    expectations.lowered(key, 0, 1);
                    if (!e.notFound()) {
                        throw e;
                    }
                }
                return null;
            }));
        }
        for (int i = 0; i < creates; i++) {
            Integer index = d.createIndexes().isEmpty() ? null : d.createIndexes().get(i);
            futures.add(calls.submit(() -> {
                try {
                    return client.create(Resource.PODS, Pods.namespace(job), JobPods.newPod(job, index));
                } catch (RuntimeException e) {
                    expectations.lowered(key, 1, 0);
                    throw e;
                }
            }));
        }
        Exception first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                first = first == null && e.getCause() instanceof Exception ex ? ex : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void expireAfterTtl(String key, ObjectNode job, Instant now) {
        Instant expiry = JobDecision.ttlExpiry(job);
        if (expiry == null) {
            return;
        }
        if (expiry.isAfter(now)) {
            timers.wakeAfter(key, Duration.between(now, expiry).toMillis() + 1);
            return;
        }
        ObjectNode options = MAPPER.createObjectNode();
        options.put("kind", "DeleteOptions").put("apiVersion", "v1").put("propagationPolicy", "Background");
        options.putObject("preconditions").put("uid", Pods.uid(job));
        Calls.unlessGoneOrStale(() -> client.delete(Resource.JOBS, Pods.namespace(job), Pods.name(job), options));
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
        calls.shutdownNow();
    }
}
