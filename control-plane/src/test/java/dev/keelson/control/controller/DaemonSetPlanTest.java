package dev.keelson.control.controller;

import static dev.keelson.control.controller.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DaemonSetPlanTest {
    static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    static ObjectNode ds(String templateSpec, String dsSpec) {
        return json("{'metadata':{'name':'agent','namespace':'kube-system','uid':'d1','generation':3},'spec':{"
                + dsSpec + (dsSpec.isEmpty() ? "" : ",")
                + "'selector':{'matchLabels':{'app':'agent'}},'template':{'metadata':{'labels':{'app':'agent'}},'spec':{"
                + templateSpec + (templateSpec.isEmpty() ? "" : ",") + "'containers':[{'name':'c','image':'agent'}]}}}}");
    }

    static ObjectNode node(String name, String labels, String taints) {
        return json("{'metadata':{'name':'" + name + "','labels':{" + labels + "}},'spec':{'taints':[" + taints + "]}}");
    }

    static ObjectNode node(String name) {
        return node(name, "", "");
    }

    /** A ready daemon pod bound to {@code node}, of revision {@code hash}. */
    static ObjectNode pod(String name, String node, String hash, boolean ready, String phase) {
        return json("{'metadata':{'name':'" + name + "','creationTimestamp':'2026-11-20T09:00:00Z','labels':{'app':'agent',"
                + "'controller-revision-hash':'" + hash + "'}},'spec':{'nodeName':'" + node + "'},"
                + "'status':{'phase':'" + phase + "','conditions':[{'type':'Ready','status':'" + (ready ? "True" : "False")
                + "','lastTransitionTime':'2026-11-20T09:00:00Z'}]}}");
    }

    static ObjectNode pod(String name, String node, String hash) {
        return pod(name, node, hash, true, "Running");
    }

    static Stream<Arguments> eligibility() {
        return Stream.of(
                Arguments.of("plain node", "", node("n"), true, true),
                Arguments.of("nodeSelector matches", "'nodeSelector':{'disk':'ssd'}", node("n", "'disk':'ssd'", ""), true, true),
                Arguments.of("nodeSelector does not match", "'nodeSelector':{'disk':'ssd'}", node("n", "'disk':'hdd'", ""), false, false),
                Arguments.of("required node affinity NotIn", "'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                        + "{'nodeSelectorTerms':[{'matchExpressions':[{'key':'role','operator':'NotIn','values':['edge']}]}]}}}",
                        node("n", "'role':'edge'", ""), false, false),
                Arguments.of("spec.nodeName elsewhere", "'nodeName':'other'", node("n"), false, false),
                Arguments.of("untolerated NoSchedule: keep but do not start", "",
                        node("n", "", "{'key':'dedicated','value':'db','effect':'NoSchedule'}"), false, true),
                Arguments.of("untolerated NoExecute: evict", "",
                        node("n", "", "{'key':'dedicated','value':'db','effect':'NoExecute'}"), false, false),
                Arguments.of("tolerated NoExecute", "'tolerations':[{'key':'dedicated','operator':'Exists'}]",
                        node("n", "", "{'key':'dedicated','value':'db','effect':'NoExecute'}"), true, true),
                Arguments.of("PreferNoSchedule is ignored", "",
                        node("n", "", "{'key':'soft','effect':'PreferNoSchedule'}"), true, true),
                Arguments.of("not-ready NoExecute tolerated by default", "",
                        node("n", "", "{'key':'node.kubernetes.io/not-ready','effect':'NoExecute'}"), true, true),
                Arguments.of("unreachable NoExecute tolerated by default", "",
                        node("n", "", "{'key':'node.kubernetes.io/unreachable','effect':'NoExecute'}"), true, true),
                Arguments.of("disk-pressure tolerated by default", "",
                        node("n", "", "{'key':'node.kubernetes.io/disk-pressure','effect':'NoSchedule'}"), true, true),
                Arguments.of("cordoned node tolerated by default", "",
                        node("n", "", "{'key':'node.kubernetes.io/unschedulable','effect':'NoSchedule'}"), true, true),
                Arguments.of("network-unavailable blocks pod networking", "",
                        node("n", "", "{'key':'node.kubernetes.io/network-unavailable','effect':'NoSchedule'}"), false, true),
                Arguments.of("network-unavailable tolerated with hostNetwork", "'hostNetwork':true",
                        node("n", "", "{'key':'node.kubernetes.io/network-unavailable','effect':'NoSchedule'}"), true, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eligibility")
    void judgesNodes(String name, String templateSpec, ObjectNode node, boolean run, boolean stay) {
        assertEquals(new DaemonPods.Eligibility(run, stay), DaemonPods.eligibility(ds(templateSpec, ""), node));
    }

    @Test
    void createsOnePodPerEligibleNode() {
        ObjectNode d = ds("'nodeSelector':{'agent':'yes'}", "");
        List<ObjectNode> nodes = List.of(node("a", "'agent':'yes'", ""), node("b", "'agent':'yes'", ""), node("c", "'agent':'no'", ""),
                node("d", "'agent':'yes'", ""));
        DaemonSetPlan plan = DaemonSetPlan.of(d, nodes, List.of(pod("p-d", "d", "h1")), "h1", NOW);
        assertEquals(List.of("a", "b"), plan.createOn());
        assertTrue(plan.delete().isEmpty());
        assertEquals(3, plan.status().path("desiredNumberScheduled").asInt());
        assertEquals(1, plan.status().path("currentNumberScheduled").asInt());
        assertEquals(1, plan.status().path("numberReady").asInt());
        assertEquals(1, plan.status().path("numberAvailable").asInt());
        assertEquals(2, plan.status().path("numberUnavailable").asInt());
        assertEquals(1, plan.status().path("updatedNumberScheduled").asInt());
        assertEquals(0, plan.status().path("numberMisscheduled").asInt());
        assertEquals(3, plan.status().path("observedGeneration").asInt());
    }

    @Test
    void podsPinnedByAffinityCountForTheirNodeBeforeBinding() {
        ObjectNode pinned = DaemonPods.newPod(ds("", ""), "a", "h1");
        pinned.putObject("status").put("phase", "Pending");
        pinned.withObjectProperty("metadata").put("name", "p-a");
        DaemonSetPlan plan = DaemonSetPlan.of(ds("", ""), List.of(node("a")), List.of(pinned), "h1", NOW);
        assertTrue(plan.createOn().isEmpty(), "an unbound pod pinned to a must not be duplicated");
        assertEquals(1, plan.status().path("currentNumberScheduled").asInt());
    }

    @Test
    void deletesMisscheduledDuplicateFailedAndOrphanedPods() {
        ObjectNode d = ds("'nodeSelector':{'agent':'yes'}", "");
        List<ObjectNode> nodes = List.of(node("a", "'agent':'yes'", ""), node("b", "'agent':'no'", ""),
                node("c", "'agent':'yes'", ""));
        ObjectNode older = pod("old", "a", "h1");
        ObjectNode newer = pod("young", "a", "h1");
        newer.withObjectProperty("metadata").put("creationTimestamp", "2026-11-20T09:30:00Z");
        List<ObjectNode> pods = List.of(older, newer, pod("wrong", "b", "h1"), pod("broken", "c", "h1", false, "Failed"),
                pod("ghost", "gone", "h1"));
        DaemonSetPlan plan = DaemonSetPlan.of(d, nodes, pods, "h1", NOW);
        assertEquals(Set.of("young", "wrong", "broken", "ghost"), names(plan.delete()));
        assertTrue(plan.createOn().isEmpty(), "the failed pod's node gets a new pod once the old one is gone");
        assertEquals(1, plan.status().path("numberMisscheduled").asInt());
    }

    @Test
    void noScheduleTaintKeepsARunningPodButCountsItMisscheduled() {
        ObjectNode tainted = node("a", "", "{'key':'maint','effect':'NoSchedule'}");
        DaemonSetPlan plan = DaemonSetPlan.of(ds("", ""), List.of(tainted), List.of(pod("p", "a", "h1")), "h1", NOW);
        assertTrue(plan.delete().isEmpty());
        assertTrue(plan.createOn().isEmpty());
        assertEquals(1, plan.status().path("numberMisscheduled").asInt());
        assertEquals(0, plan.status().path("desiredNumberScheduled").asInt());
    }

    static Stream<Arguments> rolling() {
        return Stream.of(
                Arguments.of("default maxUnavailable 1 replaces one", "", 1),
                Arguments.of("maxUnavailable 2", "'updateStrategy':{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':2}}", 2),
                Arguments.of("maxUnavailable 30% of 4 rounds up to 2",
                        "'updateStrategy':{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':'30%'}}", 2),
                Arguments.of("OnDelete never replaces", "'updateStrategy':{'type':'OnDelete'}", 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rolling")
    void rollingUpdateReplacesWithinMaxUnavailable(String name, String strategy, int deleted) {
        List<ObjectNode> nodes = List.of(node("a"), node("b"), node("c"), node("d"));
        List<ObjectNode> pods = List.of(pod("pa", "a", "old"), pod("pb", "b", "old"), pod("pc", "c", "old"), pod("pd", "d", "old"));
        DaemonSetPlan plan = DaemonSetPlan.of(ds("", strategy), nodes, pods, "new", NOW);
        assertEquals(deleted, plan.delete().size());
        assertFalse(plan.status().has("updatedNumberScheduled"));
    }

    @Test
    void rollingUpdateWaitsWhileANewPodIsUnavailable() {
        List<ObjectNode> nodes = List.of(node("a"), node("b"), node("c"));
        List<ObjectNode> pods = List.of(pod("pa", "a", "new", false, "Running"), pod("pb", "b", "old"), pod("pc", "c", "old"));
        DaemonSetPlan plan = DaemonSetPlan.of(ds("", ""), nodes, pods, "new", NOW);
        assertTrue(plan.delete().isEmpty(), "the budget of 1 is used by the starting pod");
        assertEquals(1, plan.status().path("updatedNumberScheduled").asInt());
    }

    @Test
    void rollingUpdateCountsAMissingPodAgainstTheBudget() {
        List<ObjectNode> nodes = List.of(node("a"), node("b"));
        DaemonSetPlan plan = DaemonSetPlan.of(ds("", ""), nodes, List.of(pod("pb", "b", "old")), "new", NOW);
        assertEquals(List.of("a"), plan.createOn());
        assertTrue(plan.delete().isEmpty());
    }

    @Test
    void unavailableOldPodsAreReplacedWithoutUsingTheBudget() {
        List<ObjectNode> nodes = List.of(node("a"), node("b"), node("c"));
        List<ObjectNode> pods = List.of(pod("pa", "a", "old", false, "Running"), pod("pb", "b", "old", false, "Running"),
                pod("pc", "c", "old"));
        DaemonSetPlan plan = DaemonSetPlan.of(ds("", ""), nodes, pods, "new", NOW);
        assertEquals(Set.of("pa", "pb"), names(plan.delete()));
    }

    @Test
    void minReadySecondsDelaysAvailabilityAndAsksForARecheck() {
        ObjectNode p = pod("pa", "a", "h1");
        ((ObjectNode) p.path("status").path("conditions").get(0)).put("lastTransitionTime", NOW.minusSeconds(3).toString());
        DaemonSetPlan plan = DaemonSetPlan.of(ds("", "'minReadySeconds':10"), List.of(node("a")), List.of(p), "h1", NOW);
        assertEquals(1, plan.status().path("numberReady").asInt());
        assertFalse(plan.status().has("numberAvailable"));
        assertEquals(Duration.ofSeconds(10), plan.recheckAfter());
    }

    @Test
    void newPodIsPinnedToItsNodeWithDefaultTolerations() {
        ObjectNode d = ds("'tolerations':[{'key':'node.kubernetes.io/not-ready','operator':'Exists','effect':'NoExecute','tolerationSeconds':60}],"
                + "'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{'matchExpressions':"
                + "[{'key':'role','operator':'In','values':['worker']}]}]},'preferredDuringSchedulingIgnoredDuringExecution':"
                + "[{'weight':1,'preference':{'matchExpressions':[{'key':'fast','operator':'Exists'}]}}]}}", "");
        ObjectNode p = DaemonPods.newPod(d, "n7", "abc");
        assertEquals("n7", DaemonPods.targetNode(p));
        JsonNode terms = p.path("spec").path("affinity").path("nodeAffinity").path("requiredDuringSchedulingIgnoredDuringExecution")
                .path("nodeSelectorTerms");
        assertEquals(json("{'x':[{'matchFields':[{'key':'metadata.name','operator':'In','values':['n7']}]}]}").get("x"), terms);
        assertEquals(1, p.path("spec").path("affinity").path("nodeAffinity").path("preferredDuringSchedulingIgnoredDuringExecution").size());
        assertEquals("", p.path("spec").path("nodeName").asText(""), "the scheduler binds it");
        assertEquals("abc", p.path("metadata").path("labels").path("controller-revision-hash").asText());
        assertEquals("agent", p.path("metadata").path("labels").path("app").asText());
        assertEquals("DaemonSet/agent", Pods.controllerRef(p));
        JsonNode tolerations = p.path("spec").path("tolerations");
        assertEquals(6, tolerations.size(), "the user's not-ready toleration is kept, the five others added");
        assertEquals(60, tolerations.get(0).path("tolerationSeconds").asInt());
    }

    private static Set<String> names(List<ObjectNode> pods) {
        return new TreeSet<>(pods.stream().map(Pods::name).toList());
    }
}
