package io.attache.pipeline;

import io.attache.crypto.ChunkCodec;
import io.attache.crypto.ChunkFormat;
import io.attache.crypto.ContentKey;
import io.attache.crypto.MasterKey;
import io.attache.crypto.SegmentCipher;
import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.StagingStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Turns a stream into stored, encrypted chunks: reads one chunk of plaintext into a pooled buffer,
 * sealing each segment as soon as it is complete, and hands the sealed chunk to an upload thread
 * while it reads the next. At most {@code concurrency} chunks of one write are in flight, and all
 * writes together hold at most the pool's buffers, so memory stays bounded whatever the file size.
 *
 * <p>Nothing becomes visible here: the returned {@link Content} is committed by the caller in one
 * metadata transaction. Each stored chunk is reported to the {@link PendingChunkLog} first, and a
 * failed write reports itself abandoned, so no chunk is ever lost track of.
 */
public final class ChunkWriter {

    private final ChunkStore store;
    private final MasterKey masterKey;
    private final BufferPool buffers;
    private final ExecutorService uploaders;
    private final PendingChunkLog pending;
    private final int chunkSize;
    private final int concurrency;
    private final Packer packer;
    private final int packThreshold;
    private final StagingWriter staging;
    private final SecureRandom random = new SecureRandom();

    public ChunkWriter(ChunkStore store, MasterKey masterKey, BufferPool buffers, ExecutorService uploaders,
                       PendingChunkLog pending, int chunkSize, int concurrency) {
        this(store, masterKey, buffers, uploaders, pending, chunkSize, concurrency, null, 0);
    }

    /** A writer for write-through: chunks go to the store, short last chunks into shared packs. */
    public ChunkWriter(ChunkStore store, MasterKey masterKey, BufferPool buffers, ExecutorService uploaders,
                       PendingChunkLog pending, int chunkSize, int concurrency, Packer packer, int packThreshold) {
        this(store, masterKey, buffers, uploaders, pending, chunkSize, concurrency, packer, packThreshold, null, null);
    }

    /**
     * A writer for write-back: every chunk goes into {@code staging} and {@code staged} is told
     * after each, for the uploader; the store, buffers and packer are not used for writes.
     */
    public static ChunkWriter staging(StagingStore staging, MasterKey masterKey, PendingChunkLog pending, int chunkSize,
                                      Runnable staged) {
        return new ChunkWriter(staging, masterKey, null, null, pending, chunkSize, 1, null, 0, staging, staged);
    }

