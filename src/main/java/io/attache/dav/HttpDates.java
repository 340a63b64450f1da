package io.attache.dav;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The two date formats WebDAV uses: RFC 1123 for HTTP headers and getlastmodified, ISO 8601 for creationdate. */
final class HttpDates {

    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    /** {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    static String http(Instant instant) {
        return HTTP_DATE.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** {@code 1994-11-06T08:49:37Z}. */
    static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
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
