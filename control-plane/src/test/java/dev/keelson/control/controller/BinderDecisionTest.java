package dev.keelson.control.controller;

import static dev.keelson.control.controller.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The binder and local provisioner as a table: {volumes, claims, expected writes}, each write shown
 * as {@code OP name: the fields that matter}.
 */
class BinderDecisionTest {
    private static final BinderDecision DECISION = new BinderDecision("keelson.dev/local-path", Path.of("/data/lp"));
    private static final Map<String, JsonNode> CLASSES = Map.of(
            "standard", json("{'metadata':{'name':'standard'},'provisioner':'keelson.dev/local-path',"
                    + "'reclaimPolicy':'Delete','volumeBindingMode':'WaitForFirstConsumer'}"),
            "fast", json("{'metadata':{'name':'fast'},'provisioner':'kubernetes.io/no-provisioner',"
                    + "'volumeBindingMode':'Immediate'}"));

    static ObjectNode pv(String name, String size, String modes, String cls, String extraSpec, String phase) {
        return json("{'metadata':{'name':'" + name + "','labels':{'tier':'" + name + "'}},'spec':{'capacity':{'storage':'"
                + size + "'},'accessModes':[" + modes + "],'storageClassName':'" + cls + "','volumeMode':'Filesystem',"
                + "'persistentVolumeReclaimPolicy':'Retain','hostPath':{'path':'/srv/" + name + "'}" + extraSpec
                + "},'status':{'phase':'" + phase + "'}}");
    }

    static ObjectNode pv(String name, String size) {
        return pv(name, size, "'ReadWriteOnce'", "fast", "", "Available");
    }

    static ObjectNode pvc(String name, String size, String extraSpec, String annotations, String phase) {
        return json("{'metadata':{'name':'" + name + "','namespace':'ns','uid':'u-" + name + "','creationTimestamp':"
                + "'2026-01-01T00:00:00Z','annotations':{" + annotations + "}},'spec':{'accessModes':['ReadWriteOnce'],"
                + "'resources':{'requests':{'storage':'" + size + "'}},'storageClassName':'fast','volumeMode':'Filesystem'"
                + extraSpec + "},'status':{'phase':'" + phase + "'}}");
    }

    static ObjectNode pvc(String name, String size) {
        return pvc(name, size, "", "", "Pending");
    }

