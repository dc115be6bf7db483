package dev.keelson.control.scheduler;

import static dev.keelson.control.scheduler.Objects.node;
import static dev.keelson.control.scheduler.Objects.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every filter, as a table of {pod, node, placed pods, expected reason or "fits"}. */
class FilterTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("cordoned node", pod("p", ""), node("n", "", "'unschedulable':true"), null,
                        "node(s) were unschedulable"),
                Arguments.of("cordoned node, tolerated", pod("p",
                                "'tolerations':[{'key':'node.kubernetes.io/unschedulable','operator':'Exists','effect':'NoSchedule'}]"),
                        node("n", "", "'unschedulable':true"), null, "fits"),
                Arguments.of("nodeName elsewhere", pod("p", "'nodeName':'other'"), node("n"), null,
                        "node(s) didn't match the requested node name"),
                Arguments.of("untolerated taint", pod("p", ""),
                        node("n", "", "'taints':[{'key':'dedicated','value':'db','effect':'NoSchedule'}]"), null,
                        "node(s) had untolerated taint {dedicated: db}"),
                Arguments.of("taint tolerated by Equal", pod("p",
                                "'tolerations':[{'key':'dedicated','operator':'Equal','value':'db','effect':'NoSchedule'}]"),
                        node("n", "", "'taints':[{'key':'dedicated','value':'db','effect':'NoSchedule'}]"), null, "fits"),
                Arguments.of("toleration with other value", pod("p",
                                "'tolerations':[{'key':'dedicated','value':'web'}]"),
                        node("n", "", "'taints':[{'key':'dedicated','value':'db','effect':'NoExecute'}]"), null,
                        "node(s) had untolerated taint {dedicated: db}"),
                Arguments.of("PreferNoSchedule does not filter", pod("p", ""),
                        node("n", "", "'taints':[{'key':'soft','effect':'PreferNoSchedule'}]"), null, "fits"),
                Arguments.of("nodeSelector mismatch", pod("p", "'nodeSelector':{'disk':'ssd'}"),
                        node("n", "'disk':'hdd'", ""), null, "node(s) didn't match Pod's node affinity/selector"),
                Arguments.of("nodeSelector match", pod("p", "'nodeSelector':{'disk':'ssd'}"),
                        node("n", "'disk':'ssd'", ""), null, "fits"),
                Arguments.of("required affinity In", pod("p", affinity("{'key':'zone','operator':'In','values':['a','b']}")),
                        node("n", "'zone':'b'", ""), null, "fits"),
                Arguments.of("required affinity NotIn", pod("p", affinity("{'key':'zone','operator':'NotIn','values':['b']}")),
                        node("n", "'zone':'b'", ""), null, "node(s) didn't match Pod's node affinity/selector"),
                Arguments.of("required affinity Gt", pod("p", affinity("{'key':'gen','operator':'Gt','values':['3']}")),
                        node("n", "'gen':'4'", ""), null, "fits"),
                Arguments.of("required affinity DoesNotExist", pod("p", affinity("{'key':'gpu','operator':'DoesNotExist'}")),
                        node("n", "'gpu':'1'", ""), null, "node(s) didn't match Pod's node affinity/selector"),
                Arguments.of("too much cpu", Objects.pod("p", "", "5", "1Gi", ""), node("n"), null, "Insufficient cpu"),
                Arguments.of("too much memory", Objects.pod("p", "", "1", "9Gi", ""), node("n"), null, "Insufficient memory"),
                Arguments.of("fits next to a placed pod", Objects.pod("p", "", "2", "4Gi", ""), node("n"),
                        Objects.pod("q", "", "2", "4Gi", ""), "fits"),
                Arguments.of("does not fit next to a placed pod", Objects.pod("p", "", "2100m", "1Gi", ""), node("n"),
                        Objects.pod("q", "", "2", "1Gi", ""), "Insufficient cpu"),
                Arguments.of("host port taken", hostPortPod("p", 8080, ""), node("n"), hostPortPod("q", 8080, ""),
                        "node(s) didn't have free ports for the requested pod ports"),
                Arguments.of("host port on other IP", hostPortPod("p", 8080, "10.0.0.1"), node("n"),
                        hostPortPod("q", 8080, "10.0.0.2"), "fits"),
                Arguments.of("anti-affinity against a placed pod", Objects.pod("p", "'app':'web'", "1m", "1Mi",
                                "'affinity':{'podAntiAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                                        + "[{'labelSelector':{'matchLabels':{'app':'web'}},'topologyKey':'kubernetes.io/hostname'}]}}"),
                        node("n"), Objects.pod("q", "'app':'web'", "1m", "1Mi", ""),
                        "node(s) didn't match pod anti-affinity rules"),
                Arguments.of("placed pod's anti-affinity against the newcomer", Objects.pod("p", "'app':'web'", "1m", "1Mi", ""),
                        node("n"), Objects.pod("q", "'app':'db'", "1m", "1Mi",
                                "'affinity':{'podAntiAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                                        + "[{'labelSelector':{'matchLabels':{'app':'web'}},'topologyKey':'kubernetes.io/hostname'}]}}"),
                        "node(s) didn't satisfy existing pods anti-affinity rules"),
                Arguments.of("pod affinity with no match on the node", Objects.pod("p", "", "1m", "1Mi",
                                "'affinity':{'podAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                                        + "[{'labelSelector':{'matchLabels':{'app':'cache'}},'topologyKey':'kubernetes.io/hostname'}]}}"),
                        node("n"), Objects.pod("q", "'app':'db'", "1m", "1Mi", ""),
                        "node(s) didn't match pod affinity rules"),
                Arguments.of("pod affinity satisfied", Objects.pod("p", "", "1m", "1Mi",
                                "'affinity':{'podAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                                        + "[{'labelSelector':{'matchLabels':{'app':'cache'}},'topologyKey':'kubernetes.io/hostname'}]}}"),
                        node("n"), Objects.pod("q", "'app':'cache'", "1m", "1Mi", ""), "fits"),
                Arguments.of("spread constraint missing label", Objects.pod("p", "'app':'web'", "1m", "1Mi",
                                "'topologySpreadConstraints':[{'maxSkew':1,'topologyKey':'zone','whenUnsatisfiable':'DoNotSchedule',"
                                        + "'labelSelector':{'matchLabels':{'app':'web'}}}]"),
                        node("n"), null, "node(s) didn't match pod topology spread constraints (missing required label)"));
    }

    private static String affinity(String expr) {
        return "'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':"
                + "[{'matchExpressions':[" + expr + "]}]}}}";
    }

    private static PodInfo hostPortPod(String name, int port, String hostIP) {
        return PodInfo.of(Objects.json("{'metadata':{'name':'" + name + "','namespace':'default'},'spec':{'containers':"
                + "[{'name':'c','image':'x','ports':[{'containerPort':80,'hostPort':" + port + ",'hostIP':'" + hostIP + "'}]}]}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filters(String name, PodInfo pod, NodeInfo node, PodInfo placed, String expected) {
        Snapshot snapshot = new Snapshot();
        snapshot.putNode(node);
        if (placed != null) {
            snapshot.addPod(placed, node.name());
        }
        Algorithm algorithm = new Algorithm(Profile.defaults(NodeResourcesFit.Strategy.LEAST_ALLOCATED));
        Algorithm.Result r = algorithm.schedule(pod, snapshot);
        String got = r.node() != null ? "fits" : String.join(", ", r.error().rejections().get(node.name()).reasons());
        assertEquals(expected, got);
    }
}
