package dev.keelson.bench.cni;

/**
 * How many calls the CNI benchmark makes. Every contender makes the same counted calls, in rounds:
 * in each round every contender takes one batch (ADD of every pod in the batch, then DEL of each),
 * the order rotating from round to round, so machine noise and the kernel's deferred link teardown
 * fall on all of them alike.
 *
 * @param sequential    counted ADDs (and as many DELs) per contender made one at a time
 * @param sequentialBatch pods per contender per sequential round
 * @param parallel      counted ADDs (and DELs) per contender made by {@code workers} threads at once
 * @param parallelBatch pods per contender per parallel round
 * @param workers       concurrent callers in the parallel phase
 * @param oursWarmup    uncounted ADD/DEL pairs per Keelson contender first: a node runs for days,
 *                      so the JIT-compiled steady state is what counts (in the daemon and here)
 * @param refWarmup     uncounted pairs per reference contender (page cache, the binaries)
 */
record CniPlan(int sequential, int sequentialBatch, int parallel, int parallelBatch, int workers, int oursWarmup,
               int refWarmup) {

    static final CniPlan FULL = new CniPlan(100, 10, 100, 25, 8, 2000, 3);
    static final CniPlan QUICK = new CniPlan(20, 10, 32, 16, 8, 500, 2);

    CniPlan {
        if (sequential < 1 || sequentialBatch < 1 || parallel < 1 || parallelBatch < 1 || workers < 1) {
            throw new IllegalArgumentException("counts, batches and workers must be positive");
        }
        if (oursWarmup < 0 || refWarmup < 0) {
            throw new IllegalArgumentException("warm-up counts must not be negative");
        }
    }

    static CniPlan of(boolean quick) {
        return quick ? QUICK : FULL;
    }

    /** The pods each contender needs: its largest batch (pods are reused once DEL has emptied them). */
    int poolSize() {
        return Math.max(Math.max(sequentialBatch, parallelBatch), workers);
    }

    int rounds(Phase phase) {
        int total = total(phase);
        int batch = batch(phase);
        return (total + batch - 1) / batch;
    }

    /** Pods in round {@code r} of {@code phase} (the last round may be smaller). */
    int batchOf(Phase phase, int r) {
        return Math.min(batch(phase), total(phase) - r * batch(phase));
    }

    int workersOf(Phase phase) {
        return phase == Phase.SEQUENTIAL ? 1 : workers;
    }

    private int total(Phase phase) {
        return phase == Phase.SEQUENTIAL ? sequential : parallel;
    }

    private int batch(Phase phase) {
        return phase == Phase.SEQUENTIAL ? sequentialBatch : parallelBatch;
    }

    /** The two phases: one call at a time, then {@link #workers} at once. */
    enum Phase {
        SEQUENTIAL("seq"), PARALLEL("par");

        final String label;

        Phase(String label) {
            this.label = label;
        }
    }
}
