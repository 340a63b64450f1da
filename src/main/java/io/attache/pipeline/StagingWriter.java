package io.attache.pipeline;

import io.attache.crypto.ChunkFormat;
import io.attache.crypto.ContentKey;
import io.attache.crypto.SegmentCipher;
import io.attache.store.Locator;
import io.attache.store.StagingStore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The write-back path of {@link ChunkWriter}: each chunk is sealed segment by segment straight
 * into a staged blob on the local disk, so a write holds two segment buffers of memory whatever
 * its size and however slowly its client sends, and never a pool buffer. Each finished blob is
 * recorded as pending at once, so the uploader can move whole chunks into the store while the
 * rest of the content is still arriving; the write ends when every blob it staged is durable.
 */
final class StagingWriter {

    private final StagingStore staging;
    private final PendingChunkLog pending;
    private final int chunkSize;
    private final Runnable staged;

    /**
     * @param staged told after every blob recorded, so that the uploader looks for work
     */
    StagingWriter(StagingStore staging, PendingChunkLog pending, int chunkSize, Runnable staged) {
        this.staging = staging;
        this.pending = pending;
        this.chunkSize = chunkSize;
        this.staged = staged;
    }

    /**
     * Stages everything {@code in} yields under {@code key}.
     *
     * @param expected the length the client declared, or -1: a blob reserves only the room the
     *                 declared rest of the content needs, else a whole chunk
     */
    Content write(InputStream in, ContentKey key, byte[] wrappedKey, long maxBytes, long expected) throws IOException {
        byte[] contentId = key.contentId();
        SegmentCipher cipher = SegmentCipher.forThread();
        int segmentsPerChunk = chunkSize / ChunkFormat.SEGMENT_SIZE;
        byte[] current = new byte[ChunkFormat.CIPHER_SEGMENT_SIZE];
        byte[] next = new byte[ChunkFormat.CIPHER_SEGMENT_SIZE];
        List<Content.StoredChunk> chunks = new ArrayList<>();
        List<Locator> blobs = new ArrayList<>();
        long total = 0;
        int n = ChunkWriter.readFully(in, current, ChunkFormat.NONCE_SIZE, ChunkFormat.SEGMENT_SIZE);
        for (int index = 0; n > 0; index++) {
            long rest = expected >= 0 ? expected - total : chunkSize;
            int reserve = ChunkFormat.cipherChunkSize((int) Math.max(n, Math.min(chunkSize, rest)));
            int plain = 0;
            try (StagingStore.Blob blob = staging.create(reserve)) {
                blob.write(new byte[]{ChunkFormat.VERSION}, 0, 1);
                for (int segment = 0; ; segment++) {
                    total += n;
                    plain += n;
                    if (total > maxBytes) {
                        throw new SizeLimitExceededException(maxBytes);
                    }
                    // The next segment is read first: the last one of a chunk carries the last flag.
                    boolean endOfChunk = segment == segmentsPerChunk - 1;
                    int following = n < ChunkFormat.SEGMENT_SIZE ? 0
                            : ChunkWriter.readFully(in, next, ChunkFormat.NONCE_SIZE, ChunkFormat.SEGMENT_SIZE);
                    boolean last = endOfChunk || following == 0;
                    cipher.sealInPlace(key, index, segment, last, current, ChunkFormat.NONCE_SIZE, n);
                    blob.write(current, 0, n + ChunkFormat.SEGMENT_OVERHEAD);
                    byte[] swap = current;
                    current = next;
                    next = swap;
                    n = following;
                    if (last) {
                        break;
                    }
                }
                blob.finish();
                blobs.add(blob.locator());
                pending.stored(blob.locator().value(), blob.written(), true, List.of(
                        new PendingChunkLog.Blob(contentId, index, 0, (int) blob.written(), plain)));
            }
            chunks.add(new Content.StoredChunk(blobs.get(blobs.size() - 1).value(), plain));
            staged.run();
        }
        staging.sync(blobs);
        return new Content(contentId, wrappedKey, total, chunkSize, chunks);
    }
}
