package dev.keelson.control.patch;

import static dev.keelson.control.patch.Json.j;
import static dev.keelson.control.patch.Json.o;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedFieldsTest {
    private static final TypeSchema POD = TestSchema.POD;
    private static final Instant T1 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-01T11:00:00Z");

    private static final ObjectNode WEB = o("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','namespace':'default',"
            + "'uid':'u-1','resourceVersion':'5','labels':{'app':'web'}},'spec':{'containers':[{'name':'web','image':'nginx:1',"
            + "'ports':[{'containerPort':80,'protocol':'TCP'}]}]}}");

    private static JsonNode entry(JsonNode object, String manager) {
        for (JsonNode e : object.at("/metadata/managedFields")) {
            if (e.get("manager").textValue().equals(manager)) {
                return e;
            }
        }
        return null;
    }

    private static ObjectNode created() {
        return Patches.trackUpdate(null, WEB, "kubectl-create", POD, T1);
    }

    @Test
    void createGivesTheCreatorEverythingButIdentityMetadata() {
        ObjectNode out = created();
        assertEquals(j("[{'manager':'kubectl-create','operation':'Update','apiVersion':'v1','time':'2025-03-01T10:00:00Z',"
                + "'fieldsType':'FieldsV1','fieldsV1':{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},'f:spec':{'f:containers':"
                + "{'.':{},'k:{\\'name\\':\\'web\\'}':{'.':{},'f:image':{},'f:name':{},'f:ports':{'.':{},"
                + "'k:{\\'containerPort\\':80,\\'protocol\\':\\'TCP\\'}':{'.':{},'f:containerPort':{},'f:protocol':{}}}}}}}}]"),
                out.at("/metadata/managedFields"));
    }

    @Test
    void anUpdateTakesTheFieldsItChangesFromTheirOwner() {
        ObjectNode live = created();
        ObjectNode changed = live.deepCopy();
        ((ObjectNode) changed.at("/spec/containers/0")).put("image", "nginx:2");
        ObjectNode out = Patches.trackUpdate(live, changed, "kubectl-set", POD, T2);
        assertEquals(j("{'f:spec':{'f:containers':{'k:{\\'name\\':\\'web\\'}':{'f:image':{}}}}}"),
                entry(out, "kubectl-set").get("fieldsV1"));
        assertTrue(entry(out, "kubectl-create").at("/fieldsV1/f:spec/f:containers/k:{\"name\":\"web\"}/f:image").isMissingNode());
        assertEquals("2025-03-01T10:00:00Z", entry(out, "kubectl-create").get("time").textValue(), "untouched entries keep their time");
        assertEquals("nginx:2", out.at("/spec/containers/0/image").textValue());
    }

    @Test
    void removedFieldsLeaveEveryOwner() {
        ObjectNode live = created();
        ObjectNode changed = live.deepCopy();
        ((ObjectNode) changed.get("metadata")).remove("labels");
        ObjectNode out = Patches.trackUpdate(live, changed, "kubectl-label", POD, T2);
        assertTrue(entry(out, "kubectl-create").at("/fieldsV1/f:metadata").isMissingNode());
        assertEquals(null, entry(out, "kubectl-label"), "removing gives nothing to own");
    }

    @Test
    void aWriteThatChangesNothingLeavesManagedFieldsAlone() {
        ObjectNode live = created();
        ObjectNode out = Patches.trackUpdate(live, live.deepCopy(), "someone", POD, T2);
        assertEquals(live, out);
    }

    @Test
    void repeatedUpdatesByOneManagerAccumulateInOneEntry() {
        ObjectNode live = created();
        ObjectNode a = live.deepCopy();
        ((ObjectNode) a.at("/metadata/labels")).put("x", "1");
        live = Patches.trackUpdate(live, a, "ctl", POD, T1);
        ObjectNode b = live.deepCopy();
        ((ObjectNode) b.at("/metadata/labels")).put("y", "2");
        live = Patches.trackUpdate(live, b, "ctl", POD, T2);
        assertEquals(j("{'f:metadata':{'f:labels':{'f:x':{},'f:y':{}}}}"), entry(live, "ctl").get("fieldsV1"));
        assertEquals("2025-03-01T11:00:00Z", entry(live, "ctl").get("time").textValue());
        assertEquals(2, live.at("/metadata/managedFields").size());
    }

    @Test
    void existingObjectsWithoutManagedFieldsStayUntracked() {
        ObjectNode changed = WEB.deepCopy();
        ((ObjectNode) changed.at("/metadata/labels")).put("x", "1");
        assertTrue(Patches.trackUpdate(WEB, changed, "ctl", POD, T1).at("/metadata/managedFields").isMissingNode());
    }

    @Test
    void sendingAnEmptyManagedFieldsListResetsTracking() {
        ObjectNode live = created();
        ObjectNode reset = live.deepCopy();
        ((ObjectNode) reset.get("metadata")).putArray("managedFields");
        assertTrue(Patches.trackUpdate(live, reset, "ctl", POD, T2).at("/metadata/managedFields").isMissingNode());
    }

    @Test
    void moreThanTenUpdateManagersAreFoldedIntoAncientChanges() {
        ObjectNode live = created();
        for (int i = 0; i < 12; i++) {
            ObjectNode next = live.deepCopy();
            ((ObjectNode) next.at("/metadata/labels")).put("l" + i, "v");
            live = Patches.trackUpdate(live, next, "manager-" + i, POD, T1.plusSeconds(60L * (i + 1)));
        }
        List<String> managers = new ArrayList<>();
        live.at("/metadata/managedFields").forEach(e -> managers.add(e.get("manager").textValue()));
        assertEquals(10, managers.size(), managers.toString());
        assertTrue(managers.contains("ancient-changes"), managers.toString());
        JsonNode ancient = entry(live, "ancient-changes").get("fieldsV1");
        assertTrue(ancient.at("/f:metadata/f:labels").has("f:app") && ancient.at("/f:metadata/f:labels").has("f:l0")
                && ancient.at("/f:metadata/f:labels").has("f:l1"), ancient.toString());
    }

    @Test
    void fieldsV1RoundTripsInKubernetesOrder() {
        JsonNode fields = j("{'f:metadata':{'f:annotations':{'.':{},'f:a':{}},'f:labels':{'.':{},'f:app':{}}},"
                + "'f:spec':{'f:containers':{'k:{\\'name\\':\\'b\\'}':{'.':{},'f:name':{}},'k:{\\'name\\':\\'web\\'}':{'.':{},"
                + "'f:env':{'.':{},'k:{\\'name\\':\\'X\\'}':{'.':{},'f:name':{},'f:value':{}}},'f:image':{}}},"
                + "'f:finalizers':{'v:1':{},'v:\\'a\\'':{}},'f:list':{'i:2':{},'i:10':{}}}}");
        JsonNode shuffled = j("{'f:spec':{'f:list':{'i:10':{},'i:2':{}},'f:finalizers':{'v:1':{},'v:\\'a\\'':{}},"
                + "'f:containers':{'k:{\\'name\\':\\'web\\'}':{'f:image':{},'f:env':{'k:{\\'name\\':\\'X\\'}':{'f:value':{},'.':{},"
                + "'f:name':{}},'.':{}},'.':{}},'k:{\\'name\\':\\'b\\'}':{'f:name':{},'.':{}}}},"
                + "'f:metadata':{'f:labels':{'f:app':{},'.':{}},'f:annotations':{'f:a':{},'.':{}}}}");
        assertEquals(fields.toString(), FieldsV1.encode(FieldsV1.decode(shuffled)).toString());
    }

    @Test
    void keyOrderInsideAKeyElementIsCanonical() {
        FieldSet a = FieldsV1.decode(j("{'k:{\\'protocol\\':\\'TCP\\',\\'containerPort\\':80}':{}}"));
        assertEquals("{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{}}", FieldsV1.encode(a).toString());
    }

    @Test
    void malformedManagedFieldsAreReportedOnApply() {
        ObjectNode live = created();
        ((ObjectNode) live.at("/metadata/managedFields/0")).put("operation", "Frobnicate");
        PatchException e = assertThrows(PatchException.class, () -> Patches.apply(live, WEB, "m", false, POD, T2));
        assertTrue(e.getMessage().contains("operation must be `Apply` or `Update`"), e.getMessage());
        ((ObjectNode) live.at("/metadata/managedFields/0")).put("operation", "Update");
        ((ObjectNode) live.at("/metadata/managedFields/0")).set("fieldsV1", j("{'x:1':{}}"));
        assertThrows(PatchException.class, () -> Patches.apply(live, WEB, "m", false, POD, T2));
    }
}
