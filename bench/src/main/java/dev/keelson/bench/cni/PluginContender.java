package dev.keelson.bench.cni;

import dev.keelson.bench.Samples;
import dev.keelson.netns.NetNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A CNI plugin called for real: every ADD and DEL runs on a thread inside the node namespace (so
 * the bridge, the host veth ends and any rules land there, never in this JVM's own namespace) and
 * is timed on that thread, from the call to the plugin's exit. A call that fails ends the run with
 * the plugin's output: a benchmark of failing calls would measure nothing.
 */
final class PluginContender implements Contender {
    private static final AtomicLong IDS = new AtomicLong();
    private final String label;
    private final NetNamespace node;
    private final String config;
    private final Invoker invoker;
    private final String idPrefix;

    /**
     * @param idPrefix start of the container ids (unique per contender; host-local files name them)
     */
    PluginContender(String label, NetNamespace node, String config, Invoker invoker, String idPrefix) {
        this.label = label;
        this.node = node;
        this.config = config;
        this.invoker = invoker;
        this.idPrefix = idPrefix;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public void batch(List<Pod> pods, int workers, Samples add, Samples del) throws Exception {
        String[] ids = new String[pods.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = idPrefix + "-" + IDS.incrementAndGet();
        }
        long[] adds = phase("ADD", pods, ids, workers);
        long[] dels = phase("DEL", pods, ids, workers);
        for (long t : adds) {
            add.add(t);
        }
        for (long t : dels) {
            del.add(t);
        }
    }

    /** One verb for every pod, by {@code workers} threads taking pods in turn; the durations by pod. */
    private long[] phase(String verb, List<Pod> pods, String[] ids, int workers) throws Exception {
        long[] nanos = new long[pods.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Runnable work = () -> {
            for (int i; failure.get() == null && (i = next.getAndIncrement()) < pods.size(); ) {
                try {
                    nanos[i] = call(verb, pods.get(i), ids[i]);
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

    private long call(String verb, Pod pod, String id) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", verb);
        env.put("CNI_CONTAINERID", id);
        env.put("CNI_NETNS", pod.path());
        env.put("CNI_IFNAME", "eth0");
        byte[] stdin = config.getBytes(StandardCharsets.UTF_8);
        return node.run(() -> {
            long t0 = System.nanoTime();
            Invoker.Outcome o = invoker.call(env, stdin);
            long t = System.nanoTime() - t0;
            if (o.exit() != 0 || (verb.equals("ADD") && o.out().isBlank())) {
                throw new IOException(label + ": " + verb + " of " + id + " into " + pod.path() + " failed (exit "
                        + o.exit() + "): " + o.out().strip() + (o.err().isBlank() ? "" : " / stderr: " + o.err().strip()));
            }
            return t;
        });
    }
}
