package dev.keelson.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchMainTest {

    @Test
    void theChartGoesNextToTheJsonFile() {
        assertEquals(Path.of("out/netns.png"), BenchMain.chartPath(Path.of("out/netns.json"), "netns"));
        assertEquals(Path.of("r.txt.png"), BenchMain.chartPath(Path.of("r.txt"), "netns"));
        assertEquals(Path.of("keelson-bench-netlink.png"), BenchMain.chartPath(null, "netlink"));
    }

    @Test
    void unknownAreasAndBadArgumentsExitWithStatusTwoAndListTheAreas() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertEquals(2, BenchMain.run(new String[] {"nosuch"}, o, e));
        assertEquals(2, BenchMain.run(new String[] {"netns", "--json"}, o, e));
        assertEquals(2, BenchMain.run(new String[] {}, o, e));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("no benchmark area \"nosuch\""), text);
        assertTrue(text.contains("--json needs a file name"), text);
        assertTrue(text.contains("areas: netns, netlink, cni, proxy, store, api, scheduler"), text);
    }

    @Test
    void areasAreFoundByName() {
        assertEquals("netns", BenchAreas.find("netns").orElseThrow().name());
        assertEquals("netlink", BenchAreas.find("NETLINK").orElseThrow().name());
        assertEquals("cni", BenchAreas.find("Cni").orElseThrow().name());
        assertTrue(BenchAreas.find("nosuch").isEmpty());
    }
}
