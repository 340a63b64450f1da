package io.attache.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's arithmetic: what the table's figures and targets are computed from. */
class BenchArithmeticTest {

    @Test
    @DisplayName("median and nearest-rank percentile")
    void medianAndPercentile() {
        assertEquals(3.0, Stats.median(List.of(5.0, 1.0, 3.0)));
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
        assertTrue(Double.isNaN(Stats.median(List.of())));
        List<Double> ten = List.of(10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0);
        assertEquals(5.0, Stats.percentile(ten, 50));
        assertEquals(9.0, Stats.percentile(ten, 90));
        assertEquals(10.0, Stats.percentile(ten, 99));
        assertEquals(1.0, Stats.percentile(ten, 1));
    }

    @Test
    @DisplayName("interleaved rounds start with a different server each time")
    void rotation() {
        List<String> servers = List.of("a", "b", "c");
        assertEquals(List.of("a", "b", "c"), Stats.rotated(servers, 0));
        assertEquals(List.of("b", "c", "a"), Stats.rotated(servers, 1));
        assertEquals(List.of("c", "a", "b"), Stats.rotated(servers, 2));
        assertEquals(List.of("a", "b", "c"), Stats.rotated(servers, 3));
    }

    @Test
    @DisplayName("numbers in the table")
    void numbers() {
        assertEquals("385", Report.number(385));
        assertEquals("530.1", Report.number(530.08));
        assertEquals("4.39", Report.number(4.391));
        assertEquals("0.848", Report.number(0.8481));
        assertEquals("–", Report.number(Double.NaN));
        assertEquals("1.27×", Report.times(1.2712));
        assertEquals("97%", Report.percent(0.971));
        assertEquals("4 GiB", Report.sizeLabel(4096));
        assertEquals("512 MiB", Report.sizeLabel(512));
    }
}
