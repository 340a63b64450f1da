package io.attache.pipeline;

import io.attache.crypto.ChunkFormat;
import io.attache.crypto.MasterKey;
import io.attache.store.local.LocalChunkStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ChunkWriter and RangeReader over a real local store: files at every boundary size round-trip
 * byte for byte, and every range of a table matches a plain byte-array oracle.
 */
class PipelineTest {

    static final int SEG = ChunkFormat.SEGMENT_SIZE;
    static final int CHUNK = 4 * SEG;

    @TempDir
    Path dir;
    CountingStore store;
    ExecutorService pool;
    MasterKey key;
    Journal journal;
    BufferPool buffers;

    /** Records what the writer reports, as the database journal would. */
    static final class Journal implements PendingChunkLog {
        final List<String> stored = new CopyOnWriteArrayList<>();
        final List<String> abandoned = new CopyOnWriteArrayList<>();

        @Override
        public void stored(String locator, long size, boolean staged, List<Blob> blobs) {
            stored.add(locator);
        }

        @Override
        public void abandoned(byte[] contentId) {
            abandoned.add(Arrays.toString(contentId));
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        store = new CountingStore(new LocalChunkStore(dir));
        pool = Executors.newFixedThreadPool(4);
        key = MasterKey.of(MasterKey.generateRaw(new SecureRandom()));
        journal = new Journal();
        buffers = new BufferPool(ChunkFormat.cipherChunkSize(CHUNK), 4, 10_000);
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    ChunkWriter writer(int concurrency) {
        return new ChunkWriter(store, key, buffers, pool, journal, CHUNK, concurrency);
    }

    RangeReader reader(int readAhead) {
        return new RangeReader(store, key, pool, readAhead, new BufferPool(CHUNK, 8, 0));
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static final int[] SIZES = {0, 1, SEG - 1, SEG, SEG + 1, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK * 7 / 2};

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, SEG - 1, SEG, SEG + 1, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK * 7 / 2})
    void roundTripsByteForByte(int size) throws Exception {
        byte[] data = random(size, size);
        Content content = writer(2).write(new ByteArrayInputStream(data), Long.MAX_VALUE);
        assertEquals(size, content.size());
        assertEquals((size + CHUNK - 1) / CHUNK, content.chunks().size());
        assertEquals(content.chunks().size(), journal.stored.size(), "every stored chunk is journaled");
        for (RangeReader reader : List.of(reader(0), reader(2))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            reader.copy(content, 0, size, out);
            assertArrayEquals(data, out.toByteArray());
        }
    }

    @ParameterizedTest(name = "{0} bytes in chunks of one segment")
    @ValueSource(ints = {1, SEG, SEG + 1, 3 * SEG, 3 * SEG + 7})
    void chunksOfOneSegmentRoundTrip(int size) throws Exception {
        byte[] data = random(size, size);
        Content content = new ChunkWriter(store, key, buffers, pool, journal, SEG, 2).write(new ByteArrayInputStream(data),
                Long.MAX_VALUE);
        assertEquals((size + SEG - 1) / SEG, content.chunks().size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        reader(1).copy(content, 0, size, out);
        assertArrayEquals(data, out.toByteArray());
    }

    @Test
    void aFileOfOneSegmentNeverWaitsForAPoolBuffer() throws Exception {
        buffers = new BufferPool(ChunkFormat.cipherChunkSize(CHUNK), 1, 200);
        byte[] held = buffers.acquire(); // every pool buffer is taken, e.g. by slow uploads
        try {
            byte[] small = random(SEG, 1);
            Content content = writer(2).write(new ByteArrayInputStream(small), Long.MAX_VALUE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            reader(0).copy(content, 0, small.length, out);
            assertArrayEquals(small, out.toByteArray());
            IOException waited = assertThrows(IOException.class,
                    () -> writer(2).write(new ByteArrayInputStream(random(SEG + 1, 2)), Long.MAX_VALUE));
            assertTrue(waited.getMessage().contains("no upload buffer"), waited.getMessage());
        } finally {
            buffers.release(held);
        }
        assertEquals(1, buffers.available(), "the larger write gave back nothing it did not take");
    }

    @Test
    void anEmptyStreamStoresNoChunk() throws Exception {
        Content content = writer(2).write(new ByteArrayInputStream(new byte[0]), Long.MAX_VALUE);
        assertEquals(0, content.chunks().size());
        assertEquals(0, store.puts.get());
    }

    @Test
    void everyRangeOfTheTableMatchesTheOracle() throws Exception {
        for (int size : SIZES) {
            if (size == 0) {
                continue;
            }
            byte[] data = random(size, 31L * size);
            Content content = writer(3).write(new ByteArrayInputStream(data), Long.MAX_VALUE);
            for (long[] range : ranges(size)) {
                for (int readAhead : new int[]{0, 2}) {
                    long from = range[0];
                    long length = range[1];
                    store.reset();
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    reader(readAhead).copy(content, from, length, out);
                    assertArrayEquals(Arrays.copyOfRange(data, (int) from, (int) (from + length)), out.toByteArray(),
                            "size " + size + " range " + from + "+" + length + " read-ahead " + readAhead);
                    assertEquals(ChunkLayout.cipherBytes(size, CHUNK, from, length), store.bytesRequested.get(),
                            "fetches exactly the covering segments");
                }
            }
        }
    }

    /** Boundaries of segments and chunks, plus seeded random ranges. */
    static List<long[]> ranges(int size) {
        List<long[]> out = new ArrayList<>();
        long[] points = {0, 1, SEG - 1, SEG, SEG + 1, CHUNK - 1, CHUNK, CHUNK + 1, 2L * CHUNK + 5, size - 1};
        for (long a : points) {
            for (long b : points) {
                if (a < size && b > a && b <= size) {
                    out.add(new long[]{a, b - a});
                }
            }
            if (a < size) {
                out.add(new long[]{a, size - a});
                out.add(new long[]{a, 1});
            }
        }
        Random random = new Random(size);
        for (int i = 0; i < 20; i++) {
            long from = random.nextInt(size);
            out.add(new long[]{from, 1 + random.nextInt((int) (size - from))});
        }
        return out;
    }

    @Test
    void aSmallRangeFetchesAtMostTwoSegmentsMoreThanItNeeds() throws Exception {
        int size = 10 * CHUNK;
        Content content = writer(4).write(new ByteArrayInputStream(random(size, 7)), Long.MAX_VALUE);
        long from = 3L * CHUNK + SEG / 2;
        int length = SEG;
        store.reset();
        reader(2).copy(content, from, length, new ByteArrayOutputStream());
        long fetched = store.bytesRequested.get();
        assertTrue(fetched <= length + 2L * ChunkFormat.CIPHER_SEGMENT_SIZE, "fetched " + fetched);
        assertEquals(2 * ChunkFormat.CIPHER_SEGMENT_SIZE, fetched, "a range straddling one segment boundary reads two segments");
    }

    @Test
    void aQuotaLimitStopsTheWriteAndAbandonsItsChunks() {
        InputStream big = new ByteArrayInputStream(random(3 * CHUNK, 9));
        assertThrows(SizeLimitExceededException.class, () -> writer(2).write(big, CHUNK + 10));
        assertEquals(1, journal.abandoned.size());
        assertEquals(buffers.capacity(), buffers.available(), "every buffer went back to the pool");
    }

    @Test
    void aBrokenInputStreamAbandonsTheWrite() {
        InputStream broken = new InputStream() {
            int left = 2 * CHUNK + 100;

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw new IOException("client went away");
                }
                return 42;
            }
        };
        IOException e = assertThrows(IOException.class, () -> writer(2).write(broken, Long.MAX_VALUE));
        assertEquals("client went away", e.getMessage());
        assertEquals(1, journal.abandoned.size());
        assertEquals(2, journal.stored.size(), "the two full chunks were stored before the failure and are journaled");
        assertEquals(buffers.capacity(), buffers.available());
    }

