package io.attache.dav;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The two date formats WebDAV uses: RFC 1123 for HTTP headers and getlastmodified, ISO 8601 for creationdate. */
final class HttpDates {

    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    /**
     * {@code Sun, 06 Nov 1994 08:49:37 GMT}. Written field by field: a listing formats two dates per
     * entry, and the general-purpose formatter is the slowest part of that.
     */
    static String http(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(29).append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
        two(out, t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ').append(t.getYear()).append(' ');
        return time(out, t).append(" GMT").toString();
    }

    /** {@code 1994-11-06T08:49:37Z}. */
    static String iso(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(20).append(t.getYear()).append('-');
        two(out, t.getMonthValue()).append('-');
        two(out, t.getDayOfMonth()).append('T');
        return time(out, t).append('Z').toString();
    }

    private static StringBuilder time(StringBuilder out, LocalDateTime t) {
        two(out, t.getHour()).append(':');
        two(out, t.getMinute()).append(':');
        return two(out, t.getSecond());
    }

    private static StringBuilder two(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** Parses an HTTP date; null when absent or malformed (a malformed condition is ignored, per RFC 9110). */
    static Instant parseHttp(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.from(RFC_1123.parse(value.trim()));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
