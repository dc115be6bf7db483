package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.scheduler.Taint;
import dev.keelson.control.scheduler.Toleration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When a pod must leave a node with NoExecute taints. A taint the pod does not tolerate evicts it
 * at once; otherwise it may stay for the shortest {@code tolerationSeconds} among the tolerations
 * it uses, counted from when the newest NoExecute taint was added, or forever when none of them
 * sets a limit. A pod with no toleration for {@code not-ready} / {@code unreachable} is treated
 * as tolerating them for the default period, as the DefaultTolerationSeconds admission plugin
 * would have written into it (300 s in Kubernetes).
 */
public final class TaintEviction {
    private TaintEviction() {}

    /** When to delete {@code pod}, or null when it may stay. */
    public static Instant evictAt(JsonNode pod, JsonNode nodeTaints, Duration defaultToleration, Instant now) {
        List<Toleration> tolerations = new ArrayList<>();
        List<Long> seconds = new ArrayList<>();
        for (JsonNode t : pod.path("spec").path("tolerations")) {
            tolerations.add(Toleration.of(t));
            seconds.add(t.hasNonNull("tolerationSeconds") ? t.get("tolerationSeconds").asLong() : null);
        }
        Instant start = null;
        Long min = null;
        boolean any = false;
        for (JsonNode t : nodeTaints) {
            Taint taint = Taint.of(t);
            if (!taint.effect().equals("NoExecute")) {
                continue;
            }
            any = true;
            Instant added = Conditions.parse(t.get("timeAdded"));
            start = added == null ? now : (start == null || added.isAfter(start) ? added : start);
            boolean tolerated = false;
            for (int i = 0; i < tolerations.size(); i++) {
                if (tolerations.get(i).tolerates(taint)) {
                    tolerated = true;
                    Long s = seconds.get(i);
                    if (s != null) {
                        min = min == null ? Math.max(0, s) : Math.min(min, Math.max(0, s));
                    }
                }
            }
            if (!tolerated) {
                if (!taint.key().equals(NodeHealth.NOT_READY) && !taint.key().equals(NodeHealth.UNREACHABLE)) {
                    return added == null ? now : added;
                }
                long s = defaultToleration.toSeconds();
                min = min == null ? s : Math.min(min, s);
            }
        }
        if (!any || min == null) {
            return null;
        }
        return start.plusSeconds(min);
    }
}
