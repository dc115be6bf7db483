package dev.keelson.control.patch;

import static dev.keelson.control.patch.Json.j;
import static dev.keelson.control.patch.Json.o;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSideApplyTest {
    private static final TypeSchema DEPLOY = TestSchema.DEPLOYMENT;
    private static final Instant T1 = Instant.parse("2025-01-02T03:04:05.678Z");
    private static final Instant T2 = Instant.parse("2025-01-02T04:00:00Z");
    private static final Instant T3 = Instant.parse("2025-01-02T05:00:00Z");

    private static ObjectNode deployment(String spec) {
        return o("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','labels':{'app':'web'}},'spec':"
                + spec + "}");
    }

    private static final ObjectNode WEB = deployment(
            "{'replicas':3,'template':{'spec':{'containers':[{'name':'web','image':'nginx:1'}]}}}");

    /** The fieldsV1 of the entry with this manager and operation, or null. */
    private static JsonNode fieldsOf(JsonNode object, String manager, String operation) {
        for (JsonNode e : object.at("/metadata/managedFields")) {
            if (e.get("manager").textValue().equals(manager) && e.get("operation").textValue().equals(operation)) {
                return e.get("fieldsV1");
            }
        }
        return null;
    }

    private static ObjectNode withoutManagedFields(JsonNode object) {
        ObjectNode copy = (ObjectNode) object.deepCopy();
        ((ObjectNode) copy.get("metadata")).remove("managedFields");
        return copy;
    }

    @Test
    void applyCreatesTheObjectAndRecordsTheAppliedFields() {
        ObjectNode out = Patches.apply(null, WEB, "kubectl", false, DEPLOY, T1);
        assertEquals(WEB, withoutManagedFields(out));
        assertEquals(j("[{'manager':'kubectl','operation':'Apply','apiVersion':'apps/v1','time':'2025-01-02T03:04:05Z',"
                + "'fieldsType':'FieldsV1','fieldsV1':{'f:metadata':{'f:labels':{'f:app':{}}},"
                + "'f:spec':{'f:replicas':{},'f:template':{'f:spec':{'f:containers':"
                + "{'k:{\\'name\\':\\'web\\'}':{'.':{},'f:image':{},'f:name':{}}}}}}}}]"),
                out.at("/metadata/managedFields"));
    }

    @Test
    void reapplyingTheSameConfigurationChangesNothing() {
        ObjectNode first = Patches.apply(null, WEB, "kubectl", false, DEPLOY, T1);
        ObjectNode second = Patches.apply(first, WEB, "kubectl", false, DEPLOY, T2);
        assertEquals(first, second, "same object, same ownership, same time");
    }

    @Test
    void applyRemovesFieldsItOwnedButNoLongerApplies() {
        ObjectNode v1 = deployment("{'replicas':3,'template':{'metadata':{'labels':{'app':'web','tier':'fe'}},"
                + "'spec':{'containers':[{'name':'web','image':'nginx:1'},{'name':'sidecar','image':'envoy'}]}}}");
        ObjectNode live = Patches.apply(null, v1, "kubectl", false, DEPLOY, T1);
        // someone else annotates the object with an ordinary update
        ObjectNode annotated = live.deepCopy();
        ((ObjectNode) annotated.get("metadata")).putObject("annotations").put("note", "keep me");
        live = Patches.trackUpdate(live, annotated, "kubectl-annotate", DEPLOY, T2);

        ObjectNode v2 = deployment("{'template':{'metadata':{'labels':{'app':'web'}},"
                + "'spec':{'containers':[{'name':'web','image':'nginx:1'}]}}}");
        ObjectNode out = Patches.apply(live, v2, "kubectl", false, DEPLOY, T3);

        assertTrue(out.at("/spec/replicas").isMissingNode(), "replicas was only applied by kubectl");
        assertEquals(j("{'app':'web'}"), out.at("/spec/template/metadata/labels"));
        assertEquals(j("[{'name':'web','image':'nginx:1'}]"), out.at("/spec/template/spec/containers"));
        assertEquals("keep me", out.at("/metadata/annotations/note").textValue());
        assertEquals(j("{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:template':{'f:metadata':{'f:labels':{'f:app':{}}},"
                + "'f:spec':{'f:containers':{'k:{\\'name\\':\\'web\\'}':{'.':{},'f:image':{},'f:name':{}}}}}}}"),
                fieldsOf(out, "kubectl", "Apply"));
    }

    @Test
    void aFieldAnotherApplierAlsoOwnsIsNotPrunedAndSameValuesDoNotConflict() {
        ObjectNode live = Patches.apply(null, WEB, "alice", false, DEPLOY, T1);
        ObjectNode replicasOnly = o("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicas':3}}");
        live = Patches.apply(live, replicasOnly, "bob", false, DEPLOY, T2);
        assertEquals(j("{'f:spec':{'f:replicas':{}}}"), fieldsOf(live, "bob", "Apply"));

        ObjectNode withoutReplicas = deployment("{'template':{'spec':{'containers':[{'name':'web','image':'nginx:1'}]}}}");
        ObjectNode out = Patches.apply(live, withoutReplicas, "alice", false, DEPLOY, T3);
        assertEquals(3, out.at("/spec/replicas").intValue(), "bob still owns replicas");
    }

    @Test
    void conflictingAppliersGetA409UnlessTheyForce() {
        ObjectNode live = Patches.apply(null, WEB, "alice", false, DEPLOY, T1);
        ObjectNode scale = o("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicas':5}}");

        ApplyConflictException e = assertThrows(ApplyConflictException.class,
                () -> Patches.apply(live, scale, "bob", false, DEPLOY, T2));
        assertEquals(List.of(new ApplyConflictException.Conflict(".spec.replicas", "alice")), e.conflicts());
        assertEquals("Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas", e.getMessage());

        ObjectNode forced = Patches.apply(live, scale, "bob", true, DEPLOY, T2);
        assertEquals(5, forced.at("/spec/replicas").intValue());
        assertEquals(j("{'f:spec':{'f:replicas':{}}}"), fieldsOf(forced, "bob", "Apply"));
        assertTrue(fieldsOf(forced, "alice", "Apply").at("/f:spec/f:replicas").isMissingNode(), "alice lost replicas");
        assertFalse(fieldsOf(forced, "alice", "Apply").at("/f:spec/f:template").isMissingNode(), "alice keeps the rest");
    }

    @Test
    void anEditByAnUpdateManagerConflictsWithTheNextApply() {
        ObjectNode live = Patches.apply(null, WEB, "kubectl", false, DEPLOY, T1);
        // kubectl edit sends the whole object back, managedFields included
        ObjectNode edited = live.deepCopy();
        ((ObjectNode) edited.get("spec")).put("replicas", 7);
        ObjectNode afterEdit = Patches.trackUpdate(live, edited, "kubectl-edit", DEPLOY, T2);
        assertEquals(j("{'f:spec':{'f:replicas':{}}}"), fieldsOf(afterEdit, "kubectl-edit", "Update"));
        assertTrue(fieldsOf(afterEdit, "kubectl", "Apply").at("/f:spec/f:replicas").isMissingNode());

        ApplyConflictException e = assertThrows(ApplyConflictException.class,
                () -> Patches.apply(afterEdit, WEB, "kubectl", false, DEPLOY, T3));
        assertEquals(List.of(new ApplyConflictException.Conflict(".spec.replicas", "kubectl-edit")), e.conflicts());

        ObjectNode forced = Patches.apply(afterEdit, WEB, "kubectl", true, DEPLOY, T3);
        assertEquals(3, forced.at("/spec/replicas").intValue());
        assertNull(fieldsOf(forced, "kubectl-edit", "Update"), "an entry that owns nothing is dropped");
    }

    @Test
    void containersMergeByNameAndOtherManagersItemsSurvive() {
        ObjectNode live = Patches.apply(null, WEB, "kubectl", false, DEPLOY, T1);
        ObjectNode injected = live.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) injected.at("/spec/template/spec/containers"))
                .addObject().put("name", "sidecar").put("image", "envoy:1");
        live = Patches.trackUpdate(live, injected, "injector", DEPLOY, T2);

        ObjectNode v2 = deployment("{'replicas':3,'template':{'spec':{'containers':[{'name':'web','image':'nginx:2'}]}}}");
        ObjectNode out = Patches.apply(live, v2, "kubectl", false, DEPLOY, T3);
        assertEquals(j("[{'name':'web','image':'nginx:2'},{'name':'sidecar','image':'envoy:1'}]"),
                out.at("/spec/template/spec/containers"));
        assertEquals(j("{'f:spec':{'f:template':{'f:spec':{'f:containers':{'k:{\\'name\\':\\'sidecar\\'}':"
                + "{'.':{},'f:image':{},'f:name':{}}}}}}}"), fieldsOf(out, "injector", "Update"));
        assertEquals(T3.getEpochSecond(), Instant.parse(out.at("/metadata/managedFields/0/time").textValue()).getEpochSecond());
    }

    @Test
    void listMapsKeyedByTwoFieldsAndSetsByValue() {
        ObjectNode pod = o("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','finalizers':['a/b','c']},"
                + "'spec':{'containers':[{'name':'web','ports':[{'containerPort':80,'protocol':'TCP'}]}]}}");
        ObjectNode out = Patches.apply(null, pod, "me", false, TestSchema.POD, T1);
        assertEquals(j("{'f:metadata':{'f:finalizers':{'v:\\'a/b\\'':{},'v:\\'c\\'':{}}},'f:spec':{'f:containers':"
                + "{'k:{\\'name\\':\\'web\\'}':{'.':{},'f:name':{},'f:ports':{'k:{\\'containerPort\\':80,\\'protocol\\':\\'TCP\\'}':"
                + "{'.':{},'f:containerPort':{},'f:protocol':{}}}}}}}"), fieldsOf(out, "me", "Apply"));

        ObjectNode more = pod.deepCopy();
        ((ObjectNode) more.get("metadata")).putArray("finalizers").add("c").add("d");
        ObjectNode again = Patches.apply(out, more, "me", false, TestSchema.POD, T2);
        assertEquals(j("['c','d']"), again.at("/metadata/finalizers"), "a/b pruned, d added");
    }

    @Test
    void atomicMapsAreReplacedWholeAndOwnedAsOneField() {
        ObjectNode v1 = deployment("{'selector':{'matchLabels':{'app':'web','old':'x'}}}");
        ObjectNode live = Patches.apply(null, v1, "kubectl", false, DEPLOY, T1);
        assertEquals(j("{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:selector':{}}}"), fieldsOf(live, "kubectl", "Apply"));
        ObjectNode v2 = deployment("{'selector':{'matchLabels':{'app':'web'}}}");
        assertEquals(j("{'matchLabels':{'app':'web'}}"),
                Patches.apply(live, v2, "kubectl", false, DEPLOY, T2).at("/spec/selector"));
    }

    @Test
    void fieldsThatPredateTrackingBelongToBeforeFirstApply() {
        ObjectNode untracked = deployment("{'replicas':1}");
        ObjectNode scale = o("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicas':2}}");
        ApplyConflictException e = assertThrows(ApplyConflictException.class,
                () -> Patches.apply(untracked, scale, "kubectl", false, DEPLOY, T1));
        assertEquals("before-first-apply", e.conflicts().getFirst().manager());

        ObjectNode same = o("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicas':1}}");
        ObjectNode out = Patches.apply(untracked, same, "kubectl", false, DEPLOY, T1);
        assertEquals(j("{'f:spec':{'f:replicas':{}}}"), fieldsOf(out, "kubectl", "Apply"));
        assertEquals(j("{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},'f:spec':{'f:replicas':{}}}"),
                fieldsOf(out, "before-first-apply", "Update"));
    }

    @Test
    void badApplyRequestsAreRejected() {
        ObjectNode withManaged = WEB.deepCopy();
        ((ObjectNode) withManaged.get("metadata")).putArray("managedFields");
        assertTrue(assertThrows(PatchException.class, () -> Patches.apply(null, withManaged, "m", false, DEPLOY, T1))
                .getMessage().contains("metadata.managedFields must be nil"));

        ObjectNode duplicate = deployment("{'template':{'spec':{'containers':[{'name':'web'},{'name':'web'}]}}}");
        assertTrue(assertThrows(PatchException.class, () -> Patches.apply(null, duplicate, "m", false, DEPLOY, T1))
                .getMessage().contains("duplicate entries for key [name=\"web\"]"));

        assertThrows(PatchException.class, () -> Patches.apply(null, WEB, "", false, DEPLOY, T1));
        ObjectNode keyless = deployment("{'template':{'spec':{'containers':[{'image':'x'}]}}}");
        assertTrue(assertThrows(PatchException.class, () -> Patches.apply(null, keyless, "m", false, DEPLOY, T1))
                .getMessage().contains("omits all key fields"));
    }

    @Test
    void inputsAreNotModified() {
        ObjectNode live = Patches.apply(null, WEB, "alice", false, DEPLOY, T1);
        ObjectNode liveCopy = live.deepCopy();
        ObjectNode scale = o("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicas':5}}");
        ObjectNode scaleCopy = scale.deepCopy();
        Patches.apply(live, scale, "bob", true, DEPLOY, T2);
        assertEquals(liveCopy, live);
        assertEquals(scaleCopy, scale);
    }

    /** 5,000 containers: apply, an update of one, and a re-apply touching all stay far from quadratic. */
    @Test
    void bigListMapsApplyWithoutQuadraticWork() {
        int n = 5_000;
        ObjectNode v1 = deployment("{'template':{'spec':{'containers':[]}}}");
        com.fasterxml.jackson.databind.node.ArrayNode list =
                (com.fasterxml.jackson.databind.node.ArrayNode) v1.at("/spec/template/spec/containers");
        for (int i = 0; i < n; i++) {
            list.addObject().put("name", "c" + i).put("image", "img:1");
        }
        long t0 = System.nanoTime();
        ObjectNode live = Patches.apply(null, v1, "kubectl", false, DEPLOY, T1);
        long t1 = System.nanoTime();
        ObjectNode edited = live.deepCopy();
        ((ObjectNode) edited.at("/spec/template/spec/containers/17")).put("image", "img:edited");
        live = Patches.trackUpdate(live, edited, "kubectl-edit", DEPLOY, T2);
        long t2 = System.nanoTime();
        ObjectNode v2 = v1.deepCopy();
        v2.at("/spec/template/spec/containers").forEach(c -> ((ObjectNode) c).put("image", "img:2"));
        ObjectNode out = Patches.apply(live, v2, "kubectl", true, DEPLOY, T3);
        long t3 = System.nanoTime();
        assertEquals(n, out.at("/spec/template/spec/containers").size());
        assertEquals("img:2", out.at("/spec/template/spec/containers/17/image").textValue());
        System.out.printf("ssa %d containers: apply %d ms, update %d ms, forced re-apply %d ms%n", n,
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        assertTrue(t3 - t0 < 5_000_000_000L, "took " + (t3 - t0) / 1_000_000 + " ms");
    }
}