    @Test
    void readAheadBuffersAllComeBackEvenWhenTheClientGoesAway() throws Exception {
        byte[] data = random(12 * CHUNK, 21);
        Content content = writer(4).write(new ByteArrayInputStream(data), Long.MAX_VALUE);
        BufferPool readAhead = new BufferPool(CHUNK, 3, 0);
        RangeReader reader = new RangeReader(store, key, pool, 3, readAhead);
        for (int attempt = 0; attempt < 20; attempt++) {
            int cutAfter = (attempt + 1) * CHUNK / 2;
            java.io.OutputStream leaving = new java.io.OutputStream() {
                int written;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    written += len;
                    if (written > cutAfter) {
                        throw new IOException("client went away");
                    }
                }
            };
            assertThrows(IOException.class, () -> reader.copy(content, 0, data.length, leaving));
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        reader.copy(content, 0, data.length, whole);
        assertArrayEquals(data, whole.toByteArray(), "reads still work after abandoned ones");
        for (int wait = 0; wait < 100 && readAhead.available() < readAhead.capacity(); wait++) {
            Thread.sleep(50);
        }
        assertEquals(readAhead.capacity(), readAhead.available(), "no read-ahead buffer leaked");
    }

    @Test
    void aDamagedCachedCopyIsDroppedAndTheStoreReadInstead() throws Exception {
        java.nio.file.Path cacheDir = dir.resolve("cache");
        io.attache.store.CachingChunkStore cached = new io.attache.store.CachingChunkStore(store, cacheDir, 100 << 20);
        ChunkWriter cachingWriter = new ChunkWriter(cached, key, buffers, pool, journal, CHUNK, 2);
        byte[] data = random(2 * CHUNK + 5, 13);
        Content content = cachingWriter.write(new ByteArrayInputStream(data), Long.MAX_VALUE);
        try (java.util.stream.Stream<java.nio.file.Path> copies = java.nio.file.Files.list(cacheDir)) {
            for (java.nio.file.Path copy : copies.toList()) {
                byte[] bytes = java.nio.file.Files.readAllBytes(copy);
                bytes[bytes.length / 2] ^= 0x10;
                java.nio.file.Files.write(copy, bytes);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new RangeReader(cached, key, pool, 0, new BufferPool(CHUNK, 8, 0)).copy(content, 0, data.length, out);
        assertArrayEquals(data, out.toByteArray());
        assertEquals(0, cached.cachedBytes(), "the damaged copies were dropped");
    }

    @Test
    void aChunkThatDoesNotAuthenticateIsNeverReturned() throws Exception {
        byte[] data = random(2 * CHUNK, 11);
        Content content = writer(2).write(new ByteArrayInputStream(data), Long.MAX_VALUE);
        Content swapped = new Content(content.contentId(), content.wrappedKey(), content.size(), content.chunkSize(),
                List.of(content.chunks().get(1), content.chunks().get(0)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThrows(IOException.class, () -> reader(0).copy(swapped, 0, data.length, out));
        assertEquals(0, out.size(), "nothing of the first chunk is sent");
    }
}
