package io.attache.dav;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written date formats agree with the JDK's formatters. */
class HttpDatesTest {

    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    @ParameterizedTest
    @ValueSource(longs = {0L, 784111777000L, 951782400999L, 1_700_000_000_123L, 4_102_444_799_000L, 1_791_000_000_000L})
    void agreeWithTheJdk(long millis) {
        Instant instant = Instant.ofEpochMilli(millis);
        assertEquals(RFC_1123.format(instant.truncatedTo(ChronoUnit.SECONDS)), HttpDates.http(instant));
        assertEquals(DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS)), HttpDates.iso(instant));
        assertEquals(instant.truncatedTo(ChronoUnit.SECONDS), HttpDates.parseHttp(HttpDates.http(instant)));
    }
}
