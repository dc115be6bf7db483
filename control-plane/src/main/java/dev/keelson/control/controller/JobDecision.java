package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one Job needs at one instant, computed from the Job and the pods it owns, with no I/O:
 * pods to create (or, for Indexed jobs, which completion indexes), pods to delete, and the new
 * status. The conditions follow Kubernetes 1.31+, where the terminal condition waits until no pod
 * is left running:
 *
 * <pre>
 *   running ──succeeded ≥ completions──► SuccessCriteriaMet ──no pod running──► Complete (+completionTime)
 *      │                                  (remaining pods deleted)
 *      ├──failures past backoffLimit / activeDeadlineSeconds──► FailureTarget ──no pod running──► Failed
 *      │                                  (active pods deleted)
 *      └──spec.suspend──► Suspended=True (pods deleted) ──resume──► Suspended=False, startTime = now
 * </pre>
 *
 * Failed pods are replaced after the Job's back-off: {@code base × 2^(failures since the last
 * success − 1)}, at most 6 minutes, counted from the newest failure.
 */
public record JobDecision(int create, List<Integer> createIndexes, List<ObjectNode> delete, ObjectNode status,
                          boolean finished, Duration recheckAfter) {

    /** kube-controller-manager's pod failure back-off base. */
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(6);
    static final String INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static JobDecision of(ObjectNode job, List<ObjectNode> pods, Instant now) {
        return of(job, pods, now, DEFAULT_BACKOFF);
    }

    /** The decision for {@code job} given every pod it controls (terminal ones included). */
    public static JobDecision of(ObjectNode job, List<ObjectNode> pods, Instant now, Duration backoffBase) {
        Spec spec = Spec.of(job.path("spec"));
        JsonNode old = job.path("status");
        JsonNode oldConds = old.path("conditions");
        if (Conditions.isTrue(oldConds, "Complete") || Conditions.isTrue(oldConds, "Failed")) {
            List<ObjectNode> leftovers = pods.stream().filter(Pods::active).toList();
            return new JobDecision(0, List.of(), leftovers, old.deepCopy(), true, null);
        }
        Observed seen = Observed.of(pods, spec);
        int succeeded = spec.indexed ? seen.succeededIndexes.size()
                : Math.max(old.path("succeeded").asInt(0), seen.succeededPods);
        int failed = Math.max(old.path("failed").asInt(0), seen.failedPods);

        ArrayNode conds = oldConds.isArray() ? (ArrayNode) oldConds.deepCopy() : MAPPER.createArrayNode();
        Instant startTime = Conditions.parse(old.get("startTime"));
        Instant completionTime = null;
        List<ObjectNode> delete = new ArrayList<>();
        List<Integer> indexes = List.of();
        int create = 0;
        Duration recheck = null;
        JsonNode failureTarget = trueCondition(oldConds, "FailureTarget");
        boolean successMet = Conditions.isTrue(oldConds, "SuccessCriteriaMet");

        if (spec.suspend && failureTarget == null && !successMet) {
            delete.addAll(seen.active);
            Conditions.set(conds, Conditions.of(oldConds, "Suspended", "True", "JobSuspended", "Job suspended", now));
        } else {
            if (Conditions.isTrue(oldConds, "Suspended")) {
                Conditions.set(conds, Conditions.of(oldConds, "Suspended", "False", "JobResumed", "Job resumed", now));
                startTime = now;
            }
            if (startTime == null) {
                startTime = now;
            }
            String[] failure = failureTarget != null
                    ? new String[] {failureTarget.path("reason").asText(), failureTarget.path("message").asText()}
                    : successMet ? null : failure(spec, failed, seen.restarts, startTime, now);
            boolean allDone = completions(spec, succeeded, seen.active.isEmpty());
            if (failure != null) {
                Conditions.set(conds, Conditions.of(oldConds, "FailureTarget", "True", failure[0], failure[1], now));
                delete.addAll(seen.active);
                if (seen.active.isEmpty() && seen.terminating == 0) {
                    Conditions.set(conds, Conditions.of(oldConds, "Failed", "True", failure[0], failure[1], now));
                }
            } else if (successMet || allDone) {
                String msg = "Reached expected number of succeeded pods";
                Conditions.set(conds, Conditions.of(oldConds, "SuccessCriteriaMet", "True", "CompletionsReached", msg, now));
                delete.addAll(seen.active);
                if (seen.active.isEmpty() && seen.terminating == 0) {
                    Conditions.set(conds, Conditions.of(oldConds, "Complete", "True", "CompletionsReached", msg, now));
                    completionTime = now;
                }
            } else {
                List<Integer> wanted = new ArrayList<>();
                create = spec.indexed ? manageIndexed(spec, seen, delete, wanted) : manageNonIndexed(spec, seen, succeeded, delete);
                Duration wait = backoffRemaining(seen, backoffBase, now);
                if (create > 0 && wait != null) {
                    create = 0;
                    recheck = wait;
                } else {
                    indexes = List.copyOf(wanted);
                }
                if (spec.activeDeadlineSeconds != null) {
                    Duration left = Duration.between(now, startTime.plusSeconds(spec.activeDeadlineSeconds));
                    recheck = recheck == null || left.compareTo(recheck) < 0 ? left : recheck;
                }
            }
        }
        ObjectNode status = status(seen, delete, create, succeeded, failed, startTime, completionTime, conds, spec);
        return new JobDecision(create, indexes, List.copyOf(delete), status, false, recheck);
    }

    private static JsonNode trueCondition(JsonNode conds, String type) {
        JsonNode c = Conditions.find(conds, type);
        return c != null && c.path("status").asText().equals("True") ? c : null;
    }

    /** {reason, message} when the Job has failed, else null. */
    private static String[] failure(Spec spec, int failed, int restarts, Instant startTime, Instant now) {
        // OnFailure pods restart in place: their container restarts count against the limit.
        boolean pastRestarts = spec.onFailure && (spec.backoffLimit == 0 ? restarts > 0 : restarts >= spec.backoffLimit);
        if (failed > spec.backoffLimit || pastRestarts) {
            return new String[] {"BackoffLimitExceeded", "Job has reached the specified backoff limit"};
        }
        if (spec.activeDeadlineSeconds != null && !startTime.plusSeconds(spec.activeDeadlineSeconds).isAfter(now)) {
            return new String[] {"DeadlineExceeded", "Job was active longer than specified deadline"};
        }
        return null;
    }

    /** Whether the success criterion holds: completions reached, or (no completions) one success and nothing running. */
    private static boolean completions(Spec spec, int succeeded, boolean noneActive) {
        return spec.completions != null ? succeeded >= spec.completions : succeeded > 0 && noneActive;
    }

    private static int manageNonIndexed(Spec spec, Observed seen, int succeeded, List<ObjectNode> delete) {
        int want = spec.completions == null
                ? (succeeded > 0 ? seen.active.size() : spec.parallelism)
                : Math.min(spec.parallelism, spec.completions - succeeded);
        int diff = seen.active.size() - Math.max(0, want);
        if (diff > 0) {
            List<ObjectNode> ranked = new ArrayList<>(seen.active);
            ranked.sort(Comparator.comparingInt(JobDecision::deletionRank)
                    .thenComparing(p -> p.path("metadata").path("creationTimestamp").asText(), Comparator.reverseOrder()));
            delete.addAll(ranked.subList(0, diff));
            return 0;
        }
        return -diff;
    }

    private static int manageIndexed(Spec spec, Observed seen, List<ObjectNode> delete, List<Integer> wanted) {
        int completions = spec.completions == null ? 0 : spec.completions;
        Map<Integer, ObjectNode> running = new TreeMap<>();
        for (ObjectNode p : seen.active) {
            int i = index(p);
            if (i < 0 || i >= completions || seen.succeededIndexes.contains(i) || running.containsKey(i)) {
                delete.add(p);  // out of range, already done, or a duplicate of a running index
            } else {
                running.put(i, p);
            }
        }
        List<Integer> runningIdx = new ArrayList<>(running.keySet());
        while (runningIdx.size() > spec.parallelism) {
            delete.add(running.get(runningIdx.removeLast()));
        }
        int room = spec.parallelism - runningIdx.size();
        for (int i = 0; i < completions && wanted.size() < room; i++) {
            if (!running.containsKey(i) && !seen.succeededIndexes.contains(i)) {
                wanted.add(i);
            }
        }
        return wanted.size();
    }

    /** How long pod creation must still wait after recent failures, or null when it need not. */
    private static Duration backoffRemaining(Observed seen, Duration base, Instant now) {
        if (seen.failuresSinceSuccess == 0 || seen.lastFailure == null) {
            return null;
        }
        long factor = 1L << Math.min(seen.failuresSinceSuccess - 1, 20);
        Duration delay = base.multipliedBy(factor);
        if (delay.compareTo(MAX_BACKOFF) > 0) {
            delay = MAX_BACKOFF;
        }
        Duration left = Duration.between(now, seen.lastFailure.plus(delay));
        return left.isNegative() || left.isZero() ? null : left;
    }

    /** Lower goes first: unscheduled, pending, not ready, ready. */
    private static int deletionRank(JsonNode pod) {
        if (pod.path("spec").path("nodeName").asText("").isEmpty()) {
            return 0;
        }
        if ("Pending".equals(pod.path("status").path("phase").asText("Pending"))) {
            return 1;
        }
        return Pods.ready(pod) ? 3 : 2;
    }

    private static ObjectNode status(Observed seen, List<ObjectNode> delete, int create, int succeeded, int failed,
                                     Instant startTime, Instant completionTime, ArrayNode conds, Spec spec) {
        int deletedActive = 0;
        int readyLeft = 0;
        for (ObjectNode p : seen.active) {
            if (delete.contains(p)) {
                deletedActive++;
            } else if (Pods.ready(p)) {
                readyLeft++;
            }
        }
        ObjectNode st = MAPPER.createObjectNode();
        int active = seen.active.size() - deletedActive + create;
        if (active > 0) {
            st.put("active", active);
        }
        if (succeeded > 0) {
            st.put("succeeded", succeeded);
        }
        if (failed > 0) {
            st.put("failed", failed);
        }
        st.put("ready", readyLeft).put("terminating", seen.terminating + deletedActive);
        if (startTime != null) {
            st.put("startTime", Conditions.time(startTime));
        }
        if (completionTime != null) {
            st.put("completionTime", Conditions.time(completionTime));
        }
        if (spec.indexed && !seen.succeededIndexes.isEmpty()) {
            st.put("completedIndexes", ranges(seen.succeededIndexes));
        }
        if (!conds.isEmpty()) {
            st.set("conditions", conds);
        }
        st.putObject("uncountedTerminatedPods");
        return st;
    }

    /** Sorted indexes as Kubernetes writes them: {@code 0-2,5,7-8}. */
    static String ranges(Set<Integer> indexes) {
        StringBuilder sb = new StringBuilder();
        Integer start = null;
        Integer prev = null;
        for (int i : indexes) {
            if (prev != null && i == prev + 1) {
                prev = i;
                continue;
            }
            if (start != null) {
                append(sb, start, prev);
            }
            start = i;
            prev = i;
        }
        if (start != null) {
            append(sb, start, prev);
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, int start, int end) {
        if (!sb.isEmpty()) {
            sb.append(',');
        }
        sb.append(start);
        if (end > start) {
            sb.append('-').append(end);
        }
    }

    /**
     * When a finished Job may be deleted ({@code ttlSecondsAfterFinished} after its completion time
     * or terminal condition), or null when it has no TTL or has not finished.
     */
    public static Instant ttlExpiry(JsonNode job) {
        JsonNode ttl = job.path("spec").get("ttlSecondsAfterFinished");
        if (ttl == null || !ttl.canConvertToLong()) {
            return null;
        }
        JsonNode conds = job.path("status").path("conditions");
        Instant finished = null;
        for (String type : new String[] {"Complete", "Failed"}) {
            JsonNode c = Conditions.find(conds, type);
            if (c != null && c.path("status").asText().equals("True")) {
                finished = Conditions.parse(c.get("lastTransitionTime"));
            }
        }
        Instant completion = Conditions.parse(job.path("status").get("completionTime"));
        if (completion != null && Conditions.isTrue(conds, "Complete")) {
            finished = completion;
        }
        return finished == null ? null : finished.plusSeconds(ttl.asLong());
    }

    /** The completion index of an Indexed Job's pod, or -1. */
    static int index(JsonNode pod) {
        String v = pod.path("metadata").path("annotations").path(INDEX_ANNOTATION).asText("");
        try {
            return v.isEmpty() ? -1 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The Job fields the decision reads, with Kubernetes' defaults. */
    private record Spec(int parallelism, Integer completions, int backoffLimit, Long activeDeadlineSeconds,
                        boolean indexed, boolean onFailure, boolean suspend) {
        static Spec of(JsonNode s) {
            return new Spec(s.path("parallelism").asInt(1),
                    s.hasNonNull("completions") ? s.get("completions").asInt() : null,
                    s.path("backoffLimit").asInt(6),
                    s.hasNonNull("activeDeadlineSeconds") ? s.get("activeDeadlineSeconds").asLong() : null,
                    "Indexed".equals(s.path("completionMode").asText()),
                    "OnFailure".equals(s.path("template").path("spec").path("restartPolicy").asText()),
                    s.path("suspend").asBoolean(false));
        }
    }

    /** The Job's pods sorted by state. */
    private record Observed(List<ObjectNode> active, int terminating, int succeededPods, int failedPods, int restarts,
                            Set<Integer> succeededIndexes, int failuresSinceSuccess, Instant lastFailure) {
        static Observed of(List<ObjectNode> pods, Spec spec) {
            List<ObjectNode> active = new ArrayList<>();
            int terminating = 0;
            int succeeded = 0;
            int restarts = 0;
            Set<Integer> indexes = new TreeSet<>();
            Instant lastSuccess = Instant.MIN;
            List<Instant> failures = new ArrayList<>();
            for (ObjectNode p : pods) {
                String phase = p.path("status").path("phase").asText("");
                if (phase.equals("Succeeded")) {
                    succeeded++;
                    int i = index(p);
                    if (i >= 0 && (spec.completions == null || i < spec.completions)) {
                        indexes.add(i);
                    }
                    Instant t = finishedAt(p);
                    lastSuccess = t.isAfter(lastSuccess) ? t : lastSuccess;
                } else if (phase.equals("Failed")) {
                    failures.add(finishedAt(p));
                } else if (p.path("metadata").has("deletionTimestamp")) {
                    terminating++;
                } else {
                    active.add(p);
                    if (spec.onFailure) {
                        for (JsonNode c : p.path("status").path("containerStatuses")) {
                            restarts += c.path("restartCount").asInt(0);
                        }
                        for (JsonNode c : p.path("status").path("initContainerStatuses")) {
                            restarts += c.path("restartCount").asInt(0);
                        }
                    }
                }
            }
            int since = 0;
            Instant last = null;
            for (Instant f : failures) {
                if (f.isAfter(lastSuccess)) {
                    since++;
                }
                last = last == null || f.isAfter(last) ? f : last;
            }
            return new Observed(active, terminating, succeeded, failures.size(), restarts, indexes, since, last);
        }
    }

    /** When a terminal pod finished: its newest container exit, else its last condition change, else its creation. */
    static Instant finishedAt(JsonNode pod) {
        Instant best = null;
        for (JsonNode c : pod.path("status").path("containerStatuses")) {
            Instant t = Conditions.parse(c.path("state").path("terminated").get("finishedAt"));
            best = t != null && (best == null || t.isAfter(best)) ? t : best;
        }
        if (best == null) {
            for (JsonNode c : pod.path("status").path("conditions")) {
                Instant t = Conditions.parse(c.get("lastTransitionTime"));
                best = t != null && (best == null || t.isAfter(best)) ? t : best;
            }
        }
        if (best == null) {
            best = Conditions.parse(pod.path("metadata").get("creationTimestamp"));
        }
        return best == null ? Instant.EPOCH : best;
    }
}
