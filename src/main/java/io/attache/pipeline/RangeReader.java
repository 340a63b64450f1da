package io.attache.pipeline;

import io.attache.crypto.AuthenticationFailedException;
import io.attache.crypto.ChunkFormat;
import io.attache.crypto.ContentKey;
import io.attache.crypto.MasterKey;
import io.attache.crypto.SegmentCipher;
import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves a plaintext byte range of stored content. The range is mapped by {@link ChunkLayout} onto
 * the segments that hold it; only those are fetched, authenticated, decrypted and sliced. The chunk
 * being sent is streamed segment by segment (the first byte leaves after one segment), while the
 * next chunks of a long read are fetched and decrypted in the background, up to a read-ahead
 * bounded per read and across the server.
 *
 * <p>Bytes reach the output only after their segment authenticated. A fetch that fails, or that
 * returns bytes that do not authenticate, is retried from the failing segment a few times; after
 * that the read fails, and a caller that already sent part of a response must abort it.
 */
public final class RangeReader {

    private static final Logger log = LoggerFactory.getLogger(RangeReader.class);
    private static final int ATTEMPTS = 3;

    private final ChunkStore store;
    private final MasterKey masterKey;
    private final ExecutorService fetchers;
    private final int readAhead;
    private final BufferPool readAheadBuffers;

    /**
     * @param readAhead        chunks fetched ahead of the one being sent, per read
     * @param readAheadBuffers buffers of one chunk's plaintext that read-ahead borrows, shared by all
     *                         reads; none free means no read-ahead, never waiting
     */
    public RangeReader(ChunkStore store, MasterKey masterKey, ExecutorService fetchers, int readAhead,
                       BufferPool readAheadBuffers) {
        this.store = store;
        this.masterKey = masterKey;
        this.fetchers = fetchers;
        this.readAhead = Math.max(0, readAhead);
        this.readAheadBuffers = readAheadBuffers;
    }

    /** Writes plaintext bytes {@code [offset, offset + length)} of {@code content} to {@code out}. */
    public void copy(Content content, long offset, long length, OutputStream out) throws IOException {
        if (length == 0) {
            return;
        }
        ContentKey key = masterKey.unwrap(content.contentId(), content.wrappedKey());
        List<ChunkLayout.Span> spans = ChunkLayout.spans(content.size(), content.chunkSize(), offset, length);
        Deque<Prefetch> ahead = new ArrayDeque<>();
        try {
            int next = 1;
            for (int i = 0; i < spans.size(); i++) {
                ChunkLayout.Span span = spans.get(i);
                Prefetch ready = !ahead.isEmpty() && ahead.peekFirst().span == span ? ahead.removeFirst() : null;
                next = Math.max(next, i + 1);
                while (next < spans.size() && ahead.size() < readAhead
                        && spans.get(next).take() <= readAheadBuffers.bufferSize()) {
                    byte[] buffer = readAheadBuffers.tryAcquire();
                    if (buffer == null) {
                        break;
                    }
                    ahead.addLast(prefetch(content, key, spans.get(next++), buffer));
                }
                if (ready == null) {
                    streamSpan(content, key, span, out);
                    continue;
                }
                try {
                    ready.await();
                    out.write(ready.buffer, 0, (int) span.take());
                } finally {
                    ready.release();
                }
            }
        } finally {
            for (Prefetch p : ahead) {
                p.abandon();
            }
        }
    }

    private Prefetch prefetch(Content content, ContentKey key, ChunkLayout.Span span, byte[] buffer) {
        Prefetch p = new Prefetch(span, buffer);
        p.future = fetchers.submit(() -> {
            if (!p.started.compareAndSet(false, true)) {
                return null;
            }
            try {
                fetchSpan(content, key, span, buffer);
                return null;
            } finally {
                p.release();
            }
        });
        return p;
    }

    /** Streams one span segment by segment: the first bytes leave after the first segment. */
    private void streamSpan(Content content, ContentKey key, ChunkLayout.Span span, OutputStream out) throws IOException {
        byte[] plain = new byte[ChunkFormat.SEGMENT_SIZE];
        long remaining = span.take();
        try (SpanSource source = new SpanSource(content, key, span)) {
            for (int segment = span.firstSegment(); segment <= span.lastSegment(); segment++) {
                int n = source.next(plain);
                int skip = segment == span.firstSegment() ? span.skip() : 0;
                int take = (int) Math.min(n - skip, remaining);
                out.write(plain, skip, take);
                remaining -= take;
            }
        }
    }

    /** Fetches and decrypts a whole span into {@code out}, for read-ahead. */
    private void fetchSpan(Content content, ContentKey key, ChunkLayout.Span span, byte[] out) throws IOException {
        byte[] plain = new byte[ChunkFormat.SEGMENT_SIZE];
        int written = 0;
        try (SpanSource source = new SpanSource(content, key, span)) {
            for (int segment = span.firstSegment(); segment <= span.lastSegment(); segment++) {
                int n = source.next(plain);
                int skip = segment == span.firstSegment() ? span.skip() : 0;
                int take = (int) Math.min(n - skip, span.take() - written);
                System.arraycopy(plain, skip, out, written, take);
                written += take;
            }
        }
    }

