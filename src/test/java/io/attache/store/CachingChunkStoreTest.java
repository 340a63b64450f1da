package io.attache.store;

import io.attache.store.local.LocalChunkStore;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CachingChunkStoreTest extends ChunkStoreContractTest {

    /** Counts the reads that reach the store behind the cache. */
    static final class Counting extends ForwardingChunkStore {
        final AtomicInteger opens = new AtomicInteger();

        Counting(ChunkStore delegate) {
            super(delegate);
        }

        @Override
        public InputStream open(Locator l, long off, long len) throws StoreException {
            opens.incrementAndGet();
            return super.open(l, off, len);
        }
    }

    @Override
    protected ChunkStore createStore(Path dir) throws Exception {
        return new CachingChunkStore(new LocalChunkStore(dir.resolve("inner")), dir.resolve("cache"), 1 << 20);
    }

    @Test
    void uploadsAreServedFromTheCache() throws Exception {
        Counting inner = new Counting(new LocalChunkStore(tempDir.resolve("inner2")));
        CachingChunkStore cache = new CachingChunkStore(inner, tempDir.resolve("cache2"), 10 << 20);
        byte[] data = randomBytes(100_000);
        Locator locator = cache.put(randomName(), data, 0, data.length);
        assertArrayEquals(Arrays.copyOfRange(data, 500, 1_500), readAll(cache.open(locator, 500, 1_000)));
        assertEquals(0, inner.opens.get());
        assertEquals(100_000, cache.cachedBytes());
    }

    @Test
    void aWholeChunkReadIsCachedAndAShortOneIsNot() throws Exception {
        Counting inner = new Counting(new LocalChunkStore(tempDir.resolve("inner3")));
        byte[] big = randomBytes(2 << 20);
        byte[] small = randomBytes(2 << 20);
        Locator bigLocator = inner.put(randomName(), big, 0, big.length);
        Locator smallLocator = inner.put(randomName(), small, 0, small.length);
        CachingChunkStore cache = new CachingChunkStore(inner, tempDir.resolve("cache3"), 10 << 20);

        assertArrayEquals(Arrays.copyOfRange(small, 1_000, 2_000), readAll(cache.open(smallLocator, 1_000, 1_000)));
        assertArrayEquals(Arrays.copyOfRange(small, 1_000, 2_000), readAll(cache.open(smallLocator, 1_000, 1_000)));
        assertEquals(2, inner.opens.get(), "a seek is not turned into a whole download");

        assertArrayEquals(Arrays.copyOfRange(big, 1, big.length), readAll(cache.open(bigLocator, 1, big.length - 1)));
        int afterFirst = inner.opens.get();
        assertArrayEquals(Arrays.copyOfRange(big, 1, big.length), readAll(cache.open(bigLocator, 1, big.length - 1)));
        assertArrayEquals(Arrays.copyOfRange(big, 5, 10), readAll(cache.open(bigLocator, 5, 5)));
        assertEquals(afterFirst, inner.opens.get(), "later reads of a cached chunk stay local");
    }

    @Test
    void theLeastRecentlyUsedChunksAreEvictedAndTheIndexSurvivesARestart() throws Exception {
        Path cacheDir = tempDir.resolve("cache4");
        LocalChunkStore local = new LocalChunkStore(tempDir.resolve("inner4"));
        CachingChunkStore cache = new CachingChunkStore(local, cacheDir, 250_000);
        Locator a = cache.put(randomName(), randomBytes(100_000), 0, 100_000);
        Thread.sleep(20);
        Locator b = cache.put(randomName(), randomBytes(100_000), 0, 100_000);
        Thread.sleep(20);
        readAll(cache.open(a, 0, 10));
        Thread.sleep(20);
        cache.put(randomName(), randomBytes(100_000), 0, 100_000);
        assertEquals(200_000, cache.cachedBytes(), "b, the least recently used, went");
        try (java.util.stream.Stream<Path> files = Files.list(cacheDir)) {
            assertEquals(2, files.count());
        }
        Counting inner = new Counting(local);
        CachingChunkStore reopened = new CachingChunkStore(inner, cacheDir, 250_000);
        assertEquals(200_000, reopened.cachedBytes());
        readAll(reopened.open(a, 0, 10));
        assertEquals(0, inner.opens.get(), "a is still cached after the restart");
        readAll(reopened.open(b, 0, 10));
        assertEquals(1, inner.opens.get());
    }

    @Test
    void aCopyReportedCorruptIsDroppedAndTheOriginalRead() throws Exception {
        Counting inner = new Counting(new LocalChunkStore(tempDir.resolve("inner5")));
        Path cacheDir = tempDir.resolve("cache5");
        CachingChunkStore cache = new CachingChunkStore(inner, cacheDir, 10 << 20);
        byte[] data = randomBytes(50_000);
        Locator locator = cache.put(randomName(), data, 0, data.length);
        try (java.util.stream.Stream<Path> files = Files.list(cacheDir)) {
            Path copy = files.findFirst().orElseThrow();
            byte[] damaged = Files.readAllBytes(copy);
            damaged[100] ^= 1;
            Files.write(copy, damaged);
        }
        cache.reportCorrupt(locator);
        assertArrayEquals(data, readAll(cache.open(locator, 0, data.length)));
        assertEquals(1, inner.opens.get());
        assertTrue(cache.cachedBytes() == 0);
    }
}
