package dev.keelson.control.patch;

import static dev.keelson.control.patch.Json.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.TypeSchema;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StrategicMergePatchTest {

    private static final String POD_AB = "{'spec':{'containers':[{'name':'a','image':'a:1'},{'name':'b','image':'b:1'}]}}";

    private static Arguments c(String name, TypeSchema schema, String original, String patch, String expected) {
        return Arguments.of(name, schema, original, patch, expected);
    }

    static Stream<Arguments> cases() {
        TypeSchema pod = TestSchema.POD;
        TypeSchema deploy = TestSchema.DEPLOYMENT;
        return Stream.of(
            c("containers merge by name", pod, POD_AB,
                "{'spec':{'containers':[{'name':'b','image':'b:2'}]}}",
                "{'spec':{'containers':[{'name':'a','image':'a:1'},{'name':'b','image':'b:2'}]}}"),
            c("a new container is placed before the server-only ones (no $setElementOrder)", pod, POD_AB,
                "{'spec':{'containers':[{'name':'c','image':'c:1'}]}}",
                "{'spec':{'containers':[{'name':'c','image':'c:1'},{'name':'a','image':'a:1'},{'name':'b','image':'b:1'}]}}"),
            c("$patch delete of a container", pod, POD_AB,
                "{'spec':{'containers':[{'name':'a','$patch':'delete'}]}}",
                "{'spec':{'containers':[{'name':'b','image':'b:1'}]}}"),
            c("$patch delete removes every duplicate", pod,
                "{'spec':{'containers':[{'name':'a'},{'name':'a'},{'name':'b','image':'x'},{'name':'c'}]}}",
                "{'spec':{'containers':[{'name':'a','$patch':'delete'},{'name':'c','$patch':'delete'}]}}",
                "{'spec':{'containers':[{'name':'b','image':'x'}]}}"),
            c("$patch replace makes the patch list the whole list", pod, POD_AB,
                "{'spec':{'containers':[{'name':'z','image':'z:1'},{'$patch':'replace'}]}}",
                "{'spec':{'containers':[{'name':'z','image':'z:1'}]}}"),
            c("$patch replace with no items empties the list", pod, POD_AB,
                "{'spec':{'containers':[{'$patch':'replace'}]}}",
                "{'spec':{'containers':[]}}"),
            c("env merges by name inside a merged container", pod,
                "{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'1'},{'name':'Y','value':'2'}]}]}}",
                "{'spec':{'containers':[{'name':'a','env':[{'name':'Y','value':'3'}]}]}}",
                "{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'1'},{'name':'Y','value':'3'}]}]}}"),
            c("env entry deleted with $patch delete and a field removed with null", pod,
                "{'spec':{'containers':[{'name':'a','image':'i','env':[{'name':'X','value':'1'},{'name':'Y','value':'2'}]}]}}",
                "{'spec':{'containers':[{'name':'a','image':null,'env':[{'name':'X','$patch':'delete'}]}]}}",
                "{'spec':{'containers':[{'name':'a','env':[{'name':'Y','value':'2'}]}]}}"),
            c("ports merge by containerPort", pod,
                "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'name':'http'}]}]}}",
                "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':443,'name':'https'}]}]}}",
                "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'name':'http','protocol':'TCP'},{'containerPort':443,'name':'https'}]}]}}"),
            c("volumes merge by name", pod,
                "{'spec':{'volumes':[{'name':'data','emptyDir':{}},{'name':'cache','emptyDir':{}}]}}",
                "{'spec':{'volumes':[{'name':'cache','emptyDir':{'medium':'Memory'}}]}}",
                "{'spec':{'volumes':[{'name':'data','emptyDir':{}},{'name':'cache','emptyDir':{'medium':'Memory'}}]}}"),
            c("finalizers are a set union", pod,
                "{'metadata':{'finalizers':['a','b']}}",
                "{'metadata':{'finalizers':['b','c']}}",
                "{'metadata':{'finalizers':['a','b','c']}}"),
            c("$deleteFromPrimitiveList drops finalizers", pod,
                "{'metadata':{'finalizers':['a','b','a','c']}}",
                "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a','zz']}}",
                "{'metadata':{'finalizers':['b','c']}}"),
            c("$deleteFromPrimitiveList on a missing list adds nothing", pod,
                "{'metadata':{}}",
                "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}",
                "{'metadata':{}}"),
            c("$setElementOrder reorders containers", pod,
                "{'spec':{'containers':[{'name':'a'},{'name':'b'},{'name':'c'}]}}",
                "{'spec':{'$setElementOrder/containers':[{'name':'c'},{'name':'a'},{'name':'b'}]}}",
                "{'spec':{'containers':[{'name':'c'},{'name':'a'},{'name':'b'}]}}"),
            c("$setElementOrder places a new container and keeps server-only ones in place", pod,
                "{'spec':{'containers':[{'name':'1','x':'a'},{'name':'2','value':2,'x':'b'}]}}",
                "{'spec':{'$setElementOrder/containers':[{'name':'1'},{'name':'4'},{'name':'2'},{'name':'3'}],"
                    + "'containers':[{'name':'4','value':4},{'name':'3','value':3}]}}",
                "{'spec':{'containers':[{'name':'1','x':'a'},{'name':'4','value':4},{'name':'2','value':2,'x':'b'},{'name':'3','value':3}]}}"),
            c("$setElementOrder on primitives keeps a server-only value between its neighbours", pod,
                "{'metadata':{'finalizers':['1','4','2']}}",
                "{'metadata':{'$setElementOrder/finalizers':['3','1','2'],'finalizers':['3']}}",
                "{'metadata':{'finalizers':['3','1','4','2']}}"),
            c("$setElementOrder with $deleteFromPrimitiveList", pod,
                "{'metadata':{'finalizers':['1','2','3']}}",
                "{'metadata':{'$setElementOrder/finalizers':['2','1'],'$deleteFromPrimitiveList/finalizers':['3']}}",
                "{'metadata':{'finalizers':['2','1']}}"),
            c("$retainKeys switches a Deployment strategy from RollingUpdate to Recreate", deploy,
                "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1,'maxUnavailable':0}}}}",
                "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
                "{'spec':{'strategy':{'type':'Recreate'}}}"),
            c("$retainKeys keeps listed keys that the patch does not mention", deploy,
                "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}",
                "{'spec':{'strategy':{'$retainKeys':['rollingUpdate','type'],'rollingUpdate':{'maxSurge':2}}}}",
                "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':2}}}}"),
            c("directives inside new content are not stored", deploy,
                "{'spec':{'replicas':1}}",
                "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate','rollingUpdate':null}}}",
                "{'spec':{'replicas':1,'strategy':{'type':'Recreate'}}}"),
            c("null deletes a map key", pod,
                "{'metadata':{'labels':{'a':'1','b':'2'}}}",
                "{'metadata':{'labels':{'a':null,'c':'3'}}}",
                "{'metadata':{'labels':{'b':'2','c':'3'}}}"),
            c("$patch replace on a map", pod,
                "{'metadata':{'labels':{'a':'1','b':'2'}}}",
                "{'metadata':{'labels':{'$patch':'replace','x':'9'}}}",
                "{'metadata':{'labels':{'x':'9'}}}"),
            c("$patch delete on a map empties it", pod,
                "{'metadata':{'labels':{'a':'1'}}}",
                "{'metadata':{'labels':{'$patch':'delete'}}}",
                "{'metadata':{'labels':{}}}"),
            c("lists without a merge strategy are replaced", pod,
                "{'spec':{'containers':[{'name':'a','args':['x','y']}],'tolerations':[{'key':'k1'}]}}",
                "{'spec':{'containers':[{'name':'a','args':['z']}],'tolerations':[{'key':'k2'}]}}",
                "{'spec':{'containers':[{'name':'a','args':['z']}],'tolerations':[{'key':'k2'}]}}"),
            c("an undescribed kind merges maps and replaces lists", TypeSchema.ANY,
                "{'spec':{'a':1,'items':[{'name':'x'}],'m':{'k':1}}}",
                "{'spec':{'items':[{'name':'y'}],'m':{'j':2}}}",
                "{'spec':{'a':1,'items':[{'name':'y'}],'m':{'k':1,'j':2}}}"),
            c("a value of another type replaces", pod,
                "{'metadata':{'labels':{'a':'1'}}}",
                "{'metadata':{'labels':'oops'}}",
                "{'metadata':{'labels':'oops'}}"),
            c("merging into an empty list takes the patch items", pod,
                "{'spec':{'containers':[]}}",
                "{'spec':{'containers':[{'name':'a','env':[{'name':'E','value':null}]}]}}",
                "{'spec':{'containers':[{'name':'a','env':[{'name':'E'}]}]}}"),
            c("a deployment template's containers merge through nested objects", deploy,
                "{'spec':{'replicas':1,'template':{'spec':{'containers':[{'name':'web','image':'nginx:1','ports':[{'containerPort':80}]}]}}}}",
                "{'spec':{'replicas':3,'template':{'spec':{'containers':[{'name':'web','image':'nginx:2'}]}}}}",
                "{'spec':{'replicas':3,'template':{'spec':{'containers':[{'name':'web','image':'nginx:2','ports':[{'containerPort':80}]}]}}}}")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void patches(String name, TypeSchema schema, String original, String patch, String expected) {
        JsonNode orig = j(original);
        JsonNode p = j(patch);
        assertEquals(j(expected), Patches.strategicMergePatch(orig, p, schema));
        assertEquals(j(original), orig, "original must not change");
        assertEquals(j(patch), p, "patch must not change");
    }

    static Stream<Arguments> errors() {
        return Stream.of(
            Arguments.of("{'spec':{'containers':[{'image':'x'}]}}", "does not contain declared merge key: name"),
            Arguments.of("{'spec':{'containers':[{'$patch':'delete','image':'x'}]}}", "does not contain declared merge key: name"),
            Arguments.of("{'spec':{'containers':[{'name':'a','$patch':'merge'}]}}", "merging lists cannot yet be specified"),
            Arguments.of("{'spec':{'containers':[{'name':'a','$patch':'bogus'}]}}", "unknown patch type"),
            Arguments.of("{'metadata':{'$patch':'bogus'}}", "unknown patch type"),
            Arguments.of("{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}],'containers':[{'name':'a'},{'name':'b'}]}}",
                    "doesn't match $setElementOrder list"),
            Arguments.of("{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':{'maxSurge':1}}}}",
                    "field \"rollingUpdate\" is set but missing from $retainKeys"),
            Arguments.of("{'spec':{'containers':['a']}}", "list element types are not identical"),
            Arguments.of("[1]", "must be a JSON object"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("errors")
    void rejectsBadPatches(String patch, String expected) {
        JsonNode original = j("{'spec':{'containers':[{'name':'a'},{'name':'b'}],'strategy':{'type':'RollingUpdate'}}}");
        TypeSchema schema = TestSchema.obj("spec", TestSchema.obj(
                "containers", TestSchema.list(TestSchema.CONTAINER).mergedBy("name"),
                "strategy", TestSchema.obj("type", TestSchema.str(), "rollingUpdate", TestSchema.obj()).strategy("retainKeys")),
                "metadata", TestSchema.METADATA);
        PatchException e = assertThrows(PatchException.class, () -> Patches.strategicMergePatch(original, j(patch), schema));
        assertTrue(e.getMessage().contains(expected), () -> "message: " + e.getMessage());
    }

    @Test
    void aListOfMapsWithoutMergeKeyCannotBeMerged() {
        TypeSchema schema = TestSchema.obj("items", TestSchema.list(TestSchema.obj("a", TestSchema.str())).strategy("merge"));
        PatchException e = assertThrows(PatchException.class,
                () -> Patches.strategicMergePatch(j("{'items':[{'a':'1'}]}"), j("{'items':[{'a':'2'}]}"), schema));
        assertTrue(e.getMessage().contains("cannot merge lists without merge key for .items"), e.getMessage());
    }

    /** Merging is indexed by merge key: 20,000 containers patched with 10,000 stays far from quadratic. */
    @Test
    void bigListsMergeInLinearishTime() {
        ObjectNode original = j("{'spec':{'containers':[]}}").deepCopy();
        ArrayNode live = (ArrayNode) original.at("/spec/containers");
        for (int i = 0; i < 20_000; i++) {
            live.addObject().put("name", "c" + i).put("image", "img:" + i);
        }
        ObjectNode patch = j("{'spec':{'containers':[]}}").deepCopy();
        ArrayNode items = (ArrayNode) patch.at("/spec/containers");
        for (int i = 0; i < 20_000; i += 2) {
            items.addObject().put("name", "c" + i).put("image", "img:new");
        }
        long start = System.nanoTime();
        JsonNode out = Patches.strategicMergePatch(original, patch, TestSchema.POD);
        long millis = (System.nanoTime() - start) / 1_000_000;
        JsonNode merged = out.at("/spec/containers");
        assertEquals(20_000, merged.size());
        assertEquals("img:new", merged.get(0).get("image").textValue());
        assertEquals("img:1", merged.get(1).get("image").textValue());
        assertEquals("c19999", merged.get(19_999).get("name").textValue());
        // A quadratic merge needs ~10^8 key comparisons here (many seconds); indexed, well under one.
        assertTrue(millis < 3_000, "took " + millis + " ms");
    }
}
