package dev.keelson.control.patch;

import static dev.keelson.control.patch.Json.j;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonMergePatchTest {

    /** RFC 7386 Appendix A, every row (target | patch | result). */
    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'a':'b'}                 | {'a':'c'}              | {'a':'c'}",
        "{'a':'b'}                 | {'b':'c'}              | {'a':'b','b':'c'}",
        "{'a':'b'}                 | {'a':null}             | {}",
        "{'a':'b','b':'c'}         | {'a':null}             | {'b':'c'}",
        "{'a':['b']}               | {'a':'c'}              | {'a':'c'}",
        "{'a':'c'}                 | {'a':['b']}            | {'a':['b']}",
        "{'a':{'b':'c'}}           | {'a':{'b':'d','c':null}} | {'a':{'b':'d'}}",
        "{'a':[{'b':'c'}]}         | {'a':[1]}              | {'a':[1]}",
        "['a','b']                 | ['c','d']              | ['c','d']",
        "{'a':'b'}                 | ['c']                  | ['c']",
        "{'a':'foo'}               | null                   | null",
        "{'a':'foo'}               | 'bar'                  | 'bar'",
        "{'e':null}                | {'a':1}                | {'e':null,'a':1}",
        "[1,2]                     | {'a':'b','c':null}     | {'a':'b'}",
        "{}                        | {'a':{'bb':{'ccc':null}}} | {'a':{'bb':{}}}",
    })
    void rfc7386Examples(String target, String patch, String result) {
        assertEquals(j(result), Patches.mergePatch(j(target), j(patch)));
    }

    @Test
    void inputsAreNotModified() {
        JsonNode target = j("{'a':{'b':1,'c':2}}");
        JsonNode patch = j("{'a':{'b':null,'d':{'e':null}}}");
        JsonNode out = Patches.mergePatch(target, patch);
        assertEquals(j("{'a':{'c':2,'d':{}}}"), out);
        assertEquals(j("{'a':{'b':1,'c':2}}"), target);
        assertEquals(j("{'a':{'b':null,'d':{'e':null}}}"), patch);
    }

    @Test
    void labelsOfAKubernetesObjectMergeWhileListsAreReplaced() {
        JsonNode pod = j("{'metadata':{'labels':{'app':'web','tier':'fe'}},'spec':{'containers':[{'name':'a'},{'name':'b'}]}}");
        JsonNode out = Patches.mergePatch(pod, j("{'metadata':{'labels':{'tier':null,'v':'2'}},'spec':{'containers':[{'name':'c'}]}}"));
        assertEquals(j("{'metadata':{'labels':{'app':'web','v':'2'}},'spec':{'containers':[{'name':'c'}]}}"), out);
    }
}