    /**
     * @param packer        where a last chunk of at most {@code packThreshold} plaintext bytes goes,
     *                      shared with other writes; null to store every chunk alone
     * @param packThreshold the largest last chunk that is packed, in plaintext bytes
     * @param staging       the staging area for write-back, or null
     */
    private ChunkWriter(ChunkStore store, MasterKey masterKey, BufferPool buffers, ExecutorService uploaders,
                        PendingChunkLog pending, int chunkSize, int concurrency, Packer packer, int packThreshold,
                        StagingStore staging, Runnable staged) {
        if (chunkSize <= 0 || chunkSize % ChunkFormat.SEGMENT_SIZE != 0) {
            throw new IllegalArgumentException("chunk size must be a positive multiple of 64 KiB: " + chunkSize);
        }
        if (buffers != null && buffers.bufferSize() < ChunkFormat.cipherChunkSize(chunkSize)) {
            throw new IllegalArgumentException("pool buffers of " + buffers.bufferSize() + " bytes cannot hold a chunk of " + chunkSize);
        }
        if (ChunkFormat.cipherChunkSize(chunkSize) > store.properties().maxObjectSize()) {
            throw new IllegalArgumentException("chunks of " + chunkSize + " bytes encrypt to more than the store's limit of "
                    + store.properties().maxObjectSize() + " bytes");
        }
        this.store = store;
        this.masterKey = masterKey;
        this.buffers = buffers;
        this.uploaders = uploaders;
        this.pending = pending;
        this.chunkSize = chunkSize;
        this.concurrency = Math.max(1, concurrency);
        if (packer != null && packer.capacity() < ChunkFormat.cipherChunkSize(Math.min(packThreshold, chunkSize))) {
            throw new IllegalArgumentException("packs of " + packer.capacity() + " bytes cannot take last chunks of "
                    + packThreshold + " bytes");
        }
        this.packer = packer;
        this.packThreshold = Math.min(packThreshold, chunkSize - 1);
        this.staging = staging == null ? null : new StagingWriter(staging, pending, chunkSize, staged);
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Empty content: a fresh key and no chunk, with nothing sent to the store. */
    public Content empty() {
        ContentKey key = ContentKey.generate(random);
        return new Content(key.contentId(), masterKey.wrap(key), 0, chunkSize, List.of());
    }

    /**
     * Stores everything {@code in} yields until its end.
     *
     * @param maxBytes the most bytes the write may hold (for quotas); {@link Long#MAX_VALUE} for none
     * @throws SizeLimitExceededException when the stream holds more than {@code maxBytes}
     * @throws IOException                when reading the stream or storing a chunk fails; the
     *                                    chunks stored so far are then reported abandoned
     */
    public Content write(InputStream in, long maxBytes) throws IOException {
        return write(in, maxBytes, -1);
    }

    /**
     * As {@link #write(InputStream, long)}, knowing the length the client declared (or -1): a
     * staged write reserves only the room that length needs.
     */
    public Content write(InputStream in, long maxBytes, long expectedLength) throws IOException {
        ContentKey key = ContentKey.generate(random);
        byte[] contentId = key.contentId();
        if (staging != null) {
            try {
                return staging.write(in, key, masterKey.wrap(key), maxBytes, expectedLength);
            } catch (IOException | RuntimeException | Error e) {
                abandon(contentId, e);
                throw e;
            }
        }
        Deque<Future<Content.StoredChunk>> inFlight = new ArrayDeque<>();
        List<Content.StoredChunk> stored = new ArrayList<>();
        Packer.Placed packed = null;
        long total = 0;
        try {
            // The first segment goes into an array of this write's own: a content that fits in it
            // (most files) is sealed and stored from there without ever waiting for a pool buffer,
            // and a slow client holds no pool buffer before a segment's worth has arrived.
            byte[] first = new byte[ChunkFormat.cipherChunkSize(ChunkFormat.SEGMENT_SIZE)];
            int head = readFully(in, first, ChunkCodec.plainOffset(0), ChunkFormat.SEGMENT_SIZE);
            int next = head == ChunkFormat.SEGMENT_SIZE ? in.read() : -1;
            if (next < 0) {
                if (head > maxBytes) {
                    throw new SizeLimitExceededException(maxBytes);
                }
                if (head > 0) {
                    first[0] = ChunkFormat.VERSION;
                    SegmentCipher.forThread().sealInPlace(key, 0, 0, true, first, ChunkCodec.plainOffset(0), head);
                    if (packer != null && head <= packThreshold) {
                        packed = packer.add(contentId, 0, first, 0, ChunkFormat.cipherChunkSize(head), head);
                        stored.add(packed.await());
                    } else {
                        inFlight.addLast(upload(contentId, 0, first, head, false));
                        stored.add(await(inFlight.removeFirst()));
                    }
                }
                return new Content(contentId, masterKey.wrap(key), head, chunkSize, stored);
            }
            in = new SequenceInputStream(new ByteArrayInputStream(first, ChunkCodec.plainOffset(0), head),
                    new SequenceInputStream(new ByteArrayInputStream(new byte[]{(byte) next}), in));
            for (int index = 0; ; index++) {
                byte[] buffer = buffers.acquire();
                int plain;
                try {
                    plain = fillAndSeal(in, key, index, buffer);
                    total += plain;
                    if (total > maxBytes) {
                        throw new SizeLimitExceededException(maxBytes);
                    }
                } catch (IOException | RuntimeException e) {
                    buffers.release(buffer);
                    throw e;
                }
                if (plain == 0) {
                    buffers.release(buffer);
                    break;
                }
                if (plain <= packThreshold && packer != null) {
                    packed = pack(contentId, index, buffer, plain);
                    break;
                }
                if (inFlight.size() >= concurrency) {
                    stored.add(await(inFlight.removeFirst()));
                }
                inFlight.addLast(upload(contentId, index, buffer, plain, true));
                if (plain < chunkSize) {
                    break;
                }
            }
            while (!inFlight.isEmpty()) {
                stored.add(await(inFlight.removeFirst()));
            }
            if (packed != null) {
                stored.add(packed.await());
            }
        } catch (IOException | RuntimeException | Error e) {
            drain(inFlight, e);
            if (packed != null) {
                // Let its pack be recorded first, so that abandoning forgets this write's blob in it.
                try {
                    packed.await();
                } catch (IOException alsoFailed) {
                    if (alsoFailed != e) {
                        e.addSuppressed(alsoFailed);
                    }
                }
            }
            abandon(contentId, e);
            throw e;
        }
        return new Content(contentId, masterKey.wrap(key), total, chunkSize, stored);
    }

    private void abandon(byte[] contentId, Throwable failure) {
        try {
            pending.abandoned(contentId);
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /**
     * Reads up to one chunk into {@code buffer}'s segment slots and seals it. A segment is sealed
     * once the stream shows whether another follows, because the last one carries the last flag.
     *
     * @return plaintext bytes in the chunk; 0 when the stream had already ended
     */
    private int fillAndSeal(InputStream in, ContentKey key, long chunkIndex, byte[] buffer) throws IOException {
        SegmentCipher cipher = SegmentCipher.forThread();
        int maxSegments = chunkSize / ChunkFormat.SEGMENT_SIZE;
        int plain = 0;
        int unsealed = -1;
        int unsealedLength = 0;
        for (int segment = 0; segment < maxSegments; segment++) {
            int n = readFully(in, buffer, ChunkCodec.plainOffset(segment), ChunkFormat.SEGMENT_SIZE);
            if (n == 0) {
                break;
            }
            if (unsealed >= 0) {
                cipher.sealInPlace(key, chunkIndex, unsealed, false, buffer, ChunkCodec.plainOffset(unsealed), unsealedLength);
            }
            unsealed = segment;
            unsealedLength = n;
            plain += n;
            if (n < ChunkFormat.SEGMENT_SIZE) {
                break;
            }
        }
        if (unsealed >= 0) {
            buffer[0] = ChunkFormat.VERSION;
            cipher.sealInPlace(key, chunkIndex, unsealed, true, buffer, ChunkCodec.plainOffset(unsealed), unsealedLength);
        }
        return plain;
    }

    /** Hands a short last chunk to the packer; the pool buffer is free again once it is copied. */
    private Packer.Placed pack(byte[] contentId, int index, byte[] buffer, int plain) throws IOException {
        try {
            return packer.add(contentId, index, buffer, 0, ChunkFormat.cipherChunkSize(plain), plain);
        } finally {
            buffers.release(buffer);
        }
    }

    /** Stores a sealed chunk; a {@code pooled} buffer goes back to the pool once it is stored. */
    private Future<Content.StoredChunk> upload(byte[] contentId, int index, byte[] buffer, int plain, boolean pooled) {
        String name = HexFormat.of().formatHex(randomName());
        int cipherLength = ChunkFormat.cipherChunkSize(plain);
        return uploaders.submit(() -> {
            try {
                Locator locator = store.put(name, buffer, 0, cipherLength);
                pending.stored(locator.value(), cipherLength, false,
                        List.of(new PendingChunkLog.Blob(contentId, index, 0, cipherLength, plain)));
                return new Content.StoredChunk(locator.value(), plain);
            } finally {
                if (pooled) {
                    buffers.release(buffer);
                }
            }
        });
    }

    private byte[] randomName() {
        byte[] name = new byte[16];
        random.nextBytes(name);
        return name;
    }

    private static Content.StoredChunk await(Future<Content.StoredChunk> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while storing a chunk");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("storing a chunk failed: " + cause, cause);
        }
    }

    /** Waits for uploads still running so that every chunk they store is recorded before abandoning. */
    private static void drain(Deque<Future<Content.StoredChunk>> inFlight, Throwable failure) {
        boolean interrupted = false;
        for (Future<Content.StoredChunk> future : inFlight) {
            while (true) {
                try {
                    future.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() != failure) {
                        failure.addSuppressed(e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads until {@code length} bytes or the end of the stream; returns how many it read. */
    static int readFully(InputStream in, byte[] buffer, int offset, int length) throws IOException {
        int total = 0;
        while (total < length) {
            int n = in.read(buffer, offset + total, length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
