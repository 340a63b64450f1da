package io.attache.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The arithmetic of the benchmark: medians, percentiles, rotated orders. Pure functions. */
final class Stats {

    private Stats() {
    }

    /** The middle value; the mean of the two middle ones for an even count. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
    static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /**
     * The items in turn, starting with the n-th: interleaved rounds rotate the order, so that no
     * server always runs right after the same one (and, say, pays for its write-back or collector).
     */
    static <T> List<T> rotated(List<T> items, int n) {
        List<T> order = new ArrayList<>(items);
        Collections.rotate(order, -Math.floorMod(n, Math.max(1, items.size())));
        return order;
    }

    /** a ÷ b, or NaN when b is not positive. */
    static double ratio(double a, double b) {
        return b > 0 ? a / b : Double.NaN;
    }

    static double megabytesPerSecond(long bytes, double seconds) {
        return seconds > 0 ? bytes / seconds / 1e6 : Double.NaN;
    }
}
