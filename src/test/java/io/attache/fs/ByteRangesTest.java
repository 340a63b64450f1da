package io.attache.fs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteRangesTest {

    @ParameterizedTest(name = "{0} of {1} bytes -> {2}")
    @CsvSource(delimiter = '|', value = {
            "bytes=0-0          | 100 | 0-0",
            "bytes=0-99         | 100 | 0-99",
            "bytes=0-100        | 100 | 0-99",
            "bytes=0-           | 100 | 0-99",
            "bytes=90-          | 100 | 90-99",
            "bytes=-10          | 100 | 90-99",
            "bytes=-1000        | 100 | 0-99",
            "bytes=10-19,50-59  | 100 | 10-19;50-59",
            "bytes=200-,10-19   | 100 | 10-19",
            "BYTES=5-6          | 100 | 5-6",
            "bytes= 1-2 , 3-4   | 100 | 1-2;3-4",
    })
    void satisfiable(String header, long length, String expected) {
        ByteRanges.Result result = ByteRanges.parse(header, length);
        StringBuilder actual = new StringBuilder();
        for (ByteRanges.Range r : result.ranges()) {
            actual.append(actual.length() == 0 ? "" : ";").append(r.first()).append('-').append(r.last());
        }
        assertEquals(expected, actual.toString());
    }

    @ParameterizedTest(name = "{0} of {1} bytes is unsatisfiable")
    @CsvSource(delimiter = '|', value = {
            "bytes=100-   | 100",
            "bytes=100-200| 100",
            "bytes=-0     | 100",
            "bytes=0-     | 0",
            "bytes=-5     | 0",
    })
    void unsatisfiable(String header, long length) {
        assertTrue(ByteRanges.parse(header, length).unsatisfiable());
    }

    @ParameterizedTest(name = "{0} is ignored")
    @CsvSource(delimiter = '|', value = {
            "items=0-10", "bytes=abc", "bytes=5-2", "bytes=1", "bytes=--5", "bytes=0x10-20",
    })
    void ignored(String header) {
        assertTrue(ByteRanges.parse(header, 100).ignored());
    }

    @Test
    void tooManyRangesAreIgnored() {
        String many = "bytes=" + "0-0,".repeat(ByteRanges.MAX_RANGES) + "1-1";
        assertTrue(ByteRanges.parse(many, 100).ignored());
    }

    @Test
    void contentRange() {
        assertEquals("bytes 0-99/100", new ByteRanges.Range(0, 99).contentRange(100));
    }
}
