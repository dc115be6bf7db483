package dev.keelson.control.controller;

import static dev.keelson.control.controller.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Replica math, stabilisation and the autoscaler's status, with a test double for the metrics. */
class AutoscalerTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    /** A ready pod requesting 100m CPU (or none when {@code request} is empty). */
    static ObjectNode pod(String name, String request, boolean ready) {
        return json("{'metadata':{'name':'" + name + "','labels':{'app':'web'}},'spec':{'containers':[{'name':'c'"
                + (request.isEmpty() ? "" : ",'resources':{'requests':{'cpu':'" + request + "'}}") + "}]},"
                + "'status':{'phase':'Running','conditions':[{'type':'Ready','status':'" + (ready ? "True" : "False") + "'}]}}");
    }

    /** {@code n} ready pods of 100m with the given usages (null = no metric). */
    static Object[] fleet(Long... usages) {
        List<ObjectNode> pods = new ArrayList<>();
        Map<String, Long> usage = new HashMap<>();
        for (int i = 0; i < usages.length; i++) {
            pods.add(pod("p" + i, "100m", true));
            if (usages[i] != null) {
                usage.put("p" + i, usages[i]);
            }
        }
        return new Object[] {pods, usage};
    }

    static Stream<Arguments> math() {
        return Stream.of(
                Arguments.of("at target", fleet(50L, 50L), 50, 2, 2),
                Arguments.of("within 10% above", fleet(54L, 54L), 50, 2, 2),
                Arguments.of("within 10% below", fleet(46L, 46L), 50, 2, 2),
                Arguments.of("double the target doubles", fleet(100L, 100L), 50, 2, 4),
                Arguments.of("ceil of the ratio", fleet(80L, 80L, 80L), 50, 3, 5),
                Arguments.of("quarter of the target", fleet(10L, 10L, 10L, 10L), 40, 4, 1),
                Arguments.of("just past the tolerance", fleet(56L, 56L), 50, 2, 3),
                Arguments.of("missing metric, scaling up: counted idle", fleet(100L, 100L, null), 50, 3, 4),
                Arguments.of("missing metric, scaling down: counted at its request", fleet(10L, 10L, 10L, 10L, null), 50, 5, 3),
                Arguments.of("missing metric flips the direction: stay", fleet(60L, null), 50, 2, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("math")
    @SuppressWarnings("unchecked")
    void replicaMath(String name, Object[] fleet, int target, int current, int expected) {
        ReplicaMath.Result r = ReplicaMath.compute((List<ObjectNode>) fleet[0], (Map<String, Long>) fleet[1], target, current, 0.1);
        assertNull(r.error());
        assertEquals(expected, r.replicas());
    }

    @Test
    void unreadyPodsCountAsIdleWhenScalingUp() {
        List<ObjectNode> pods = List.of(pod("a", "100m", true), pod("b", "100m", true), pod("c", "100m", false), pod("d", "100m", false));
        Map<String, Long> usage = Map.of("a", 100L, "b", 100L, "c", 100L, "d", 100L);
        // ready pods alone: ratio 2 → 4; with two idle unready pods: ratio 1 → within tolerance, stay
        assertEquals(4, ReplicaMath.compute(pods, usage, 50, 4, 0.1).replicas());
        usage = Map.of("a", 150L, "b", 150L, "c", 10L, "d", 10L);
        // 300m over 400m requested at a 50% target: ratio 1.5 → ceil(1.5 × 4) = 6
        assertEquals(6, ReplicaMath.compute(pods, usage, 50, 4, 0.1).replicas());
    }

    @Test
    void utilisationAndAverageAreReported() {
        ReplicaMath.Result r = ReplicaMath.compute(List.of(pod("a", "200m", true), pod("b", "200m", true)),
                Map.of("a", 150L, "b", 50L), 50, 2, 0.1);
        assertEquals(50, r.utilization());
        assertEquals(100, r.averageMilli());
    }

    @Test
    void missingRequestIsAnError() {
        ReplicaMath.Result r = ReplicaMath.compute(List.of(pod("a", "", true)), Map.of("a", 10L), 50, 1, 0.1);
        assertEquals("failed to get cpu utilization: missing request for cpu in container c of Pod a", r.error());
    }

    @Test
    void noMetricsIsAnError() {
        ReplicaMath.Result r = ReplicaMath.compute(List.of(pod("a", "100m", true)), Map.of(), 50, 1, 0.1);
        assertTrue(r.error().contains("did not receive metrics"));
    }

    @Test
    void deletedAndFinishedPodsAreIgnored() {
        ObjectNode gone = pod("g", "100m", true);
        gone.withObjectProperty("metadata").put("deletionTimestamp", T0.toString());
        ObjectNode done = pod("d", "100m", true);
        done.withObjectProperty("status").put("phase", "Succeeded");
        ReplicaMath.Result r = ReplicaMath.compute(List.of(pod("a", "100m", true), gone, done), Map.of("a", 100L), 50, 1, 0.1);
        assertEquals(2, r.replicas());
    }

    @Test
    void scaleDownWaitsForTheWindowButScaleUpDoesNot() {
        Stabilizer s = new Stabilizer();
        Duration down = Duration.ofSeconds(300);
        assertEquals(8, s.apply("h", 8, 4, T0, Duration.ZERO, down), "up at once");
        assertEquals(8, s.apply("h", 3, 8, T0.plusSeconds(60), Duration.ZERO, down), "the 8 of a minute ago holds");
        assertEquals(8, s.apply("h", 2, 8, T0.plusSeconds(299), Duration.ZERO, down));
        assertEquals(3, s.apply("h", 3, 8, T0.plusSeconds(301), Duration.ZERO, down), "the 8 left the window; highest left is 3");
        assertEquals(3, s.apply("h", 2, 3, T0.plusSeconds(400), Duration.ZERO, down), "the 3 at 301 s still counts");
        assertEquals(2, s.apply("h", 2, 3, T0.plusSeconds(602), Duration.ZERO, down));
    }

    @Test
    void stabiliserKeepsAutoscalersApart() {
        Stabilizer s = new Stabilizer();
        s.apply("a", 10, 2, T0, Duration.ZERO, Duration.ofSeconds(300));
        assertEquals(1, s.apply("b", 1, 2, T0, Duration.ZERO, Duration.ofSeconds(300)));
    }

    static ObjectNode hpa(String extraSpec) {
        return json("{'metadata':{'name':'web','namespace':'default','generation':2},'spec':{'scaleTargetRef':{'apiVersion':'apps/v1',"
                + "'kind':'Deployment','name':'web'},'minReplicas':2,'maxReplicas':6,'metrics':[{'type':'Resource','resource':"
                + "{'name':'cpu','target':{'type':'Utilization','averageUtilization':50}}}]" + extraSpec + "},'status':{}}");
    }

    static ReplicaMath.Result rec(int replicas) {
        return new ReplicaMath.Result(replicas, 90, 45, null);
    }

    @Test
    void decisionScalesAndWritesStatus() {
        HpaDecision d = HpaDecision.of(hpa(""), 2, rec(4), new Stabilizer(), Duration.ofSeconds(300), T0);
        assertTrue(d.rescale());
        assertEquals(4, d.desired());
        JsonNode st = d.status();
        assertEquals(2, st.path("currentReplicas").asInt());
        assertEquals(4, st.path("desiredReplicas").asInt());
        assertEquals("2026-11-20T10:00:00Z", st.path("lastScaleTime").asText());
        assertEquals(json("{'m':[{'type':'Resource','resource':{'name':'cpu','current':{'averageUtilization':90,'averageValue':'45m'}}}]}")
                .get("m"), st.path("currentMetrics"));
        assertEquals("SucceededRescale", Conditions.find(st.path("conditions"), "AbleToScale").path("reason").asText());
        assertEquals("the HPA controller was able to update the target scale to 4",
                Conditions.find(st.path("conditions"), "AbleToScale").path("message").asText());
        assertEquals("ValidMetricFound", Conditions.find(st.path("conditions"), "ScalingActive").path("reason").asText());
        JsonNode limited = Conditions.find(st.path("conditions"), "ScalingLimited");
        assertEquals("False", limited.path("status").asText());
        assertEquals("DesiredWithinRange", limited.path("reason").asText());
        assertEquals(2, st.path("observedGeneration").asInt());
    }

    static Stream<Arguments> bounds() {
        return Stream.of(
                Arguments.of("above max", 3, 9, 6, "TooManyReplicas"),
                Arguments.of("below min", 3, 1, 2, "TooFewReplicas"),
                Arguments.of("in range", 3, 5, 5, "DesiredWithinRange"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bounds")
    void boundsLimitTheCount(String name, int current, int recommended, int desired, String reason) {
        HpaDecision d = HpaDecision.of(hpa(""), current, rec(recommended), new Stabilizer(), Duration.ZERO, T0);
        assertEquals(desired, d.desired());
        assertEquals(reason, Conditions.find(d.status().path("conditions"), "ScalingLimited").path("reason").asText());
    }

    @Test
    void stabilisedScaleDownSaysSo() {
        Stabilizer s = new Stabilizer();
        HpaDecision.of(hpa(""), 4, rec(4), s, Duration.ofSeconds(300), T0);
        HpaDecision d = HpaDecision.of(hpa(""), 4, rec(2), s, Duration.ofSeconds(300), T0.plusSeconds(15));
        assertFalse(d.rescale());
        assertEquals(4, d.desired());
        assertEquals("ScaleDownStabilized", Conditions.find(d.status().path("conditions"), "AbleToScale").path("reason").asText());
    }

    @Test
    void behaviorWindowOverridesTheDefault() {
        Stabilizer s = new Stabilizer();
        ObjectNode h = hpa(",'behavior':{'scaleDown':{'stabilizationWindowSeconds':10}}");
        HpaDecision.of(h, 4, rec(4), s, Duration.ofSeconds(300), T0);
        HpaDecision d = HpaDecision.of(h, 4, rec(2), s, Duration.ofSeconds(300), T0.plusSeconds(15));
        assertTrue(d.rescale());
        assertEquals(2, d.desired());
    }

    @Test
    void metricErrorStopsScaling() {
        HpaDecision d = HpaDecision.of(hpa(""), 3, ReplicaMath.Result.failed("failed to get cpu utilization: x"), new Stabilizer(),
                Duration.ZERO, T0);
        assertFalse(d.rescale());
        JsonNode active = Conditions.find(d.status().path("conditions"), "ScalingActive");
        assertEquals("False", active.path("status").asText());
        assertEquals("FailedGetResourceMetric", active.path("reason").asText());
        assertEquals(3, d.status().path("desiredReplicas").asInt());
    }

    @Test
    void targetAtZeroDisablesScaling() {
        HpaDecision d = HpaDecision.of(hpa(""), 0, rec(3), new Stabilizer(), Duration.ZERO, T0);
        assertFalse(d.rescale());
        assertEquals("ScalingDisabled", Conditions.find(d.status().path("conditions"), "ScalingActive").path("reason").asText());
    }

    @Test
    void targetUtilisationDefaultsTo80() {
        assertEquals(50, HpaDecision.targetUtilization(hpa("")));
        assertEquals(80, HpaDecision.targetUtilization(json("{'spec':{}}")));
    }

    @Test
    void metricsApiListIsSummedPerPod() {
        List<PodMetrics.PodUsage> u = ApiPodMetrics.parse(json("{'kind':'PodMetricsList','items':[{'metadata':{'name':'a'},"
                + "'timestamp':'2026-11-20T10:00:00Z','window':'15s','containers':[{'name':'x','usage':{'cpu':'150m','memory':'10Mi'}},"
                + "{'name':'y','usage':{'cpu':'250000000n'}}]}]}"));
        assertEquals(List.of(new PodMetrics.PodUsage("a", 400, T0)), u);
    }

    @Test
    void timersKeepOneWakeUpPerKey() throws InterruptedException {
        WorkQueue q = new WorkQueue();
        Timers t = new Timers(q);
        t.wakeAfter("k", 50);
        t.wakeAfter("k", 60);   // later than the pending one: dropped
        t.wakeAfter("k", 70);
        assertEquals("k", q.take());
        q.done("k");
        long start = System.nanoTime();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                String k = q.take();
                if (k != null) {
                    q.done(k);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.join(300);
        assertTrue(waiter.isAlive(), "no second wake-up within " + (System.nanoTime() - start) / 1_000_000 + " ms");
        q.shutDown();
        waiter.join();
    }
}
