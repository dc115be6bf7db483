package dev.keelson.bench.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.bench.BenchReport;
import dev.keelson.bench.Figure;
import dev.keelson.bench.Samples;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetnsReportTest {

    private static Contender named(String name) {
        return new Contender() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(int count, long pauseNanos, Samples create, Samples delete) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static void fill(Samples s, long... nanos) {
        for (long n : nanos) {
            s.add(n);
        }
    }

    @Test
    void figuresAreMediansInMillisecondsAndPoolTakeInMicroseconds() {
        Contender k = named("keelson");
        Contender f = named("floor");
        Contender ip = named("ip");
        Contenders c = new Contenders(k, f, ip);
        fill(c.createOf(k), 300_000, 280_000, 900_000);
        fill(c.deleteOf(k), 20_000, 30_000, 25_000);
        fill(c.createOf(f), 250_000, 260_000, 240_000);
        fill(c.deleteOf(f), 10_000, 12_000, 11_000);
        fill(c.createOf(ip), 2_400_000, 2_500_000, 2_300_000);
        fill(c.deleteOf(ip), 2_000_000, 2_100_000, 2_200_000);
        Samples take = new Samples();
        fill(take, 2_000, 3_000, 60_000);

        BenchReport r = NetnsBench.report(c, take, List.of());
        Figure create = r.figure("create").orElseThrow();
        assertEquals(0.3, create.keelson(), 1e-12);
        assertEquals(0.25, create.peer(), 1e-12);
        assertEquals(1.2, create.ratio(), 1e-12);
        assertEquals(2.4, r.figure("create vs ip netns add").orElseThrow().peer(), 1e-12);
        assertEquals(0.011, r.figure("delete").orElseThrow().peer(), 1e-12);
        assertEquals("ip netns del", r.figure("delete vs ip netns del").orElseThrow().peerName());
        Figure pool = r.figure("pool take").orElseThrow();
        assertEquals(3.0, pool.keelson(), 1e-12);
        assertEquals("µs", pool.unit());
        assertFalse(r.targets().get(0).met(), "1.2× is above the 1.15× target");
        assertTrue(r.targets().get(1).met(), "3 µs is within the 50 µs target");
    }

    @Test
    void withoutIpTheIpFiguresHaveNoPeerAndANoteSaysWhy() {
        Contender k = named("keelson");
        Contender f = named("floor");
        Contenders c = new Contenders(k, f, null);
        fill(c.createOf(k), 300_000);
        fill(c.deleteOf(k), 20_000);
        fill(c.createOf(f), 250_000);
        fill(c.deleteOf(f), 10_000);
        Samples take = new Samples();
        fill(take, 2_000);
        Plan plan = new Plan(1, 1, 0, 0, 0, 1, 0, 1, 0);

        List<String> notes = NetnsBench.notes(plan, Optional.empty(), c);
        BenchReport r = NetnsBench.report(c, take, notes);
        Figure ipAdd = r.figure("create vs ip netns add").orElseThrow();
        assertNull(ipAdd.peer());
        assertNull(ipAdd.peerName());
        assertNull(ipAdd.ratio());
        assertEquals(0.3, ipAdd.keelson(), 1e-12);
        assertTrue(notes.stream().anyMatch(n -> n.contains("`ip` (iproute2) was not found")), notes.toString());
        assertEquals(2, c.list().size());
        assertTrue(NetnsBench.notes(plan, Optional.of(Path.of("/sbin/ip")), c).stream()
                .anyMatch(n -> n.contains("process spawn included")));
    }
}
