package dev.keelson.bench.api;

import dev.keelson.bench.Progress;
import dev.keelson.bench.Samples;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** One run of the API benchmark: warm-up, then each phase in rounds with the contenders taking turns. */
final class ApiRun {
    private final ApiPlan plan;
    private final List<Contender> contenders;
    private final Progress line;
    private final ApiWorkload work = new ApiWorkload();
    private final Map<String, ApiTally> tallies = new LinkedHashMap<>();

    ApiRun(ApiPlan plan, List<Contender> contenders, Progress line) {
        this.plan = plan;
        this.contenders = contenders;
        this.line = line;
        contenders.forEach(c -> tallies.put(c.name(), new ApiTally()));
    }

    ApiTally tally(String name) {
        return tallies.get(name);
    }

    void measure() throws Exception {
        for (Contender c : contenders) {
            line.update("api: warming up " + c.name());
            work.serialCreates(c, plan.warmup() / 4, new Samples());
            work.parallelCreates(c, 64, plan.warmup(), null);
            String space = work.fill(c, plan.warmup() / 4);
            work.gets(c, space, plan.warmup() / 4, plan.warmup(), new Samples());
            work.lists(c, space, plan.warmup() / 4, 20, new Samples());
            work.watched(c, plan.warmup() / 4, new Samples());
        }
        line.end();
        for (int r = 0; r < plan.rounds(); r++) {
            String round = "api: round " + (r + 1) + "/" + plan.rounds() + ", ";
            for (Contender c : turn(r)) {
                ApiTally t = tallies.get(c.name());
                line.update(round + c.name() + ": creates, 1 client");
                t.serialOps.add(work.serialCreates(c, plan.serialCreates(), t.serialLatency));
                for (int clients : plan.clients()) {
                    line.update(round + c.name() + ": creates, " + clients + " clients");
                    t.ops(clients).add(work.parallelCreates(c, clients, plan.parallelCreates(), t.latency(clients)));
                }
                line.update(round + c.name() + ": watch delivery");
                work.watched(c, plan.watched(), t.watchLatency);
            }
        }
        line.end();
        Map<String, String> listed = new LinkedHashMap<>();
        for (Contender c : contenders) {
            line.update("api: creating " + plan.listPods() + " objects to list in " + c.name());
            listed.put(c.name(), work.fill(c, plan.listPods()));
        }
        line.end();
        for (int r = 0; r < plan.rounds(); r++) {
            for (Contender c : turn(r)) {
                line.update("api: round " + (r + 1) + "/" + plan.rounds() + ", " + c.name() + ": gets and lists");
                ApiTally t = tallies.get(c.name());
                work.gets(c, listed.get(c.name()), plan.listPods(), plan.gets(), t.getLatency);
                work.lists(c, listed.get(c.name()), plan.listPods(), plan.lists(), t.listLatency);
            }
        }
        line.end();
    }

    /** The contenders in round {@code r}'s order: rotated, so nobody always goes first. */
    private List<Contender> turn(int r) {
        int n = contenders.size();
        return IntStream.range(0, n).mapToObj(i -> contenders.get((i + r) % n)).toList();
    }
}
