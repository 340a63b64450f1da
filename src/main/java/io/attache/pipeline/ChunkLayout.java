package io.attache.pipeline;

import io.attache.crypto.ChunkFormat;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps a plaintext byte range of a file onto the encrypted bytes that hold it: which chunks, which
 * segments inside each, where they lie in the stored object, and which plaintext bytes of the
 * decrypted segments to keep. Pure arithmetic, so that it can be checked by table tests.
 */
public final class ChunkLayout {

    /**
     * The part of one chunk a range needs.
     *
     * @param chunkIndex   the chunk
     * @param firstSegment first segment to fetch
     * @param lastSegment  last segment to fetch (inclusive)
     * @param cipherOffset where the first segment starts in the stored chunk
     * @param cipherLength how many stored bytes to fetch
     * @param skip         plaintext bytes to drop from the start of the first segment
     * @param take         plaintext bytes to keep after that
     */
    public record Span(int chunkIndex, int firstSegment, int lastSegment, long cipherOffset, long cipherLength,
                       int skip, long take) {
    }

    private ChunkLayout() {
    }

    /** The spans that cover {@code [offset, offset + length)} of a file of {@code size} bytes, in order. */
    public static List<Span> spans(long size, int chunkSize, long offset, long length) {
        if (chunkSize <= 0 || chunkSize % ChunkFormat.SEGMENT_SIZE != 0) {
            throw new IllegalArgumentException("chunk size must be a positive multiple of "
                    + ChunkFormat.SEGMENT_SIZE + ": " + chunkSize);
        }
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside a file of " + size + " bytes");
        }
        List<Span> spans = new ArrayList<>();
        long end = offset + length;
        long position = offset;
        while (position < end) {
            int chunk = (int) (position / chunkSize);
            long chunkStart = (long) chunk * chunkSize;
            int chunkPlain = (int) Math.min(chunkSize, size - chunkStart);
            int from = (int) (position - chunkStart);
            int to = (int) Math.min(chunkPlain, end - chunkStart);
            int first = from / ChunkFormat.SEGMENT_SIZE;
            int last = (to - 1) / ChunkFormat.SEGMENT_SIZE;
            long cipherOffset = ChunkFormat.segmentOffset(first);
            long cipherEnd = ChunkFormat.segmentOffset(last) + ChunkFormat.segmentPlainLength(chunkPlain, last)
                    + ChunkFormat.SEGMENT_OVERHEAD;
            spans.add(new Span(chunk, first, last, cipherOffset, cipherEnd - cipherOffset,
                    from - first * ChunkFormat.SEGMENT_SIZE, to - from));
            position = chunkStart + to;
        }
        return spans;
    }

    /** How many stored bytes reading {@code [offset, offset + length)} fetches. */
    public static long cipherBytes(long size, int chunkSize, long offset, long length) {
        long total = 0;
        for (Span span : spans(size, chunkSize, offset, length)) {
            total += span.cipherLength();
        }
        return total;
    }
}
