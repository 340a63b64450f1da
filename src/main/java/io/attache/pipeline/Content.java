package io.attache.pipeline;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Stored content as the pipeline sees it: what {@link ChunkWriter} produces and {@link RangeReader}
 * reads. {@code chunks} are in order; every chunk but the last holds {@code chunkSize} bytes.
 */
public record Content(byte[] contentId, byte[] wrappedKey, long size, int chunkSize, List<StoredChunk> chunks,
                      Relocator relocator) {

    /** Finds where a chunk is now, for a read that found its blob gone from where it was. */
    @FunctionalInterface
    public interface Relocator {
        Optional<StoredChunk> current(byte[] contentId, int index) throws IOException;
    }

    public Content(byte[] contentId, byte[] wrappedKey, long size, int chunkSize, List<StoredChunk> chunks) {
        this(contentId, wrappedKey, size, chunkSize, chunks, null);
    }

    public Content {
        chunks = List.copyOf(chunks);
        if (size < 0 || chunkSize <= 0) {
            throw new IllegalArgumentException("size " + size + ", chunk size " + chunkSize);
        }
        long expected = chunkCount(size, chunkSize);
        if (chunks.size() != expected) {
            throw new IllegalArgumentException(size + " bytes in chunks of " + chunkSize + " need " + expected
                    + " chunks, not " + chunks.size());
        }
    }

    /** How many chunks hold {@code size} bytes. */
    public static int chunkCount(long size, int chunkSize) {
        return Math.toIntExact((size + chunkSize - 1) / chunkSize);
    }

    /** Plaintext bytes in chunk {@code index}. */
    public int chunkPlainSize(int index) {
        return (int) Math.min(chunkSize, size - (long) index * chunkSize);
    }

    /**
     * One stored chunk: the locator of the pack that holds its encrypted blob, where the blob
     * starts in it (0 for a chunk stored alone), and its plaintext size.
     */
    public record StoredChunk(String locator, long offset, int plainSize) {

        public StoredChunk(String locator, int plainSize) {
            this(locator, 0, plainSize);
        }
    }
}
