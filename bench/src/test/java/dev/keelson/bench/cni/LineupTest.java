package dev.keelson.bench.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.bench.cni.Lineup.Entry;
import dev.keelson.bench.cni.Lineup.Kind;
import dev.keelson.bench.cni.Lineup.Scenario;
import dev.keelson.cni.spec.NetworkConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Contender identities and configs, and the floor's output parsing. */
class LineupTest {
    @Test
    void everyContenderHasItsOwnNamesSubnetAndAValidConfig() {
        Set<String> ids = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (Scenario s : Scenario.values()) {
            for (Kind k : Kind.values()) {
                Entry e = new Entry(s, k);
                assertTrue(ids.add(e.id()), e.id());
                assertTrue(prefixes.add(e.prefix()), e.prefix());
                // interface names: at most 15 bytes, and the macvlan master's peer adds "p"
                assertTrue(e.lower().length() + 1 <= 15, e.lower());
                NetworkConfig c = NetworkConfig.parse(e.config("/tmp/x").getBytes(StandardCharsets.UTF_8));
                assertEquals(e.id(), c.name());
                assertEquals(s == Scenario.MACVLAN ? "macvlan" : "bridge", c.type());
            }
        }
        assertTrue(new Entry(Scenario.MASQ, Kind.EXEC).config("/d").contains("\"ipMasq\":true"));
        assertTrue(!new Entry(Scenario.BRIDGE, Kind.EXEC).config("/d").contains("ipMasq"));
    }

    @Test
    void floorLinesAreOneDurationInNanoseconds() throws IOException {
        assertEquals(25_000_000, FloorContender.parse("25000000"));
        assertEquals(1200, FloorContender.parse(" 1200\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12 3", "x", "0", "-5"})
    void malformedFloorLinesAreRejected(String line) {
        assertThrows(IOException.class, () -> FloorContender.parse(line));
    }

    @Test
    void spawnerLinesAreDurationExitAndStdoutBytes() throws IOException {
        assertEquals(new Spawner.Reply(1_500_000, 0, 312), Spawner.Reply.parse("1500000 0 312"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1500000 0", "1 2 3 4", "a 0 1"})
    void malformedSpawnerLinesAreRejected(String line) {
        assertThrows(IOException.class, () -> Spawner.Reply.parse(line));
    }

    @Test
    void theFloorHasNoIpMasqVariantAndEveryOtherPairIsInTheLineup() {
        assertEquals(Scenario.values().length * Kind.values().length - 1, CniBench.entries().size());
        assertTrue(CniBench.entries().stream().noneMatch(e -> e.scenario() == Scenario.MASQ && e.kind() == Kind.FLOOR));
    }

    @Test
    void planBatchesCoverEveryCall() {
        CniPlan p = new CniPlan(25, 10, 32, 16, 8, 0, 0);
        assertEquals(3, p.rounds(CniPlan.Phase.SEQUENTIAL));
        assertEquals(5, p.batchOf(CniPlan.Phase.SEQUENTIAL, 2));
        assertEquals(2, p.rounds(CniPlan.Phase.PARALLEL));
        assertEquals(16, p.poolSize());
        assertEquals(8, p.workersOf(CniPlan.Phase.PARALLEL));
        assertEquals(1, p.workersOf(CniPlan.Phase.SEQUENTIAL));
    }
}
