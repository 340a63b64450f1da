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
    @DisplayName("the mixed tree: seeded, within bounds, log-uniform")
    void logUniformSizes() {
        long min = 1024;
        long max = 8L << 20;
        List<Long> sizes = BenchData.logUniformSizes(2000, min, max, 7);
        assertEquals(sizes, BenchData.logUniformSizes(2000, min, max, 7));
        assertTrue(sizes.stream().allMatch(s -> s >= min && s <= max));
        // Half of a log-uniform sample lies below the geometric mean of the bounds (90.5 KiB);
        // a uniform one would put only 1% there.
        long below = sizes.stream().filter(s -> s < Math.sqrt((double) min * max)).count();
        assertTrue(below > 900 && below < 1100, below + " of 2000 below the geometric mean");
        // Each factor of 2 holds about a thirteenth of the files.
        long firstOctave = sizes.stream().filter(s -> s < 2 * min).count();
        assertTrue(firstOctave > 100 && firstOctave < 210, firstOctave + " of 2000 between 1 and 2 KiB");
    }

    @Test
    @DisplayName("the copy targets: attachment bound and fraction of the byte ceiling")
    void copyTargets() {
        long bytes = 465L * 1024 * 1024; // 46.5 attachments' worth
        FolderCopy.Copy copy = new FolderCopy.Copy("x", 500, bytes, 2.0, Double.NaN, 15.5, 17.5, 50, 0);
        assertEquals(1.1 * 47, copy.attachmentBound(), 1e-9);
        // 3 channels: 150 MiB per 5 s, 30 MiB/s; 465 MiB take 15.5 s at best.
        assertEquals(15.5, copy.ceilingSeconds(3), 1e-9);
        assertEquals(15.5 / 17.5, copy.ceilingFraction(3), 1e-9);
        FolderCopy.Copy small = new FolderCopy.Copy("x", 1000, 4096000, 30.0, 20.0, 1.0, 31.0, 2, 0);
        assertEquals(1.5, small.slowdown(), 1e-9);
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
