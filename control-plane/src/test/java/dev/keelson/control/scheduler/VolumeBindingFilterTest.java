package dev.keelson.control.scheduler;

import static dev.keelson.control.scheduler.Objects.json;
import static dev.keelson.control.scheduler.Objects.node;
import static dev.keelson.control.scheduler.Objects.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import dev.keelson.control.scheduler.plugins.VolumeBinding;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The VolumeBinding filter as a table of {claim, node, expected reason or "fits"} over fixed volumes and classes. */
class VolumeBindingFilterTest {
    private static final Map<String, JsonNode> CLASSES = Map.of(
            "standard", json("{'metadata':{'name':'standard'},'provisioner':'keelson.dev/local-path',"
                    + "'volumeBindingMode':'WaitForFirstConsumer'}"),
            "manual", json("{'metadata':{'name':'manual'},'provisioner':'kubernetes.io/no-provisioner',"
                    + "'volumeBindingMode':'WaitForFirstConsumer'}"),
            "fast", json("{'metadata':{'name':'fast'},'provisioner':'x.example/disk','volumeBindingMode':'Immediate'}"));
    private static final Map<String, JsonNode> VOLUMES = Map.of(
            "on-n1", json("{'metadata':{'name':'on-n1'},'spec':{'capacity':{'storage':'5Gi'},'accessModes':['ReadWriteOnce'],"
                    + "'storageClassName':'manual','nodeAffinity':{'required':{'nodeSelectorTerms':[{'matchExpressions':"
                    + "[{'key':'kubernetes.io/hostname','operator':'In','values':['n1']}]}]}}},'status':{'phase':'Available'}}"),
            "anywhere", json("{'metadata':{'name':'anywhere'},'spec':{'capacity':{'storage':'5Gi'},'accessModes':['ReadWriteOnce'],"
                    + "'storageClassName':'fast'},'status':{'phase':'Bound'}}"));

    private static JsonNode claim(String spec, String annotations) {
        return json("{'metadata':{'name':'data','namespace':'default','uid':'u1','annotations':{" + annotations
                + "}},'spec':{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}," + spec + "}}");
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("no such claim", null, "n1", "persistentvolumeclaim \"data\" not found"),
                Arguments.of("claim bound to a volume of this node", claim("'storageClassName':'manual','volumeName':'on-n1'", ""),
                        "n1", "fits"),
                Arguments.of("claim bound to a volume of another node", claim("'storageClassName':'manual','volumeName':'on-n1'",
                        ""), "n2", "node(s) had volume node affinity conflict"),
                Arguments.of("claim bound to a volume without affinity", claim("'storageClassName':'fast','volumeName':'anywhere'",
                        ""), "n2", "fits"),
                Arguments.of("claim bound to a missing volume", claim("'storageClassName':'fast','volumeName':'gone'", ""), "n1",
                        "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"),
                Arguments.of("unbound Immediate claim", claim("'storageClassName':'fast'", ""), "n1",
                        "pod has unbound immediate PersistentVolumeClaims"),
                Arguments.of("unbound claim of no class", claim("'storageClassName':''", ""), "n1",
                        "pod has unbound immediate PersistentVolumeClaims"),
                Arguments.of("delayed claim with a provisioner fits anywhere", claim("'storageClassName':'standard'", ""), "n2",
                        "fits"),
                Arguments.of("delayed claim, static volume on this node", claim("'storageClassName':'manual'", ""), "n1", "fits"),
                Arguments.of("delayed claim, static volume only elsewhere", claim("'storageClassName':'manual'", ""), "n2",
                        "node(s) didn't find available persistent volumes to bind"),
                Arguments.of("delayed claim already given another node", claim("'storageClassName':'standard'",
                        "'volume.kubernetes.io/selected-node':'n1'"), "n2", "node(s) had volume node affinity conflict"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filters(String name, JsonNode claim, String nodeName, String expected) {
        VolumeBinding plugin = new VolumeBinding().attach(objects(claim));
        Profile defaults = Profile.defaults(NodeResourcesFit.Strategy.LEAST_ALLOCATED);
        Profile profile = new Profile("test", defaults.preFilters(), defaults.filters().stream()
                .map(f -> f instanceof VolumeBinding ? plugin : f).toList(), defaults.scores());
        Snapshot snapshot = new Snapshot();
        NodeInfo node = node(nodeName);
        snapshot.putNode(node);
        Algorithm.Result r = new Algorithm(profile).schedule(podWithClaim(), snapshot);
        String got = r.node() != null ? "fits" : String.join(", ", r.error().rejections().get(nodeName).reasons());
        assertEquals(expected, got);
    }

    @Test
    void onlyUnmarkedDelayedClaimsAreSelected() {
        VolumeObjects o = objects(claim("'storageClassName':'standard'", ""));
        assertEquals(1, VolumeBinding.delayedClaims(o, podWithClaim()).size());
        VolumeObjects marked = objects(claim("'storageClassName':'standard'", "'volume.kubernetes.io/selected-node':'n1'"));
        assertEquals(List.of(), VolumeBinding.delayedClaims(marked, podWithClaim()));
        assertEquals(List.of(), VolumeBinding.delayedClaims(objects(claim("'storageClassName':'fast'", "")), podWithClaim()));
    }

    @Test
    void podsWithoutClaimsAreNotLookedAt() {
        assertEquals(null, new VolumeBinding().filter(new CycleState(), pod("p", ""), node("n1")));
    }

    private static PodInfo podWithClaim() {
        return pod("p", "'volumes':[{'name':'v','persistentVolumeClaim':{'claimName':'data'}}]");
    }

    private static VolumeObjects objects(JsonNode claim) {
        return new VolumeObjects() {
            @Override
            public JsonNode claim(String namespace, String name) {
                return claim != null && namespace.equals("default") && name.equals("data") ? claim : null;
            }

            @Override
            public JsonNode volume(String name) {
                return VOLUMES.get(name);
            }

            @Override
            public JsonNode storageClass(String name) {
                return CLASSES.get(name);
            }

            @Override
            public Iterable<? extends JsonNode> volumes() {
                return VOLUMES.values();
            }
        };
    }
}
