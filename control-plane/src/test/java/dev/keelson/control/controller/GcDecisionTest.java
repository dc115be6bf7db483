package dev.keelson.control.controller;

import static dev.keelson.control.controller.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.Resource;
import dev.keelson.control.controller.GcDecision.Delete;
import dev.keelson.control.controller.GcDecision.OwnerState;
import dev.keelson.control.controller.GcDecision.RemoveFinalizer;
import dev.keelson.control.controller.GcDecision.SetOwnerReferences;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GcDecisionTest {

    static String ref(String uid, boolean block) {
        return "{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'rs-" + uid + "','uid':'" + uid + "','controller':true,"
                + "'blockOwnerDeletion':" + block + "}";
    }

    static ObjectNode obj(String uid, String refs, String extraMeta) {
        return json("{'metadata':{'name':'o-" + uid + "','namespace':'default','uid':'" + uid + "','resourceVersion':'5',"
                + "'ownerReferences':[" + refs + "]" + extraMeta + "}}");
    }

    static Stream<Arguments> dependents() {
        return Stream.of(
                Arguments.of("owner alive: nothing", ref("a", true), Map.of("a", OwnerState.PRESENT), false, "none"),
                Arguments.of("owner gone: delete in background", ref("a", true), Map.of("a", OwnerState.ABSENT), false,
                        "delete Background"),
                Arguments.of("all owners gone", ref("a", true) + "," + ref("b", false),
                        Map.of("a", OwnerState.ABSENT, "b", OwnerState.ABSENT), false, "delete Background"),
                Arguments.of("one owner left: drop the dangling reference", ref("a", true) + "," + ref("b", false),
                        Map.of("a", OwnerState.ABSENT, "b", OwnerState.PRESENT), false, "refs d: [b]"),
                Arguments.of("owner deleting in foreground, leaf", ref("a", true), Map.of("a", OwnerState.DELETING_FOREGROUND), false,
                        "delete Background"),
                Arguments.of("owner deleting in foreground, has dependents", ref("a", true),
                        Map.of("a", OwnerState.DELETING_FOREGROUND), true, "delete Foreground"),
                Arguments.of("foreground owner plus a live one: stop blocking", ref("a", true) + "," + ref("b", false),
                        Map.of("a", OwnerState.DELETING_FOREGROUND, "b", OwnerState.PRESENT), false, "refs d: [a, b]"),
                Arguments.of("no references: nothing", "", Map.of(), false, "none"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dependents")
    void judgesDependents(String name, String refs, Map<String, OwnerState> owners, boolean hasDependents, String expected) {
        assertEquals(expected, describe(GcDecision.forDependent(obj("d", refs, ""), owners, hasDependents)));
    }

    @Test
    void objectAlreadyBeingDeletedIsLeftAlone() {
        ObjectNode o = obj("d", ref("a", true), ",'deletionTimestamp':'2026-11-20T10:00:00Z'");
        assertTrue(GcDecision.forDependent(o, Map.of("a", OwnerState.ABSENT), false).isEmpty());
    }

    @Test
    void orphanFinalizerStripsReferencesThenGoes() {
        ObjectNode owner = obj("a", "", ",'deletionTimestamp':'2026-11-20T10:00:00Z','finalizers':['orphan']");
        List<ObjectNode> deps = List.of(obj("p1", ref("a", true), ""), obj("p2", ref("a", true) + "," + ref("z", false), ""));
        assertEquals("refs p1: [] ; refs p2: [z]", describeAll(GcDecision.forOwner(owner, deps, Set.of())));
        List<ObjectNode> freed = List.of(obj("p1", "", ""), obj("p2", ref("z", false), ""));
        assertEquals(List.of(new RemoveFinalizer("a", "orphan")), GcDecision.forOwner(owner, freed, Set.of()));
    }

    @Test
    void foregroundFinalizerDeletesBlockingDependentsFirst() {
        ObjectNode owner = obj("a", "", ",'deletionTimestamp':'2026-11-20T10:00:00Z','finalizers':['foregroundDeletion']");
        List<ObjectNode> deps = List.of(obj("p1", ref("a", true), ""), obj("rs", ref("a", true), ""),
                obj("loose", ref("a", false), ""),
                obj("going", ref("a", true), ",'deletionTimestamp':'2026-11-20T10:00:01Z'"));
        List<GcDecision.Action> actions = GcDecision.forOwner(owner, deps, Set.of("rs"));
        assertEquals(List.of(new Delete("p1", "Background"), new Delete("rs", "Foreground")), actions,
                "non-blocking and already-deleting dependents are not deleted; the finalizer stays");
        List<ObjectNode> onlyLoose = List.of(obj("loose", ref("a", false), ""));
        assertEquals(List.of(new RemoveFinalizer("a", "foregroundDeletion")), GcDecision.forOwner(owner, onlyLoose, Set.of()));
    }

    @Test
    void ownerNotBeingDeletedNeedsNothing() {
        ObjectNode owner = obj("a", "", ",'finalizers':['foregroundDeletion']");
        assertTrue(GcDecision.forOwner(owner, List.of(obj("p", ref("a", true), "")), Set.of()).isEmpty());
    }

    @Test
    void graphIndexesDependentsAndForgetsOldReferences() {
        OwnerGraph g = new OwnerGraph();
        g.put(Resource.PODS, obj("p1", ref("a", true), ""));
        g.put(Resource.PODS, obj("p2", ref("a", true) + "," + ref("b", true), ""));
        assertEquals(Set.of("p1", "p2"), Set.copyOf(g.dependentsOf("a").stream().map(e -> Pods.uid(e.object())).toList()));
        assertTrue(g.hasDependents("b"), "owners that are not in the graph are indexed too");
        g.put(Resource.PODS, obj("p2", ref("a", true), ""));
        assertTrue(!g.hasDependents("b"));
        g.remove("p1");
        g.remove("p2");
        assertTrue(!g.hasDependents("a"));
    }

    @Test
    void kindsResolveOnlyWithTheRightGroup() {
        assertEquals(Resource.REPLICASETS, Kinds.of("apps/v1", "ReplicaSet"));
        assertEquals(Resource.PODS, Kinds.of("v1", "Pod"));
        assertEquals(null, Kinds.of("extensions/v1beta1", "ReplicaSet"));
        assertEquals(null, Kinds.of("example.com/v1", "Widget"));
    }

    /** Actions as text: "delete P", "refs UID: [a+, b]" (+ marks blockOwnerDeletion), "finalize F". */
    private static String describe(List<GcDecision.Action> actions) {
        return actions.isEmpty() ? "none" : describeAll(actions);
    }

    private static String describeAll(List<GcDecision.Action> actions) {
        List<String> out = new java.util.ArrayList<>();
        for (GcDecision.Action a : actions) {
            out.add(switch (a) {
                case Delete d -> "delete " + d.propagation();
                case SetOwnerReferences s -> {
                    List<String> refs = new java.util.ArrayList<>();
                    s.ownerReferences().forEach(x -> refs.add(x.path("uid").asText() + (x.path("blockOwnerDeletion").asBoolean() ? "+" : "")));
                    yield "refs " + s.uid() + ": " + refs;
                }
                case RemoveFinalizer f -> "finalize " + f.finalizer();
            });
        }
        return String.join(" ; ", out);
    }
}
