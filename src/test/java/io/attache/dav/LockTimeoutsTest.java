package io.attache.dav;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LockTimeoutsTest {

    @ParameterizedTest(name = "{0} -> {1} s")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "none                              | 3600",
            "Second-600                        | 600",
            "second-600                        | 600",
            "Second-4100000000                 | 86400",
            "Infinite                          | 86400",
            "Infinite, Second-4100000000       | 86400",
            "Second-abc, Second-30             | 30",
            "Second-0                          | 3600",
            "Second--5, Infinite               | 86400",
            "garbage                           | 3600",
    })
    void grants(String header, long seconds) {
        assertEquals(seconds, LockTimeouts.grant(header, 3600, 86400));
    }
}
