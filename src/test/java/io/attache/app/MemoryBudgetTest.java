package io.attache.app;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MemoryBudgetTest {

    static final int MIB = 1 << 20;
    /** The default chunk's ciphertext: just under 10 MiB. */
    static final int CHUNK = 10 * MIB;

    @ParameterizedTest(name = "-Xmx{0}m: {1} upload and {2} read-ahead buffers")
    @CsvSource(textBlock = """
            64,    2,  1
            128,   3,  1
            192,   4,  2
            256,   6,  3
            512,  12,  6
            1024, 16, 12
            4096, 16, 16
            """)
    void poolsTakeAQuarterAndAnEighthOfTheHeap(long heapMiB, int uploads, int readAhead) {
        assertEquals(uploads, MemoryBudget.uploadBuffers(heapMiB * MIB, CHUNK));
        assertEquals(readAhead, MemoryBudget.readAheadBuffers(heapMiB * MIB, CHUNK));
    }
}