    private static final String REF_C = ",'claimRef':{'namespace':'ns','name':'c','uid':'u-c'}";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("an unclaimed volume becomes Available", List.of(pv("a", "1Gi", "'ReadWriteOnce'", "fast", "", "Pending")),
                        List.of(), List.of("VOLUME_STATUS a: Available")),
                Arguments.of("the smallest volume that fits is chosen", List.of(pv("big", "10Gi"), pv("small", "2Gi"),
                        pv("tiny", "500Mi")), List.of(pvc("c", "1Gi")), List.of("UPDATE_VOLUME small: claimRef ns/c u-c")),
                Arguments.of("access modes must all be offered", List.of(pv("rox", "5Gi", "'ReadOnlyMany'", "fast", "", "Available")),
                        List.of(pvc("c", "1Gi")), List.of()),
                Arguments.of("the class must match", List.of(pv("other", "5Gi", "'ReadWriteOnce'", "slow", "", "Available")),
                        List.of(pvc("c", "1Gi")), List.of()),
                Arguments.of("the selector must match", List.of(pv("x", "5Gi"), pv("y", "8Gi")),
                        List.of(pvc("c", "1Gi", ",'selector':{'matchLabels':{'tier':'y'}}", "", "Pending")),
                        List.of("UPDATE_VOLUME y: claimRef ns/c u-c")),
                Arguments.of("a volume is not given to two claims in one pass", List.of(pv("only", "5Gi")),
                        List.of(pvc("c", "1Gi"), pvc("d", "1Gi")), List.of("UPDATE_VOLUME only: claimRef ns/c u-c")),
                Arguments.of("volumeName picks the volume", List.of(pv("small", "2Gi"), pv("named", "9Gi")),
                        List.of(pvc("c", "1Gi", ",'volumeName':'named'", "", "Pending")),
                        List.of("UPDATE_VOLUME named: claimRef ns/c u-c")),
                Arguments.of("a claimed volume completes the claim", List.of(pv("a", "2Gi", "'ReadWriteOnce'", "fast", REF_C,
                        "Available")), List.of(pvc("c", "1Gi")), List.of("UPDATE_CLAIM c: volumeName a bind-completed yes")),
                Arguments.of("a bound pair gets its phases", List.of(pv("a", "2Gi", "'ReadWriteOnce'", "fast", REF_C, "Available")),
                        List.of(pvc("c", "1Gi", ",'volumeName':'a'", "'pv.kubernetes.io/bind-completed':'yes'", "Pending")),
                        List.of("CLAIM_STATUS c: Bound 2Gi", "VOLUME_STATUS a: Bound")),
                Arguments.of("a claim whose volume vanished is Lost", List.of(),
                        List.of(pvc("c", "1Gi", ",'volumeName':'gone'", "'pv.kubernetes.io/bind-completed':'yes'", "Bound")),
                        List.of("CLAIM_STATUS c: Lost")),
                Arguments.of("a volume whose claim is gone is Released", List.of(pv("a", "2Gi", "'ReadWriteOnce'", "fast", REF_C,
                        "Bound")), List.of(), List.of("VOLUME_STATUS a: Released")),
                Arguments.of("a Released volume with Retain stays", List.of(pv("a", "2Gi", "'ReadWriteOnce'", "fast", REF_C,
                        "Released")), List.of(), List.of()),
                Arguments.of("a Released volume with Delete is deleted", List.of(pv("a", "2Gi", "'ReadWriteOnce'", "fast",
                        REF_C + ",'persistentVolumeReclaimPolicy':'Delete'", "Released")), List.of(), List.of("DELETE_VOLUME a: ")),
                Arguments.of("a claim of a new object with the old name releases the volume",
                        List.of(pv("a", "2Gi", "'ReadWriteOnce'", "fast", REF_C.replace("u-c", "u-old"), "Bound")),
                        List.of(pvc("c", "1Gi", ",'storageClassName':'none'", "", "Pending")), List.of("VOLUME_STATUS a: Released")),
                Arguments.of("a volume pre-bound by name to a future claim stays Available",
                        List.of(pv("a", "2Gi", "'ReadWriteOnce'", "fast", ",'claimRef':{'namespace':'ns','name':'later'}",
                                "Available")), List.of(), List.of()),
                Arguments.of("WaitForFirstConsumer waits for a node", List.of(pv("a", "5Gi", "'ReadWriteOnce'", "standard", "",
                        "Available")), List.of(pvc("c", "1Gi", ",'storageClassName':'standard'", "", "Pending")), List.of()),
                Arguments.of("WaitForFirstConsumer takes a volume on the selected node",
                        List.of(pv("far", "2Gi", "'ReadWriteOnce'", "standard", onNode("n2"), "Available"),
                                pv("near", "5Gi", "'ReadWriteOnce'", "standard", onNode("n1"), "Available")),
                        List.of(pvc("c", "1Gi", ",'storageClassName':'standard'",
                                "'volume.kubernetes.io/selected-node':'n1'", "Pending")),
                        List.of("UPDATE_VOLUME near: claimRef ns/c u-c")),
                Arguments.of("with no volume, the local provisioner makes one on the selected node", List.of(),
                        List.of(pvc("c", "1Gi", ",'storageClassName':'standard'",
                                "'volume.kubernetes.io/selected-node':'n1'", "Pending")),
                        List.of("CREATE_VOLUME pvc-u-c: /data/lp/pvc-u-c on n1, 1Gi Delete, claimRef ns/c u-c")),
                Arguments.of("Immediate classes of other provisioners are not provisioned", List.of(),
                        List.of(pvc("c", "1Gi")), List.of()));
    }

    private static String onNode(String node) {
        return ",'nodeAffinity':{'required':{'nodeSelectorTerms':[{'matchExpressions':[{'key':'kubernetes.io/hostname',"
                + "'operator':'In','values':['" + node + "']}]}]}}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(String name, List<ObjectNode> volumes, List<ObjectNode> claims, List<String> expected) {
        var state = new BinderDecision.State(volumes, claims, CLASSES, Map.of());
        List<String> got = new ArrayList<>();
        for (BinderDecision.Action a : DECISION.plan(state)) {
            got.add(a.op() + " " + a.name() + ": " + describe(a));
        }
        assertEquals(expected, got);
    }

    @Test
    void boundVolumeIsMarkedBoundByTheController() {
        var actions = DECISION.plan(new BinderDecision.State(List.of(pv("a", "2Gi")), List.of(pvc("c", "1Gi")), CLASSES,
                Map.of()));
        assertEquals("yes", actions.get(0).object().path("metadata").path("annotations")
                .path("pv.kubernetes.io/bound-by-controller").asText());
    }

    private static String describe(BinderDecision.Action a) {
        JsonNode o = a.object();
        JsonNode spec = o.path("spec");
        JsonNode ref = spec.path("claimRef");
        String claimRef = "claimRef " + ref.path("namespace").asText() + "/" + ref.path("name").asText() + " "
                + ref.path("uid").asText();
        return switch (a.op()) {
            case UPDATE_VOLUME -> claimRef;
            case VOLUME_STATUS -> o.path("status").path("phase").asText();
            case CLAIM_STATUS -> (o.path("status").path("phase").asText() + " "
                    + o.path("status").path("capacity").path("storage").asText()).strip();
            case UPDATE_CLAIM -> "volumeName " + spec.path("volumeName").asText() + " bind-completed "
                    + o.path("metadata").path("annotations").path("pv.kubernetes.io/bind-completed").asText();
            case CREATE_VOLUME -> spec.path("hostPath").path("path").asText() + " on "
                    + spec.path("nodeAffinity").path("required").path("nodeSelectorTerms").path(0)
                    .path("matchExpressions").path(0).path("values").path(0).asText() + ", "
                    + spec.path("capacity").path("storage").asText() + " "
                    + spec.path("persistentVolumeReclaimPolicy").asText() + ", " + claimRef;
            case DELETE_VOLUME -> "";
        };
    }
}
