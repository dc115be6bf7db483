package dev.keelson.node.pod;

import dev.keelson.cri.api.v1.Container;
import dev.keelson.cri.api.v1.ListContainersRequest;
import dev.keelson.cri.api.v1.ListPodSandboxRequest;
import dev.keelson.cri.api.v1.PodSandbox;
import dev.keelson.node.cri.CriConnection;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The pod lifecycle event generator: every {@code period} (1 s) it lists all sandboxes and
 * containers, compares their states with the previous list, and wakes the worker of each pod with
 * a change (a container exited, a sandbox died). Pods the runtime has but the API server does not
 * (by the uid label) are reported to {@code orphan} so they get torn down.
 */
public final class Pleg implements AutoCloseable {
    /** A pod the runtime runs but the API server does not know, named by its sandbox's metadata. */
    public record Orphan(String uid, String namespace, String name) {}

    private final CriConnection cri;
    private final Duration period;
    private final Consumer<String> changed;
    private final Consumer<Orphan> orphan;
    private final java.util.function.Predicate<String> known;
    private final Consumer<String> log;
    private Map<String, String> previous = new HashMap<>();
    private Map<String, String> previousOwner = new HashMap<>();
    private volatile boolean closed;
    private Thread thread;

    public Pleg(CriConnection cri, Duration period, Consumer<String> changed, java.util.function.Predicate<String> known,
                Consumer<Orphan> orphan, Consumer<String> log) {
        this.cri = cri;
        this.period = period;
        this.changed = changed;
        this.known = known;
        this.orphan = orphan;
        this.log = log;
    }

    public Pleg start() {
        thread = Thread.ofVirtual().name("pleg").start(this::loop);
        return this;
    }

    private void loop() {
        while (!closed) {
            try {
                relist();
                Thread.sleep(period.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    log.accept("pleg: relist failed: " + e.getMessage());
                    try {
                        Thread.sleep(period.toMillis());
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    /** One relist: compares states with the last one and reports changed and orphaned pods. */
    void relist() {
        Map<String, String> now = new HashMap<>();
        Map<String, String> owner = new HashMap<>();
        Map<String, Orphan> names = new HashMap<>();
        for (PodSandbox s : cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            now.put(s.getId(), s.getState().name());
            String uid = s.getLabelsOrDefault(CriLabels.POD_UID, s.getMetadata().getUid());
            owner.put(s.getId(), uid);
            names.put(uid, new Orphan(uid, s.getMetadata().getNamespace(), s.getMetadata().getName()));
        }
        for (Container c : cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()) {
            now.put(c.getId(), c.getState().name());
            owner.put(c.getId(), c.getLabelsOrDefault(CriLabels.POD_UID, ""));
        }
        Set<String> touched = new HashSet<>();
        for (var e : now.entrySet()) {
            if (!e.getValue().equals(previous.get(e.getKey()))) {
                touched.add(owner.get(e.getKey()));
            }
        }
        for (String id : previous.keySet()) {
            if (!now.containsKey(id)) {
                touched.add(previousOwner.get(id)); // removed from the runtime
            }
        }
        previous = now;
        previousOwner = owner;
        for (String uid : touched) {
            if (uid != null && !uid.isEmpty()) {
                changed.accept(uid);
            }
        }
        for (String uid : new HashSet<>(owner.values())) {
            if (!uid.isEmpty() && !known.test(uid)) {
                orphan.accept(names.getOrDefault(uid, new Orphan(uid, "", uid)));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
