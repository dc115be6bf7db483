package dev.keelson.bench.cni;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A CNI plugin executable exec'd as a runtime does, by {@link Spawner} (C, posix_spawn) in the node
 * namespace and timed there — or, with no config, a bare spawn of a program such as
 * {@code /bin/true}: the spawner's own floor, what every exec'd call pays before a plugin runs.
 */
final class ExecContender implements Contender {
    private static final AtomicLong IDS = new AtomicLong();
    private final String label;
    private final Spawner spawner;
    private final Path program;
    private final Map<String, String> baseEnv;
    private final byte[] config;
    private final String idPrefix;
    private final Map<Integer, String> ids = new LinkedHashMap<>();

    /**
     * @param config   the network config on stdin; null for a bare spawn (no CNI variables, empty stdin)
     * @param idPrefix start of the container ids (unique per contender; host-local files name them)
     */
    ExecContender(String label, Spawner spawner, Path program, Map<String, String> baseEnv, String config, String idPrefix) {
        this.label = label;
        this.spawner = spawner;
        this.program = program;
        this.baseEnv = Map.copyOf(baseEnv);
        this.config = config == null ? null : config.getBytes(StandardCharsets.UTF_8);
        this.idPrefix = idPrefix;
    }

    /** The spawner's floor: {@code program} (e.g. /bin/true) spawned and reaped, nothing else. */
    static ExecContender bare(String label, Spawner spawner, Path program) {
        return new ExecContender(label, spawner, program, Map.of(), null, null);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public long[] add(List<Pod> pods, int workers) throws IOException {
        for (Pod p : pods) {
            ids.put(p.index(), idPrefix + "-" + IDS.incrementAndGet());
        }
        return call("ADD", pods, workers);
    }

    @Override
    public long[] del(List<Pod> pods, int workers) throws IOException {
        long[] t = call("DEL", pods, workers);
        for (Pod p : pods) {
            ids.remove(p.index());
        }
        return t;
    }

    private long[] call(String verb, List<Pod> pods, int workers) throws IOException {
        List<Spawner.Call> calls = new ArrayList<>(pods.size());
        for (Pod p : pods) {
            if (config == null) {
                calls.add(new Spawner.Call(program, Map.of(), new byte[0], 0));
                continue;
            }
            Map<String, String> env = new LinkedHashMap<>(baseEnv);
            env.put("CNI_COMMAND", verb);
            env.put("CNI_CONTAINERID", ids.get(p.index()));
            env.put("CNI_NETNS", p.path());
            env.put("CNI_IFNAME", "eth0");
            calls.add(new Spawner.Call(program, env, config, 0));
        }
        List<Spawner.Reply> replies = spawner.run(workers, calls);
        long[] nanos = new long[replies.size()];
        for (int i = 0; i < nanos.length; i++) {
            Spawner.Reply r = replies.get(i);
            // a plugin that succeeds prints its result on ADD; an empty stdout means it did not run as a plugin
            if (config != null && verb.equals("ADD") && r.stdoutBytes() == 0) {
                throw new IOException(label + ": ADD into " + pods.get(i).path() + " exited 0 but printed no result");
            }
            nanos[i] = r.nanos();
        }
        return nanos;
    }
}
