package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it. Whoever writes its
 * identity into {@code holderIdentity} (PUT with the read resourceVersion, so two candidates
 * cannot both win) leads, and must renew {@code renewTime} within the renew deadline or stop
 * leading. Others take over only after they have seen the lease unchanged for
 * {@code leaseDurationSeconds} by their own clock.
 *
 * <pre>
 *   ┌─► candidate ──acquire (every retryPeriod)──► leader ──renew every retryPeriod──┐
 *   │                                                │                               │
 *   └──────── onStoppedLeading ◄── no successful renew within renewDeadline ◄────────┘
 * </pre>
 */
public final class LeaderElector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaderElector.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** Timing of the election (client-go's defaults: 15 s, 10 s, 2 s). */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static final Timing DEFAULTS = new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    /** Called when leadership starts and ends, on the elector's thread. */
    public interface Callbacks {
        void onStartedLeading();

        void onStoppedLeading();
    }

    /** The lease record as last seen and when this candidate saw it change. */
    record Observed(String holder, String renewTime, Instant at) {}

    /**
     * One attempt's outcome: the lease to write ({@code create} or update), or null when someone
     * else holds a lease that has not expired.
     */
    record Attempt(ObjectNode write, boolean create, Observed observed) {}

    private final KubeClient client;
    private final String namespace;
    private final String name;
    private final String identity;
    private final Timing timing;
    private final Clock clock;
    private final Callbacks callbacks;
    private volatile boolean closed;
    private volatile boolean leading;
    private Observed observed;
    private Thread thread;

    public LeaderElector(KubeClient client, String namespace, String name, String identity, Timing timing, Clock clock,
                         Callbacks callbacks) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.identity = identity;
        this.timing = timing;
        this.clock = clock;
        this.callbacks = callbacks;
    }

    /** Decides one acquire-or-renew attempt from the current lease (null when there is none). */
    static Attempt attempt(ObjectNode lease, String namespace, String name, String identity, Observed last, Instant now,
                           Duration leaseDuration) {
        String micro = MICRO_TIME.format(now);
        if (lease == null) {
            ObjectNode l = MAPPER.createObjectNode();
            l.put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
            l.putObject("metadata").put("name", name).put("namespace", namespace);
            l.putObject("spec").put("holderIdentity", identity).put("leaseDurationSeconds", leaseDuration.toSeconds())
                    .put("acquireTime", micro).put("renewTime", micro).put("leaseTransitions", 0);
            return new Attempt(l, true, new Observed(identity, micro, now));
        }
        JsonNode spec = lease.path("spec");
        String holder = spec.path("holderIdentity").asText("");
        String renew = spec.path("renewTime").asText("");
        Observed seen = last != null && last.holder().equals(holder) && last.renewTime().equals(renew)
                ? last : new Observed(holder, renew, now);
        long durationSeconds = spec.path("leaseDurationSeconds").asLong(leaseDuration.toSeconds());
        boolean expired = !seen.at().plusSeconds(durationSeconds).isAfter(now);
        if (!holder.isEmpty() && !holder.equals(identity) && !expired) {
            return new Attempt(null, false, seen);
        }
        ObjectNode l = lease.deepCopy();
        ObjectNode s = l.withObjectProperty("spec");
        if (!holder.equals(identity)) {
            s.put("acquireTime", micro).put("leaseTransitions", spec.path("leaseTransitions").asInt(0) + 1);
        }
        s.put("holderIdentity", identity).put("leaseDurationSeconds", leaseDuration.toSeconds()).put("renewTime", micro);
        return new Attempt(l, false, new Observed(identity, micro, now));
    }

    /** Tries once to acquire or renew; true when this candidate holds the lease afterwards. */
    boolean tryAcquireOrRenew() {
        ObjectNode lease;
        try {
            lease = client.get(Resource.LEASES, namespace, name);
        } catch (ApiException e) {
            if (!e.notFound()) {
                throw e;
            }
            lease = null;
        }
        Attempt a = attempt(lease, namespace, name, identity, observed, clock.instant(), timing.leaseDuration());
        observed = a.observed();
        if (a.write() == null) {
            return false;
        }
        try {
            if (a.create()) {
                client.create(Resource.LEASES, namespace, a.write());
            } else {
                client.update(Resource.LEASES, a.write(), null);
            }
            return true;
        } catch (ApiException e) {
            if (e.conflict()) {
                return false;  // someone else wrote first
            }
            throw e;
        }
    }

    public boolean isLeader() {
        return leading;
    }

    public LeaderElector start() {
        thread = Thread.ofVirtual().name("leader-elector-" + name).start(this::run);
        return this;
    }

    private void run() {
        while (!closed) {
            try {
                if (!attemptSafely()) {
                    Thread.sleep(timing.retryPeriod().toMillis());
                    continue;
                }
                leading = true;
                LOG.log(System.Logger.Level.INFO, "{0}: leading as {1}", name, identity);
                try {
                    callbacks.onStartedLeading();
                } catch (RuntimeException e) {
                    // could not lead after all: stop renewing and let the lease lapse to another candidate
                    LOG.log(System.Logger.Level.ERROR, "{0}: {1}", name, e.getMessage());
                    leading = false;
                    callbacks.onStoppedLeading();
                    Thread.sleep(timing.leaseDuration().toMillis());
                    continue;
                }
                Instant lastRenew = clock.instant();
                while (!closed) {
                    Thread.sleep(timing.retryPeriod().toMillis());
                    if (attemptSafely()) {
                        lastRenew = clock.instant();
                    } else if (!lastRenew.plus(timing.renewDeadline()).isAfter(clock.instant())) {
                        break;
                    }
                }
                leading = false;
                LOG.log(System.Logger.Level.INFO, "{0}: {1} stopped leading", name, identity);
                callbacks.onStoppedLeading();
            } catch (InterruptedException e) {
                break;
            }
        }
        if (leading) {
            leading = false;
            callbacks.onStoppedLeading();
        }
    }

    private boolean attemptSafely() {
        try {
            return tryAcquireOrRenew();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: lease attempt failed: {1}", name, e.getMessage());
            return false;
        }
    }

    /** Stops the elector; a leader releases the lease so that another candidate need not wait it out. */
    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(timing.retryPeriod().toMillis() * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            ObjectNode lease = client.get(Resource.LEASES, namespace, name);
            if (identity.equals(lease.path("spec").path("holderIdentity").asText())) {
                ObjectNode released = lease.deepCopy();
                released.withObjectProperty("spec").put("holderIdentity", "").put("leaseDurationSeconds", 1);
                client.update(Resource.LEASES, released, null);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: release failed: {1}", name, e.getMessage());
        }
    }
}
