package dev.keelson.proxy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The persistent map against {@link TreeMap}, and its diff against a naive key-by-key comparison. */
class PersistentMapTest {

    @Test
    void behavesLikeATreeMapAndKeepsOldVersionsIntact() {
        Random rnd = new Random(5);
        PersistentMap<Integer, String> p = PersistentMap.empty();
        TreeMap<Integer, String> t = new TreeMap<>();
        List<PersistentMap<Integer, String>> versions = new ArrayList<>();
        List<TreeMap<Integer, String>> copies = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int k = rnd.nextInt(500);
            if (rnd.nextInt(3) == 0) {
                p = p.minus(k);
                t.remove(k);
            } else {
                String v = "v" + rnd.nextInt(4);
                p = p.plus(k, v);
                t.put(k, v);
            }
            if (i % 300 == 0) {
                versions.add(p);
                copies.add(new TreeMap<>(t));
            }
        }
        assertEquals(t, p);
        assertEquals(new ArrayList<>(t.keySet()), new ArrayList<>(p.keySet()), "in-order iteration");
        assertEquals(t.firstKey(), p.firstKey());
        assertEquals(t.lastKey(), p.lastKey());
        assertEquals(t.size(), p.size());
        for (int i = 0; i < versions.size(); i++) {
            assertEquals(copies.get(i), versions.get(i), "version " + i + " unchanged by later updates");
        }
        assertEquals(t, PersistentMap.copyOf(t), "linear build");
        assertSame(p, p.plus(t.firstKey(), t.firstEntry().getValue()), "an identical value leaves the map as it was");
    }

    @Test
    void diffReportsExactlyTheKeysThatDiffer() {
        Random rnd = new Random(11);
        for (int round = 0; round < 50; round++) {
            PersistentMap<Integer, Integer> a = PersistentMap.empty();
            for (int i = 0; i < 300; i++) {
                a = a.plus(rnd.nextInt(1000), rnd.nextInt(3));
            }
            PersistentMap<Integer, Integer> b = a;
            for (int i = 0; i < rnd.nextInt(20); i++) {
                int k = rnd.nextInt(1000);
                b = rnd.nextBoolean() ? b.minus(k) : b.plus(k, rnd.nextInt(3));
            }
            TreeSet<Integer> expected = new TreeSet<>(a.keySet());
            expected.addAll(b.keySet());
            PersistentMap<Integer, Integer> fa = a;
            PersistentMap<Integer, Integer> fb = b;
            expected.removeIf(k -> java.util.Objects.equals(fa.get(k), fb.get(k)));
            List<Integer> seen = new ArrayList<>();
            a.diff(b, (k, x, y) -> {
                assertEquals(fa.get(k), x);
                assertEquals(fb.get(k), y);
                seen.add(k);
            });
            assertEquals(new ArrayList<>(expected), seen, "round " + round);
            // The same content built independently: the shape is canonical, so no spurious entries.
            List<Integer> none = new ArrayList<>();
            b.diff(PersistentMap.copyOf(new TreeMap<>(b)), (k, x, y) -> none.add(k));
            assertTrue(none.isEmpty(), none.toString());
        }
    }
}
