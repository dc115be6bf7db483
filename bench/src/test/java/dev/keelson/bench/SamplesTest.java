package dev.keelson.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SamplesTest {

    @ParameterizedTest(name = "median of [{0}] is {1}")
    @CsvSource(delimiter = ';', value = {
        "5; 5",
        "3 1 2; 2",
        "4 1 3 2; 2.5",
        "10 10 1000 10 10; 10",
        "9 8 7 6 5 4 3 2 1 0; 4.5"})
    void medianIsTheMiddleValueOrTheMeanOfTheMiddleTwo(String values, double expected) {
        String[] f = values.trim().split(" ");
        double[] v = new double[f.length];
        Samples s = new Samples();
        for (int i = 0; i < f.length; i++) {
            v[i] = Double.parseDouble(f[i]);
            s.add(Long.parseLong(f[i]));
        }
        assertEquals(expected, Samples.median(v));
        assertEquals(expected, s.medianNanos());
    }

    @Test
    void medianDoesNotReorderTheCallersArray() {
        double[] v = {3, 1, 2};
        Samples.median(v);
        assertEquals(3, v[0]);
    }

    @Test
    void emptySamplesHaveNoMedian() {
        assertTrue(Double.isNaN(new Samples().medianMillis()));
        assertTrue(Double.isNaN(Samples.median(new double[0])));
    }

    @Test
    void keepsEverySampleBeyondTheInitialCapacityAndConvertsUnits() {
        Samples s = new Samples();
        for (int i = 1; i <= 1001; i++) {
            s.add(i * 1000L);
        }
        assertEquals(1001, s.count());
        assertEquals(501_000, s.medianNanos());
        assertEquals(501, s.medianMicros());
        assertEquals(0.501, s.medianMillis(), 1e-12);
        assertEquals(901_000, s.percentileNanos(90));
        assertEquals(1_001_000, s.percentileNanos(100));
    }

    @Test
    void rejectsPercentilesOutsideZeroToHundred() {
        assertThrows(IllegalArgumentException.class, () -> Samples.percentile(new double[] {1}, 101));
    }
}
