package dev.keelson.control.patch;

import static dev.keelson.control.patch.Json.j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPatchTest {

    /** RFC 6902 Appendix A examples that succeed, plus array append and escaping (document | patch | result). */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'foo':'bar'}                  | [{'op':'add','path':'/baz','value':'qux'}]                    | {'foo':'bar','baz':'qux'}",
        "{'foo':['bar','baz']}          | [{'op':'add','path':'/foo/1','value':'qux'}]                  | {'foo':['bar','qux','baz']}",
        "{'baz':'qux','foo':'bar'}      | [{'op':'remove','path':'/baz'}]                               | {'foo':'bar'}",
        "{'foo':['bar','qux','baz']}    | [{'op':'remove','path':'/foo/1'}]                             | {'foo':['bar','baz']}",
        "{'baz':'qux','foo':'bar'}      | [{'op':'replace','path':'/baz','value':'boo'}]                | {'baz':'boo','foo':'bar'}",
        "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}} | [{'op':'move','from':'/foo/waldo','path':'/qux/thud'}] | {'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}",
        "{'foo':['all','grass','cows','eat']} | [{'op':'move','from':'/foo/1','path':'/foo/3'}]       | {'foo':['all','cows','eat','grass']}",
        "{'baz':'qux','foo':['a',2,'c']} | [{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}] | {'baz':'qux','foo':['a',2,'c']}",
        "{'foo':'bar'}                  | [{'op':'add','path':'/child','value':{'grandchild':{}}}]     | {'foo':'bar','child':{'grandchild':{}}}",
        "{'foo':'bar'}                  | [{'op':'add','path':'/baz','value':'qux','xyz':123}]         | {'foo':'bar','baz':'qux'}",
        "{'/':9,'~1':10}                | [{'op':'test','path':'/~01','value':10},{'op':'remove','path':'/~1'}] | {'~1':10}",
        "{'foo':['bar']}                | [{'op':'add','path':'/foo/-','value':['abc','def']}]         | {'foo':['bar',['abc','def']]}",
        "{'a':{'b':1}}                  | [{'op':'copy','from':'/a','path':'/c'},{'op':'replace','path':'/c/b','value':2}] | {'a':{'b':1},'c':{'b':2}}",
        "{'a':1}                        | [{'op':'replace','path':'','value':[1]}]                     | [1]",
        "{'a':1.0}                      | [{'op':'test','path':'/a','value':1}]                        | {'a':1.0}",
        "{'a':{'b':[1,{'c':1}]}}        | [{'op':'test','path':'/a','value':{'b':[1.0,{'c':1}]}}]      | {'a':{'b':[1,{'c':1}]}}",
    })
    void appliesOperations(String document, String patch, String result) {
        assertEquals(j(result), Patches.jsonPatch(j(document), j(patch)));
    }

    /** Failing patches: document | patch | a piece the message must contain. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'baz':'qux'}               | [{'op':'test','path':'/baz','value':'bar'}]           | operation 0 (test \"/baz\"): test failed",
        "{'foo':'bar'}               | [{'op':'add','path':'/baz/bat','value':'qux'}]        | (add \"/baz/bat\"): path \"/baz\" does not exist",
        "{'/':9,'~1':10}             | [{'op':'test','path':'/~01','value':'10'}]            | test failed",
        "{'a':1}                     | [{'op':'remove','path':'/b'}]                         | (remove \"/b\"): path \"/b\" does not exist",
        "{'a':1}                     | [{'op':'replace','path':'/b','value':2}]              | (replace \"/b\"): path \"/b\" does not exist",
        "{'a':[1,2]}                 | [{'op':'add','path':'/a/3','value':2}]                | array index 3 is out of bounds",
        "{'a':[1,2]}                 | [{'op':'remove','path':'/a/-'}]                       | \"-\" is not a valid array index",
        "{'a':[1,2]}                 | [{'op':'add','path':'/a/01','value':2}]               | \"01\" is not a valid array index",
        "{'a':{'b':1}}               | [{'op':'move','from':'/a','path':'/a/b/c'}]           | cannot move \"/a\" into its own child",
        "{'a':1}                     | [{'op':'add','path':'/b'}]                            | missing \"value\"",
        "{'a':1}                     | [{'op':'frobnicate','path':'/a'}]                     | unknown op \"frobnicate\"",
        "{'a':1}                     | [{'path':'/a'}]                                       | missing or non-string \"op\"",
        "{'a':1}                     | [{'op':'add','path':'a','value':1}]                   | invalid JSON pointer \"a\"",
        "{'a':1}                     | [{'op':'add','path':'/x~2','value':1}]                | '~' must be followed by 0 or 1",
        "{'a':1}                     | {'op':'add','path':'/a','value':1}                    | must be a JSON array",
        "{'a':1}                     | [{'op':'add','path':'/b','value':1},{'op':'remove','path':'/c'}] | operation 1 (remove \"/c\")",
    })
    void rejectsWithAClearMessage(String document, String patch, String expected) {
        PatchException e = assertThrows(PatchException.class, () -> Patches.jsonPatch(j(document), j(patch)));
        assertTrue(e.getMessage().contains(expected), () -> "message: " + e.getMessage());
    }

    @Test
    void aFailedPatchLeavesTheTargetUntouched() {
        JsonNode doc = j("{'a':1,'list':[1]}");
        assertThrows(PatchException.class, () -> Patches.jsonPatch(doc,
                j("[{'op':'add','path':'/b','value':2},{'op':'remove','path':'/list/0'},{'op':'test','path':'/a','value':5}]")));
        assertEquals(j("{'a':1,'list':[1]}"), doc);
    }

    @Test
    void kubectlStyleScaleAndLabelPatch() {
        JsonNode deploy = j("{'metadata':{'labels':{'app':'web'}},'spec':{'replicas':1,'template':{'spec':{'containers':[{'name':'web','image':'nginx:1'}]}}}}");
        JsonNode out = Patches.jsonPatch(deploy, j("[{'op':'replace','path':'/spec/replicas','value':3},"
                + "{'op':'add','path':'/metadata/labels/app.kubernetes.io~1name','value':'web'},"
                + "{'op':'replace','path':'/spec/template/spec/containers/0/image','value':'nginx:2'}]"));
        assertEquals(3, out.at("/spec/replicas").intValue());
        assertEquals("web", out.at("/metadata/labels").get("app.kubernetes.io/name").textValue());
        assertEquals("nginx:2", out.at("/spec/template/spec/containers/0/image").textValue());
    }
}
