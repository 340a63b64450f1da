package io.attache.fs;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9110 byte ranges: parsing a {@code Range} header against a representation's length. Pure,
 * so that every form is covered by table tests. WebDAV GETs and the web pages' downloads and share
 * links both serve ranges through it.
 */
public final class ByteRanges {

    /** Requests with more ranges than this are served whole (RFC 9110 section 14.2 allows ignoring them). */
    public static final int MAX_RANGES = 64;

    /** A satisfiable range, {@code [first, last]} inclusive. */
    public record Range(long first, long last) {
        public long length() {
            return last - first + 1;
        }

        public String contentRange(long total) {
            return "bytes " + first + "-" + last + "/" + total;
        }
    }

    /** The outcome: ignore the header (serve 200), serve these ranges (206), or 416. */
    public record Result(List<Range> ranges, boolean unsatisfiable) {
        public static final Result IGNORE = new Result(List.of(), false);
        public static final Result UNSATISFIABLE = new Result(List.of(), true);

        public boolean ignored() {
            return ranges.isEmpty() && !unsatisfiable;
        }
    }

    private ByteRanges() {
    }

    /**
     * Interprets {@code header} for a representation of {@code length} bytes. A malformed header
     * or another unit is ignored; a valid set with no satisfiable range is unsatisfiable.
     */
    public static Result parse(String header, long length) {
        if (header == null) {
            return Result.IGNORE;
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
            return Result.IGNORE;
        }
        String[] specs = value.substring(6).split(",");
        if (specs.length > MAX_RANGES) {
            return Result.IGNORE;
        }
        List<Range> ranges = new ArrayList<>();
        for (String raw : specs) {
            String spec = raw.trim();
            if (spec.isEmpty()) {
                continue;
            }
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return Result.IGNORE;
            }
            try {
                Range range = dash == 0 ? suffix(spec.substring(1), length) : span(spec, dash, length);
                if (range != null) {
                    ranges.add(range);
                }
            } catch (NumberFormatException e) {
                return Result.IGNORE;
            }
        }
        return ranges.isEmpty() ? Result.UNSATISFIABLE : new Result(List.copyOf(ranges), false);
    }

    /** {@code -N}: the last N bytes (all of them when N exceeds the length); null when unsatisfiable. */
    private static Range suffix(String n, long length) {
        long count = parseNonNegative(n);
        if (count == 0 || length == 0) {
            return null;
        }
        return new Range(Math.max(0, length - count), length - 1);
    }

    /** {@code A-B} or {@code A-}; the end is clipped to the length; null when A is past the end. */
    private static Range span(String spec, int dash, long length) {
        long first = parseNonNegative(spec.substring(0, dash));
        String end = spec.substring(dash + 1).trim();
        if (!end.isEmpty() && parseNonNegative(end) < first) {
            throw new NumberFormatException("range ends before it starts");
        }
        if (first >= length) {
            return null;
        }
        long last = end.isEmpty() ? length - 1 : Math.min(parseNonNegative(end), length - 1);
        return new Range(first, last);
    }

    private static long parseNonNegative(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(Character::isDigit)) {
            throw new NumberFormatException("not a byte position: " + s);
        }
        return Long.parseLong(t);
    }
}
