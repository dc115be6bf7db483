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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The node health state machine driven by a hand-moved clock, and the eviction timing table. */
class NodeLifecycleTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final Duration GRACE = Duration.ofSeconds(40);

    static ObjectNode node(String ready, String taints) {
        return json("{'metadata':{'name':'n1','resourceVersion':'7'},'spec':{'taints':[" + taints + "]},'status':{'conditions':["
                + "{'type':'MemoryPressure','status':'False','lastHeartbeatTime':'2026-11-20T09:59:00Z','lastTransitionTime':'2026-11-20T09:00:00Z'},"
                + "{'type':'Ready','status':'" + ready + "','lastHeartbeatTime':'2026-11-20T09:59:00Z','lastTransitionTime':'2026-11-20T09:00:00Z',"
                + "'reason':'KubeletReady'}]}}");
    }

    @Test
    void silentNodeTurnsUnknownAfterTheGracePeriodAndIsTainted() {
        NodeHealth h = new NodeHealth();
        ObjectNode n = node("True", "");
        Instant probe = h.observe("n1", "hb1", "r1", T0);
        NodeHealth.Assessment early = NodeHealth.assess(n, probe, T0.plusSeconds(39), GRACE);
        assertNull(early.status());
        assertFalse(early.taintsChanged());
        assertEquals(Duration.ofSeconds(1), early.recheckAfter());

        probe = h.observe("n1", "hb1", "r1", T0.plusSeconds(40));
        assertEquals(T0, probe, "nothing new: the probe time stays");
        NodeHealth.Assessment late = NodeHealth.assess(n, probe, T0.plusSeconds(40), GRACE);
        JsonNode ready = Conditions.find(late.status().path("conditions"), "Ready");
        assertEquals("Unknown", ready.path("status").asText());
        assertEquals("NodeStatusUnknown", ready.path("reason").asText());
        assertEquals("Kubelet stopped posting node status.", ready.path("message").asText());
        assertEquals("2026-11-20T10:00:40Z", ready.path("lastTransitionTime").asText());
        assertEquals("2026-11-20T09:59:00Z", ready.path("lastHeartbeatTime").asText(), "the heartbeat is the kubelet's");
        assertEquals("Unknown", Conditions.find(late.status().path("conditions"), "MemoryPressure").path("status").asText());
        assertTrue(late.taintsChanged());
        assertEquals(json("{'t':[{'key':'node.kubernetes.io/unreachable','effect':'NoSchedule'},"
                + "{'key':'node.kubernetes.io/unreachable','effect':'NoExecute','timeAdded':'2026-11-20T10:00:40Z'}]}").get("t"), late.taints());
        assertNull(late.recheckAfter());
    }

    @Test
    void aLeaseRenewalKeepsTheNodeAlive() {
        NodeHealth h = new NodeHealth();
        h.observe("n1", "hb1", "r1", T0);
        Instant probe = h.observe("n1", "hb1", "r2", T0.plusSeconds(30));
        assertEquals(T0.plusSeconds(30), probe);
        NodeHealth.Assessment a = NodeHealth.assess(node("True", ""), probe, T0.plusSeconds(60), GRACE);
        assertNull(a.status());
        assertEquals(Duration.ofSeconds(10), a.recheckAfter());
    }

    @Test
    void aNewHeartbeatAlsoCounts() {
        NodeHealth h = new NodeHealth();
        h.observe("n1", "hb1", "", T0);
        assertEquals(T0.plusSeconds(20), h.observe("n1", "hb2", "", T0.plusSeconds(20)));
    }

    @Test
    void theNodesOwnClockDoesNotMatter() {
        NodeHealth h = new NodeHealth();
        // a renew time far in the future does not buy the node time beyond the grace period
        Instant probe = h.observe("n1", "", "2099-01-01T00:00:00.000000Z", T0);
        assertTrue(NodeHealth.assess(node("True", ""), probe, T0.plusSeconds(41), GRACE).status() != null);
    }

    @Test
    void nodeThatNeverPostedStatusSaysSo() {
        ObjectNode n = json("{'metadata':{'name':'n1'},'spec':{}}");
        NodeHealth.Assessment a = NodeHealth.assess(n, T0, T0.plusSeconds(40), GRACE);
        JsonNode ready = Conditions.find(a.status().path("conditions"), "Ready");
        assertEquals("NodeStatusNeverUpdated", ready.path("reason").asText());
        assertEquals("Kubelet never posted node status.", ready.path("message").asText());
    }

    @Test
    void unknownNodeIsNotRewrittenTwice() {
        ObjectNode n = node("Unknown", "{'key':'node.kubernetes.io/unreachable','effect':'NoSchedule'},"
                + "{'key':'node.kubernetes.io/unreachable','effect':'NoExecute','timeAdded':'2026-11-20T10:00:40Z'}");
        NodeHealth.Assessment a = NodeHealth.assess(n, T0, T0.plusSeconds(90), GRACE);
        assertNull(a.status());
        assertFalse(a.taintsChanged(), "timeAdded of the existing taint is kept");
    }

    @Test
    void notReadyNodeGetsNotReadyTaintsAndKeepsOthers() {
        ObjectNode n = node("False", "{'key':'dedicated','value':'db','effect':'NoSchedule'}");
        NodeHealth.Assessment a = NodeHealth.assess(n, T0, T0.plusSeconds(1), GRACE);
        assertNull(a.status(), "the kubelet's own False stands");
        assertEquals(3, a.taints().size());
        assertEquals("dedicated", a.taints().get(0).path("key").asText());
        assertEquals("node.kubernetes.io/not-ready", a.taints().get(2).path("key").asText());
        assertEquals("NoExecute", a.taints().get(2).path("effect").asText());
    }

    @Test
    void taintsGoWhenTheNodeIsReadyAgain() {
        ObjectNode n = node("True", "{'key':'node.kubernetes.io/unreachable','effect':'NoSchedule'},"
                + "{'key':'node.kubernetes.io/unreachable','effect':'NoExecute','timeAdded':'2026-11-20T10:00:40Z'},"
                + "{'key':'dedicated','effect':'NoSchedule'}");
        NodeHealth.Assessment a = NodeHealth.assess(n, T0, T0.plusSeconds(1), GRACE);
        assertTrue(a.taintsChanged());
        assertEquals(1, a.taints().size());
        assertEquals("dedicated", a.taints().get(0).path("key").asText());
    }

    static final String UNREACHABLE_AT_T0 = "[{'key':'node.kubernetes.io/unreachable','effect':'NoSchedule'},"
            + "{'key':'node.kubernetes.io/unreachable','effect':'NoExecute','timeAdded':'2026-11-20T10:00:00Z'}]";

    static Stream<Arguments> evictions() {
        return Stream.of(
                Arguments.of("no toleration: the default 300 s", "", UNREACHABLE_AT_T0, T0.plusSeconds(300)),
                Arguments.of("own toleration of 60 s", "{'key':'node.kubernetes.io/unreachable','operator':'Exists',"
                        + "'effect':'NoExecute','tolerationSeconds':60}", UNREACHABLE_AT_T0, T0.plusSeconds(60)),
                Arguments.of("toleration without seconds: stays forever",
                        "{'key':'node.kubernetes.io/unreachable','operator':'Exists','effect':'NoExecute'}", UNREACHABLE_AT_T0, null),
                Arguments.of("tolerate everything", "{'operator':'Exists'}", UNREACHABLE_AT_T0, null),
                Arguments.of("negative seconds mean now", "{'key':'node.kubernetes.io/unreachable','operator':'Exists',"
                        + "'tolerationSeconds':-5}", UNREACHABLE_AT_T0, T0),
                Arguments.of("only NoSchedule taints: stays", "", "[{'key':'x','effect':'NoSchedule'}]", null),
                Arguments.of("untolerated custom NoExecute: at once", "",
                        "[{'key':'evict-me','effect':'NoExecute','timeAdded':'2026-11-20T10:00:05Z'}]", T0.plusSeconds(5)),
                Arguments.of("shortest of the used tolerations wins",
                        "{'key':'node.kubernetes.io/not-ready','operator':'Exists','tolerationSeconds':100},"
                                + "{'key':'dedicated','operator':'Exists','tolerationSeconds':30}",
                        "[{'key':'node.kubernetes.io/not-ready','effect':'NoExecute','timeAdded':'2026-11-20T10:00:00Z'},"
                                + "{'key':'dedicated','effect':'NoExecute','timeAdded':'2026-11-20T10:00:10Z'}]", T0.plusSeconds(40)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evictions")
    void evictionTime(String name, String tolerations, String taints, Instant expected) {
        ObjectNode pod = json("{'metadata':{'name':'p'},'spec':{'nodeName':'n1','tolerations':[" + tolerations + "]}}");
        JsonNode t = json("{'t':" + taints + "}").get("t");
        assertEquals(expected, TaintEviction.evictAt(pod, t, Duration.ofSeconds(300), T0.plusSeconds(1)));
    }

    @Test
    void defaultTolerationIsConfigurable() {
        ObjectNode pod = json("{'metadata':{'name':'p'},'spec':{}}");
        JsonNode t = json("{'t':" + UNREACHABLE_AT_T0 + "}").get("t");
        assertEquals(T0.plusSeconds(2), TaintEviction.evictAt(pod, t, Duration.ofSeconds(2), T0));
    }
}
