package io.attache.crypto;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkFormatTest {

    @ParameterizedTest(name = "{0} plaintext bytes -> {1} segments, {2} encrypted bytes, last segment {3}")
    @CsvSource({
            "1,       1, 30,        1",
            "65535,   1, 65564,     65535",
            "65536,   1, 65565,     65536",
            "65537,   2, 65594,     1",
            "131072,  2, 131129,    65536",
            "10420224, 159, 10424677, 65536",
    })
    void sizes(int plain, int segments, int cipher, int lastSegment) {
        assertEquals(segments, ChunkFormat.segmentCount(plain));
        assertEquals(cipher, ChunkFormat.cipherChunkSize(plain));
        assertEquals(lastSegment, ChunkFormat.segmentPlainLength(plain, segments - 1));
    }

    @Test
    void theDefaultChunkIsTheLargestThatFitsTenMebibytes() {
        int chunk = ChunkFormat.largestChunkFitting(10L * 1024 * 1024);
        assertEquals(10_420_224, chunk);
        assertTrue(ChunkFormat.cipherChunkSize(chunk) <= 10 * 1024 * 1024);
        assertTrue(ChunkFormat.cipherChunkSize(chunk + ChunkFormat.SEGMENT_SIZE) > 10 * 1024 * 1024);
    }

    @Test
    void segmentOffsetsFollowTheHeader() {
        assertEquals(1, ChunkFormat.segmentOffset(0));
        assertEquals(1 + 65_564, ChunkFormat.segmentOffset(1));
        assertEquals(1 + 158L * 65_564, ChunkFormat.segmentOffset(158));
    }

    @Test
    void anEmptyChunkDoesNotExist() {
        assertThrows(IllegalArgumentException.class, () -> ChunkFormat.segmentCount(0));
        assertThrows(IllegalArgumentException.class, () -> ChunkFormat.segmentPlainLength(100, 1));
    }
}
