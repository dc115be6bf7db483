package dev.keelson.bench.store;

import dev.keelson.bench.Progress;
import dev.keelson.bench.Samples;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** One run of the store benchmark: warm-up, then each phase in rounds with the contenders taking turns. */
final class StoreRun {
    private final StorePlan plan;
    private final List<StoreWorkload.Contender> contenders;
    private final Progress line;
    private final StoreWorkload work = new StoreWorkload();
    private final Map<String, Tally> tallies = new LinkedHashMap<>();

    StoreRun(StorePlan plan, List<StoreWorkload.Contender> contenders, Progress line) {
        this.plan = plan;
        this.contenders = contenders;
        this.line = line;
        contenders.forEach(c -> tallies.put(c.name(), new Tally()));
    }

    Tally tally(String name) {
        return tallies.get(name);
    }

    void measure() throws InterruptedException {
        for (StoreWorkload.Contender c : contenders) {
            line.update("store: warming up " + c.name());
            work.serialPuts(c.store(), plan.warmup(), new Samples());
            work.parallelPuts(c.store(), plan.writers(), plan.warmup());
        }
        line.end();
        for (int r = 0; r < plan.rounds(); r++) {
            for (StoreWorkload.Contender c : turn(r)) {
                line.update("store: round " + (r + 1) + "/" + plan.rounds() + ", " + c.name() + ": 1 writer");
                tallies.get(c.name()).serialOps.add(work.serialPuts(c.store(), plan.serialPuts(), tallies.get(c.name()).serialLatency));
            }
            for (StoreWorkload.Contender c : turn(r)) {
                line.update("store: round " + (r + 1) + "/" + plan.rounds() + ", " + c.name() + ": " + plan.writers() + " writers");
                tallies.get(c.name()).parallelOps.add(work.parallelPuts(c.store(), plan.writers(), plan.parallelPuts()));
            }
        }
        line.end();
        Map<String, String> listed = new LinkedHashMap<>();
        for (StoreWorkload.Contender c : contenders) {
            line.update("store: writing " + plan.listKeys() + " keys to list into " + c.name());
            listed.put(c.name(), work.fill(c.store(), plan.listKeys()));
        }
        line.end();
        for (int r = 0; r < plan.rounds(); r++) {
            for (StoreWorkload.Contender c : turn(r)) {
                line.update("store: round " + (r + 1) + "/" + plan.rounds() + ", " + c.name() + ": gets and lists");
                Tally t = tallies.get(c.name());
                String prefix = listed.get(c.name());
                work.gets(c.store(), prefix, plan.listKeys(), plan.gets(), t.getLatency);
                work.lists(c.store(), prefix, plan.listKeys(), plan.lists(), t.listLatency);
            }
        }
        line.end();
    }

    /** The contenders in round {@code r}'s order: rotated, so nobody always goes first. */
    private List<StoreWorkload.Contender> turn(int r) {
        int n = contenders.size();
        return IntStream.range(0, n).mapToObj(i -> contenders.get((i + r) % n)).toList();
    }
}