    /**
     * The authenticated segments of one span, in order. A fetch that breaks or yields bytes that
     * do not authenticate is reopened from the segment that failed, at most {@link #ATTEMPTS} times
     * in all; a missing object or a permanent store error fails at once.
     */
    private final class SpanSource implements AutoCloseable {
        private final Content content;
        private final ContentKey key;
        private final ChunkLayout.Span span;
        private Locator locator;
        private long blobOffset;
        private boolean relocated;
        private final int chunkPlain;
        private final int segments;
        private final byte[] sealed = new byte[ChunkFormat.CIPHER_SEGMENT_SIZE];
        private int segment;
        private int failures;
        private InputStream in;

        SpanSource(Content content, ContentKey key, ChunkLayout.Span span) {
            this.content = content;
            this.key = key;
            this.span = span;
            Content.StoredChunk chunk = content.chunks().get(span.chunkIndex());
            this.locator = new Locator(chunk.locator());
            this.blobOffset = chunk.offset();
            this.chunkPlain = content.chunkPlainSize(span.chunkIndex());
            this.segments = ChunkFormat.segmentCount(chunkPlain);
            this.segment = span.firstSegment();
        }

        /** Decrypts the next segment into {@code plain} and returns its length. */
        int next(byte[] plain) throws IOException {
            while (true) {
                try {
                    if (in == null) {
                        in = open();
                    }
                    int n = decryptNext(plain);
                    segment++;
                    return n;
                } catch (StoreException e) {
                    if (e instanceof StoreException.NotFound && relocate()) {
                        continue;
                    }
                    if (!(e instanceof StoreException.Retryable)) {
                        throw e;
                    }
                    retryOrThrow(e);
                } catch (IOException e) {
                    if (e instanceof InterruptedIOException) {
                        throw e;
                    }
                    retryOrThrow(e);
                }
            }
        }

        /**
         * The blob is no longer where this read found it: the uploader moved it from staging into
         * the store, or a repack into another pack. Its bytes are the same wherever it lies, so the
         * read goes on from its new place. Once per span: a blob that is gone twice is gone.
         */
        private boolean relocate() throws IOException {
            if (relocated || content.relocator() == null) {
                return false;
            }
            relocated = true;
            Optional<Content.StoredChunk> now = content.relocator().current(content.contentId(), span.chunkIndex());
            if (now.isEmpty() || (now.get().locator().equals(locator.value()) && now.get().offset() == blobOffset)) {
                return false;
            }
            close();
            log.debug("{} moved to {} +{} during a read", locator, now.get().locator(), now.get().offset());
            locator = new Locator(now.get().locator());
            blobOffset = now.get().offset();
            return true;
        }

        private InputStream open() throws IOException {
            long from = ChunkFormat.segmentOffset(segment);
            long to = ChunkFormat.segmentOffset(span.lastSegment())
                    + ChunkFormat.segmentPlainLength(chunkPlain, span.lastSegment()) + ChunkFormat.SEGMENT_OVERHEAD;
            return store.open(locator, blobOffset + from, to - from);
        }

        private int decryptNext(byte[] plain) throws IOException {
            int sealedLength = ChunkFormat.segmentPlainLength(chunkPlain, segment) + ChunkFormat.SEGMENT_OVERHEAD;
            if (ChunkWriter.readFully(in, sealed, 0, sealedLength) != sealedLength) {
                throw new StoreException.Retryable(locator + " ended inside segment " + segment);
            }
            return SegmentCipher.forThread().open(key, span.chunkIndex(), segment, segment == segments - 1,
                    sealed, 0, sealedLength, plain, 0);
        }

        private void retryOrThrow(IOException e) throws IOException {
            close();
            if (e instanceof AuthenticationFailedException) {
                store.reportCorrupt(locator);
            }
            if (++failures >= ATTEMPTS) {
                throw e;
            }
            log.warn("Reading {} failed at segment {} ({} of {} attempts), retrying: {}", locator, segment, failures,
                    ATTEMPTS, e.toString());
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                InputStream closing = in;
                in = null;
                closing.close();
            }
        }
    }

    /**
     * A span being fetched into a borrowed buffer, which goes back to the pool once both the fetch
     * and the reader are done with it: a cancelled fetch never writes into a buffer that someone
     * else has borrowed since, and a fetch that never started gives its share up at once.
     */
    private final class Prefetch {
        final ChunkLayout.Span span;
        final byte[] buffer;
        final AtomicBoolean started = new AtomicBoolean();
        private final AtomicInteger owners = new AtomicInteger(2);
        Future<Void> future;

        Prefetch(ChunkLayout.Span span, byte[] buffer) {
            this.span = span;
            this.buffer = buffer;
        }

        void await() throws IOException {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading ahead");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException("reading ahead failed", e.getCause());
            }
        }

        /** The reader no longer needs this span: stop the fetch if it has not started. */
        void abandon() {
            future.cancel(true);
            if (started.compareAndSet(false, true)) {
                release();
            }
            release();
        }

        void release() {
            if (owners.decrementAndGet() == 0) {
                readAheadBuffers.release(buffer);
            }
        }
    }
}
