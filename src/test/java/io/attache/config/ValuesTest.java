package io.attache.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValuesTest {

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource(textBlock = """
            65536,     65536
            512B,      512
            64k,       65536
            64KiB,     65536
            64kib,     65536
            10M,       10485760
            10MiB,     10485760
            10MB,      10000000
            10mb,      10000000
            1.5GiB,    1610612736
            1.5GB,     1500000000
            1.5G,      1610612736
            2TiB,      2199023255552
            2TB,       2000000000000
            0.5KiB,    512
            1.0001KB,  1000
            10 MiB,    10485760
            """)
    void sizesInIecAndSiUnits(String text, long bytes) throws ConfigException {
        assertEquals(bytes, Values.size("quota", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MiB", "1.5", "1.5B", "-1", "10 XB", "1e6", "1,5GB", "9999999999TiB"})
    void notASize(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> Values.size("quota", text));
        assertTrue(e.getMessage().startsWith("quota: "), e.getMessage());
    }
}
