package dev.keelson.bench.cni;

import dev.keelson.cni.skel.Skeleton;
import dev.keelson.netns.NetNamespace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plugin's {@link Skeleton} called in this JVM, as a runtime that links the plugins as a library
 * does. Every ADD and DEL runs on a thread inside the node namespace (so the bridge, the host veth
 * ends and any rules land there, never in this JVM's own namespace) and is timed on that thread. A
 * call that fails ends the run with the plugin's output: a benchmark of failing calls measures
 * nothing.
 */
final class InProcessContender implements Contender {
    private static final AtomicLong IDS = new AtomicLong();
    private final String label;
    private final NetNamespace node;
    private final byte[] config;
    private final Skeleton skeleton;
    private final Map<String, String> baseEnv;
    private final String idPrefix;
    private final Map<Integer, String> ids = new ConcurrentHashMap<>();

    /**
     * @param idPrefix start of the container ids (unique per contender; host-local files name them)
     */
    InProcessContender(String label, NetNamespace node, String config, Skeleton skeleton, Map<String, String> baseEnv,
                       String idPrefix) {
        this.label = label;
        this.node = node;
        this.config = config.getBytes(StandardCharsets.UTF_8);
        this.skeleton = skeleton;
        this.baseEnv = Map.copyOf(baseEnv);
        this.idPrefix = idPrefix;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public long[] add(List<Pod> pods, int workers) throws Exception {
        for (Pod p : pods) {
            ids.put(p.index(), idPrefix + "-" + IDS.incrementAndGet());
        }
        return phase("ADD", pods, workers);
    }

    @Override
    public long[] del(List<Pod> pods, int workers) throws Exception {
        long[] t = phase("DEL", pods, workers);
        pods.forEach(p -> ids.remove(p.index()));
        return t;
    }

    /** One verb for every pod, by {@code workers} threads taking pods in turn; the durations by pod. */
    private long[] phase(String verb, List<Pod> pods, int workers) throws Exception {
        long[] nanos = new long[pods.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Runnable work = () -> {
            for (int i; failure.get() == null && (i = next.getAndIncrement()) < pods.size(); ) {
                try {
                    nanos[i] = call(verb, pods.get(i));
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        if (workers == 1) {
            work.run();
        } else {
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                threads.add(Thread.ofPlatform().name("keelson-bench-cni-" + w).start(work));
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return nanos;
    }

    private long call(String verb, Pod pod) throws Exception {
        Map<String, String> env = new HashMap<>(baseEnv);
        env.put("CNI_COMMAND", verb);
        env.put("CNI_CONTAINERID", ids.get(pod.index()));
        env.put("CNI_NETNS", pod.path());
        env.put("CNI_IFNAME", "eth0");
        return node.run(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            long t0 = System.nanoTime();
            int code = skeleton.run(env, config, out, err);
            long t = System.nanoTime() - t0;
            if (code != 0 || (verb.equals("ADD") && out.size() == 0)) {
                throw new IOException(label + ": " + verb + " into " + pod.path() + " failed (exit " + code + "): "
                        + out.toString(StandardCharsets.UTF_8).strip() + " / stderr: " + err.toString(StandardCharsets.UTF_8).strip());
            }
            return t;
        });
    }
}
