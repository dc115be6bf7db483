package dev.keelson.bench.cni;

import dev.keelson.bench.Samples;
import dev.keelson.bench.cni.CniPlan.Phase;
import java.util.EnumMap;
import java.util.Map;

/** The ADD and DEL durations of one contender, per phase. */
final class Timings {
    private final Map<Phase, Samples> add = new EnumMap<>(Phase.class);
    private final Map<Phase, Samples> del = new EnumMap<>(Phase.class);

    Timings() {
        for (Phase p : Phase.values()) {
            add.put(p, new Samples());
            del.put(p, new Samples());
        }
    }

    Samples add(Phase p) {
        return add.get(p);
    }

    Samples del(Phase p) {
        return del.get(p);
    }
}
