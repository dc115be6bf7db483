package dev.keelson.control.scheduler;

import static dev.keelson.control.scheduler.Objects.node;
import static dev.keelson.control.scheduler.Objects.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.keelson.control.scheduler.plugins.NodeResourcesFit.Strategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scores, spreading, bin packing, messages and preemption over several nodes. */
class SchedulingTest {

    private static Snapshot cluster(NodeInfo... nodes) {
        Snapshot s = new Snapshot();
        for (NodeInfo n : nodes) {
            s.putNode(n);
        }
        return s;
    }

    private static Map<String, Integer> scheduleAll(Algorithm a, Snapshot s, int pods, String cpu) {
        Map<String, Integer> perNode = new HashMap<>();
        for (int i = 0; i < pods; i++) {
            PodInfo p = Objects.pod("p" + i, "", cpu, "100Mi", "");
            String node = a.schedule(p, s).node();
            assertNotNull(node, "pod " + i + " should fit");
            s.addPod(p, node);
            perNode.merge(node, 1, Integer::sum);
        }
        return perNode;
    }

    @Test
    void leastAllocatedSpreadsPodsEvenly() {
        Snapshot s = cluster(node("a"), node("b"), node("c"));
        Map<String, Integer> perNode = scheduleAll(new Algorithm(Profile.defaults(Strategy.LEAST_ALLOCATED)), s, 9, "500m");
        assertEquals(Map.of("a", 3, "b", 3, "c", 3), perNode);
    }

    @Test
    void mostAllocatedPacksPodsOntoFewNodes() {
        Snapshot s = cluster(node("a"), node("b"), node("c"));
        Map<String, Integer> perNode = scheduleAll(new Algorithm(Profile.defaults(Strategy.MOST_ALLOCATED)), s, 8, "500m");
        // 4 CPUs per node hold 8 pods of 500m: bin packing fills one node before using another
        assertEquals(List.of(8), List.copyOf(perNode.values()));
    }

    @Test
    void preferredNodeAffinityWins() {
        Snapshot s = cluster(node("a", "'disk':'hdd'", ""), node("b", "'disk':'ssd'", ""), node("c", "'disk':'hdd'", ""));
        PodInfo p = pod("p", "'affinity':{'nodeAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':"
                + "[{'weight':80,'preference':{'matchExpressions':[{'key':'disk','operator':'In','values':['ssd']}]}}]}}");
        assertEquals("b", new Algorithm(Profile.defaults(Strategy.LEAST_ALLOCATED)).schedule(p, s).node());
    }

    @Test
    void preferNoScheduleTaintIsAvoided() {
        Snapshot s = cluster(node("a", "", "'taints':[{'key':'soft','effect':'PreferNoSchedule'}]"), node("b"));
        for (int i = 0; i < 5; i++) {
            assertEquals("b", new Algorithm(Profile.defaults(Strategy.LEAST_ALLOCATED)).schedule(pod("p" + i, ""), s).node());
        }
    }

    @Test
    void hardSpreadKeepsZonesWithinMaxSkew() {
        Snapshot s = cluster(node("a", "'zone':'z1'", ""), node("b", "'zone':'z1'", ""), node("c", "'zone':'z2'", ""));
        Algorithm a = new Algorithm(Profile.defaults(Strategy.MOST_ALLOCATED));
        Map<String, Integer> zones = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            PodInfo p = Objects.pod("w" + i, "'app':'web'", "100m", "10Mi",
                    "'topologySpreadConstraints':[{'maxSkew':1,'topologyKey':'zone','whenUnsatisfiable':'DoNotSchedule',"
                            + "'labelSelector':{'matchLabels':{'app':'web'}}}]");
            String n = a.schedule(p, s).node();
            s.addPod(p, n);
            zones.merge(s.node(n).labels().get("zone"), 1, Integer::sum);
            assertEquals(true, Math.abs(zones.getOrDefault("z1", 0) - zones.getOrDefault("z2", 0)) <= 1, zones.toString());
        }
    }

    @Test
    void fitErrorCountsReasonsLikeKubeScheduler() {
        Snapshot s = cluster(node("a"), node("b"),
                node("c", "", "'taints':[{'key':'node-role.kubernetes.io/control-plane','effect':'NoSchedule'}]"));
        Algorithm.Result r = new Algorithm(Profile.defaults(Strategy.LEAST_ALLOCATED))
                .schedule(Objects.pod("big", "", "6", "1Gi", ""), s);
        assertNull(r.node());
        assertEquals("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane}, "
                + "2 Insufficient cpu.", r.error().message());
    }

    @Test
    void preemptionEvictsTheFewestLeastImportantPods() {
        Snapshot s = cluster(node("a"), node("b"));
        Algorithm a = new Algorithm(Profile.defaults(Strategy.LEAST_ALLOCATED));
        s.addPod(prio("a1", "2", 10), "a");
        s.addPod(prio("a2", "2", 10), "a");
        s.addPod(prio("b1", "3", 5), "b");
        s.addPod(prio("b2", "1", 50), "b");
        PodInfo urgent = prio("urgent", "3", 100);
        Algorithm.Result r = a.schedule(urgent, s);
        assertNull(r.node());
        Preemption.Candidate c = new Preemption(a).find(urgent, s, r.error());
        // on a both pods must go (2 victims at priority 10); on b only b1 (priority 5)
        assertEquals("b", c.node());
        assertEquals(List.of("b1"), c.victims().stream().map(PodInfo::name).toList());
    }

    @Test
    void preemptionDoesNotHelpAgainstTaints() {
        Snapshot s = cluster(node("a", "", "'taints':[{'key':'x','effect':'NoSchedule'}]"));
        s.addPod(prio("low", "1", 0), "a");
        Algorithm a = new Algorithm(Profile.defaults(Strategy.LEAST_ALLOCATED));
        PodInfo urgent = prio("urgent", "1", 100);
        assertNull(new Preemption(a).find(urgent, s, a.schedule(urgent, s).error()));
    }

    @Test
    void feasibleNodeSearchFollowsKubeSchedulerPercentages() {
        assertEquals(50, Algorithm.feasibleToFind(50));
        assertEquals(420, Algorithm.feasibleToFind(1000));
        assertEquals(500, Algorithm.feasibleToFind(5000));
        assertEquals(100, Algorithm.feasibleToFind(150));
    }

    private static PodInfo prio(String name, String cpu, int priority) {
        return Objects.pod(name, "", cpu, "10Mi", "'priority':" + priority);
    }

}
