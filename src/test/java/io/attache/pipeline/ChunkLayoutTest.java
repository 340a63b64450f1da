package io.attache.pipeline;

import io.attache.crypto.ChunkFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChunkLayoutTest {

    static final int SEG = ChunkFormat.SEGMENT_SIZE;
    static final int CIPHER_SEG = ChunkFormat.CIPHER_SEGMENT_SIZE;
    static final int CHUNK = 4 * SEG;

    @ParameterizedTest(name = "file {0}, range {1}+{2}")
    @CsvSource({
            // size,     offset,  length, spans, first chunk, first seg, last seg, cipher offset, cipher length, skip
            "262144,     0,       1,      1, 0, 0, 0, 1,       65564,  0",
            "262144,     65535,   2,      1, 0, 0, 1, 1,       131128, 65535",
            "262144,     65536,   65536,  1, 0, 1, 1, 65565,   65564,  0",
            "262145,     262144,  1,      1, 1, 0, 0, 1,       29,     0",
            "262145,     262143,  2,      2, 0, 3, 3, 196693,  65564,  65535",
            "917504,     300000,  400000, 2, 1, 0, 3, 1,       262256, 37856",
            "100,        10,      50,     1, 0, 0, 0, 1,       128,    10",
    })
    void mapsARangeOntoSegments(long size, long offset, long length, int spanCount, int chunk, int firstSeg,
                                int lastSeg, long cipherOffset, long cipherLength, int skip) {
        List<ChunkLayout.Span> spans = ChunkLayout.spans(size, CHUNK, offset, length);
        assertEquals(spanCount, spans.size());
        ChunkLayout.Span first = spans.get(0);
        assertEquals(chunk, first.chunkIndex());
        assertEquals(firstSeg, first.firstSegment());
        assertEquals(lastSeg, first.lastSegment());
        assertEquals(cipherOffset, first.cipherOffset());
        assertEquals(cipherLength, first.cipherLength());
        assertEquals(skip, first.skip());
        assertEquals(length, spans.stream().mapToLong(ChunkLayout.Span::take).sum());
    }

    @Test
    void aRangeOverThreeChunksTakesTheMiddleOneWhole() {
        List<ChunkLayout.Span> spans = ChunkLayout.spans(3L * CHUNK, CHUNK, CHUNK - 1, CHUNK + 2);
        assertEquals(3, spans.size());
        assertEquals(ChunkFormat.cipherChunkSize(CHUNK) - 1, spans.get(1).cipherLength());
        assertEquals(4 * CIPHER_SEG, spans.get(1).cipherLength());
        assertEquals(1, spans.get(0).take());
        assertEquals(1, spans.get(2).take());
    }

    @Test
    void refusesRangesOutsideTheFile() {
        assertThrows(IllegalArgumentException.class, () -> ChunkLayout.spans(100, CHUNK, 90, 11));
        assertThrows(IllegalArgumentException.class, () -> ChunkLayout.spans(100, CHUNK, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> ChunkLayout.spans(100, 1000, 0, 1));
    }

    @Test
    void anEmptyRangeHasNoSpans() {
        assertEquals(0, ChunkLayout.spans(100, CHUNK, 50, 0).size());
    }
}
