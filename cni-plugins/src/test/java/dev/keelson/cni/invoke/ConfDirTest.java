package dev.keelson.cni.invoke;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.cni.spec.CniException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a conf dir the way libcni does (order, wrapping of single configs, errors naming the file). */
class ConfDirTest {
    @TempDir
    Path dir;

    private void write(String name, String json) throws IOException {
        Files.writeString(dir.resolve(name), json);
    }

    private static String list(String name, String type) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"" + name + "\",\"plugins\":[{\"type\":\"" + type + "\"}]}";
    }

    @Test
    void filesAreInLexicalOrderAndOnlyConfigExtensions() throws IOException {
        write("20-c.json", "{\"cniVersion\":\"0.4.0\",\"name\":\"c\",\"type\":\"bridge\"}");
        write("10-b.conflist", list("b", "bridge"));
        write("05-a.conf", "{\"cniVersion\":\"0.4.0\",\"name\":\"a\",\"type\":\"loopback\"}");
        write("01-ignored.txt", list("x", "bridge"));
        write("00-backup.conflist.bak", list("y", "bridge"));
        Files.createDirectory(dir.resolve("03-dir.conflist"));
        assertEquals(java.util.List.of("05-a.conf", "10-b.conflist", "20-c.json"),
                new ConfDir(dir).files().stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("a", new ConfDir(dir).firstConfList().name());
        assertEquals(java.util.List.of("a", "b", "c"), new ConfDir(dir).loadAll().stream().map(NetworkList::name).toList());
    }

    @Test
    void singleConfigIsWrappedAsLibcniDoes() throws IOException {
        // Go's map marshalling sorts every object's keys, the conf's own included.
        write("10-a.conf", "{\"type\":\"bridge\",\"name\":\"a\",\"cniVersion\":\"0.4.0\",\"ipam\":{\"type\":\"host-local\",\"b\":1,\"a\":\"<x>\"}}");
        NetworkList l = new ConfDir(dir).loadConfList("a");
        assertEquals("{\"cniVersion\":\"0.4.0\",\"name\":\"a\",\"plugins\":[{\"cniVersion\":\"0.4.0\",\"ipam\":{\"a\":\"\\u003cx\\u003e\",\"b\":1,"
                + "\"type\":\"host-local\"},\"name\":\"a\",\"type\":\"bridge\"}]}", new String(l.bytes(), StandardCharsets.UTF_8));
        assertEquals("0.4.0", l.cniVersion());
        assertEquals(1, l.config().plugins().size());
        assertEquals("bridge", l.config().plugins().get(0).get("type").asText());
        assertEquals(dir.resolve("10-a.conf"), l.source());
    }

    @Test
    void conflistBytesAreKeptAsInTheFile() throws IOException {
        String text = "{ \"name\": \"b\",\n  \"cniVersion\": \"1.0.0\", \"plugins\": [ {\"type\": \"bridge\"} ] }\n";
        write("10-b.conflist", text);
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), new ConfDir(dir).loadConfList("b").bytes());
    }

    @Test
    void conflistWinsOverASingleConfigOfTheSameName() throws IOException {
        write("01-n.conf", "{\"cniVersion\":\"0.4.0\",\"name\":\"n\",\"type\":\"loopback\"}");
        write("99-n.conflist", list("n", "bridge"));
        NetworkList l = new ConfDir(dir).loadConfList("n");
        assertEquals("bridge", l.config().plugins().get(0).get("type").asText());
        assertEquals(dir.resolve("99-n.conflist"), l.source());
    }

    @Test
    void firstOfSeveralWithTheSameNameWins() throws IOException {
        write("20-n.conflist", list("n", "tuning"));
        write("10-n.conflist", list("n", "bridge"));
        assertEquals("bridge", new ConfDir(dir).loadConfList("n").config().plugins().get(0).get("type").asText());
    }

    @Test
    void malformedFileIsAnErrorNamingIt() throws IOException {
        write("10-bad.conflist", "{\"name\":\"bad\",\"plugins\":[");
        write("20-ok.conflist", list("ok", "bridge"));
        CniException e = assertThrows(CniException.class, () -> new ConfDir(dir).loadConfList("ok"));
        assertTrue(e.msg().startsWith(dir.resolve("10-bad.conflist") + ": "), e.msg());
        assertEquals(CniException.DECODING_FAILURE, e.code());
        CniException first = assertThrows(CniException.class, () -> new ConfDir(dir).firstConfList());
        assertTrue(first.msg().contains("10-bad.conflist"), first.msg());
    }

    @Test
    void singleConfigWithoutTypeIsAnErrorNamingIt() throws IOException {
        write("10-t.conf", "{\"cniVersion\":\"0.4.0\",\"name\":\"t\"}");
        CniException e = assertThrows(CniException.class, () -> new ConfDir(dir).loadConfList("t"));
        assertTrue(e.msg().contains("10-t.conf"), e.msg());
        assertEquals(CniException.INVALID_NETWORK_CONFIG, e.code());
    }

    @Test
    void notFoundAndEmptyDirUseLibcniMessages() throws IOException {
        CniException none = assertThrows(CniException.class, () -> new ConfDir(dir.resolve("missing")).loadConfList("x"));
        assertEquals("no net configurations found in " + dir.resolve("missing"), none.msg());
        assertThrows(CniException.class, () -> new ConfDir(dir).firstConfList());
        write("10-b.conflist", list("b", "bridge"));
        CniException notFound = assertThrows(CniException.class, () -> new ConfDir(dir).loadConfList("x"));
        assertEquals("no net configuration with name \"x\" in " + dir, notFound.msg());
    }
}
