package io.attache.web;

import io.attache.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which types run in a browser, the download names, and the guessing throttle's arithmetic. */
class ContentSafetyTest {

    @ParameterizedTest
    @CsvSource({
            "text/html, true", "text/html;charset=utf-8, true", "TEXT/HTML, true", "application/xhtml+xml, true",
            "image/svg+xml, true", "application/xml, true", "text/xml, true", "application/atom+xml, true",
            "text/javascript, true", "application/javascript, true", "application/pdf, true",
            "image/png, false", "image/jpeg, false", "video/mp4, false", "audio/mpeg, false", "text/plain, false",
            "text/markdown, false", "application/json, false", "application/octet-stream, false", "'', false"})
    void activeTypes(String type, boolean active) {
        assertEquals(active, ContentSafety.isActive(type));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "report.pdf | attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf",
            "a b.txt | attachment; filename=\"a b.txt\"; filename*=UTF-8''a%20b.txt",
            "Füße.mp4 | attachment; filename=\"F__e.mp4\"; filename*=UTF-8''F%C3%BC%C3%9Fe.mp4",
            "say \"hi\".txt | attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt"})
    void downloadNames(String name, String header) {
        assertEquals(header, ContentSafety.disposition("attachment", name));
    }

    @Test
    void anAddressWaitsOnlyAfterItsBudgetAndOnlyUntilItsWindowPassed() {
        ManualClock clock = new ManualClock(1_000_000);
        AddressThrottle throttle = new AddressThrottle(clock, 3, 60_000);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, throttle.retryAfterSeconds("10.0.0.1"));
            throttle.failed("10.0.0.1");
        }
        assertEquals(60, throttle.retryAfterSeconds("10.0.0.1"));
        assertEquals(0, throttle.retryAfterSeconds("10.0.0.2"), "another address is not slowed");
        clock.advance(59_500);
        assertEquals(1, throttle.retryAfterSeconds("10.0.0.1"));
        clock.advance(500);
        assertEquals(0, throttle.retryAfterSeconds("10.0.0.1"), "the window has passed");
        throttle.failed("10.0.0.1");
        assertEquals(0, throttle.retryAfterSeconds("10.0.0.1"), "a new window starts with one failure");
    }
}
