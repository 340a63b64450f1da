package io.attache.pipeline;

import io.attache.crypto.AuthenticationFailedException;
import io.attache.crypto.ChunkFormat;
import io.attache.crypto.MasterKey;
import io.attache.store.ChunkStore;
import io.attache.store.ForwardingChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;
import io.attache.store.local.LocalChunkStore;
import io.attache.testing.StallableStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Write-through packing: short last chunks of concurrent writes share packs; each blob in a pack
 * keeps the chunk format's guarantees; a range read inside a packed file fetches only its
 * segments; a failed pack fails every write in it.
 */
class PackerTest {

    static final int SEG = ChunkFormat.SEGMENT_SIZE;
    static final int CHUNK = 4 * SEG;

    @TempDir
    Path dir;
    StallableStore store;
    CountingStore counting;
    ExecutorService pool;
    MasterKey key;
    PipelineTest.Journal journal;
    Packer packer;

    @BeforeEach
    void setUp() throws IOException {
        counting = new CountingStore(new LocalChunkStore(dir));
        store = new StallableStore(counting);
        pool = Executors.newFixedThreadPool(24);
        key = MasterKey.of(MasterKey.generateRaw(new SecureRandom()));
        journal = new PipelineTest.Journal();
        packer = new Packer(store, journal, new BufferPool(ChunkFormat.cipherChunkSize(CHUNK), 3, 0), 2);
    }

    @AfterEach
    void tearDown() {
        packer.close();
        pool.shutdownNow();
    }

    ChunkWriter writer() {
        return new ChunkWriter(store, key, new BufferPool(ChunkFormat.cipherChunkSize(CHUNK), 24, 10_000), pool, journal,
                CHUNK, 2, packer, CHUNK - 1);
    }

    RangeReader reader() {
        return new RangeReader(store, key, pool, 0, new BufferPool(CHUNK, 2, 0));
    }

    byte[] read(Content content, long from, long length) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        reader().copy(content, from, length, out);
        return out.toByteArray();
    }

    private void awaitAdded(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (packer.added() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + packer.added() + " blobs reached the packer");
            Thread.sleep(5);
        }
    }

    @Test
    void concurrentSmallWritesShareAPack() throws Exception {
        ChunkWriter writer = writer();
        store.stall();
        List<byte[]> bodies = new ArrayList<>();
        List<Future<Content>> writes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] body = PipelineTest.random(1_000 + 37 * i, i);
            bodies.add(body);
            writes.add(pool.submit(() -> writer.write(new ByteArrayInputStream(body), Long.MAX_VALUE)));
        }
        awaitAdded(20);
        store.resume();
        Set<String> packs = new HashSet<>();
        for (int i = 0; i < writes.size(); i++) {
            Content content = writes.get(i).get(30, TimeUnit.SECONDS);
            packs.add(content.chunks().get(0).locator());
            assertArrayEquals(bodies.get(i), read(content, 0, content.size()));
        }
        assertTrue(store.putSizes.size() <= 3, "20 writes, " + store.putSizes.size() + " packs: " + store.putSizes);
        assertEquals(packs.size(), store.putSizes.size());
        assertEquals(store.putSizes.size(), journal.stored.size(), "every pack is journaled once");
    }

    @Test
    void aLargeFileKeepsWholeChunksAloneAndPacksItsTail() throws Exception {
        byte[] body = PipelineTest.random(CHUNK * 7 / 2, 9);
        Content content = writer().write(new ByteArrayInputStream(body), Long.MAX_VALUE);
        assertEquals(4, content.chunks().size());
        assertEquals(List.of(ChunkFormat.cipherChunkSize(CHUNK), ChunkFormat.cipherChunkSize(CHUNK),
                ChunkFormat.cipherChunkSize(CHUNK), ChunkFormat.cipherChunkSize(CHUNK / 2)), store.putSizes.stream().sorted(
                        (a, b) -> b - a).toList());
        assertArrayEquals(body, read(content, 0, body.length));
        long from = 3L * CHUNK - 100;
        assertArrayEquals(Arrays.copyOfRange(body, (int) from, (int) from + 5_000), read(content, from, 5_000));
    }

    @Test
    void aRangeInsideAPackedFileFetchesOnlyItsSegmentsInOneRequest() throws Exception {
        ChunkWriter writer = writer();
        store.stall();
        Future<Content> neighbour = pool.submit(() -> writer.write(new ByteArrayInputStream(new byte[50_000]), Long.MAX_VALUE));
        byte[] body = PipelineTest.random(3 * SEG + 10, 4);
        Future<Content> packed = pool.submit(() -> writer.write(new ByteArrayInputStream(body), Long.MAX_VALUE));
        store.awaitStalled(1);
        awaitAdded(2);
        store.resume();
        Content content = packed.get(10, TimeUnit.SECONDS);
        neighbour.get(10, TimeUnit.SECONDS);
        counting.reset();
        byte[] got = read(content, SEG + 5, SEG);
        assertArrayEquals(Arrays.copyOfRange(body, SEG + 5, 2 * SEG + 5), got);
        assertEquals(1, counting.opens.get());
        assertEquals(2L * ChunkFormat.CIPHER_SEGMENT_SIZE, counting.bytesRequested.get(), "two segments, nothing else");
    }

    @Test
    void aBlobMovedInItsPackOrToAnotherContentsPlaceIsRejected() throws Exception {
        // One storing thread, busy with a first pack while the two writes fill the next one together.
        packer.close();
        packer = new Packer(store, journal, new BufferPool(ChunkFormat.cipherChunkSize(CHUNK), 2, 0), 1);
        ChunkWriter writer = writer();
        store.stall();
        Future<Content> first = pool.submit(() -> writer.write(new ByteArrayInputStream(new byte[10]), Long.MAX_VALUE));
        store.awaitStalled(1);
        byte[] a = PipelineTest.random(5_000, 1);
        byte[] b = PipelineTest.random(5_000, 2);
        Future<Content> fa = pool.submit(() -> writer.write(new ByteArrayInputStream(a), Long.MAX_VALUE));
        Future<Content> fb = pool.submit(() -> writer.write(new ByteArrayInputStream(b), Long.MAX_VALUE));
        awaitAdded(3);
        store.resume();
        first.get(10, TimeUnit.SECONDS);
        Content ca = fa.get(10, TimeUnit.SECONDS);
        Content cb = fb.get(10, TimeUnit.SECONDS);
        assertEquals(ca.chunks().get(0).locator(), cb.chunks().get(0).locator(), "both in one pack");
        // A's metadata pointing at B's blob (same length, same pack): B's bytes are bound to B's content id.
        Content swapped = new Content(ca.contentId(), ca.wrappedKey(), ca.size(), ca.chunkSize(),
                List.of(new Content.StoredChunk(cb.chunks().get(0).locator(), cb.chunks().get(0).offset(), 5_000)));
        assertThrows(AuthenticationFailedException.class, () -> read(swapped, 0, 5_000));
        // Shifted by one segment's worth inside the pack: not a blob boundary at all.
        Content shifted = new Content(ca.contentId(), ca.wrappedKey(), ca.size(), ca.chunkSize(),
                List.of(new Content.StoredChunk(ca.chunks().get(0).locator(), ca.chunks().get(0).offset() + 1, 5_000)));
        assertThrows(IOException.class, () -> read(shifted, 0, 5_000));
        assertArrayEquals(a, read(ca, 0, a.length));
    }

    @Test
    void aPackThatCannotBeStoredFailsEveryWriteInItAndRecordsNothing() throws Exception {
        ChunkWriter writer = writer();
        store.fail(new StoreException.Permanent("refused"));
        List<Future<Content>> writes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            writes.add(pool.submit(() -> writer.write(new ByteArrayInputStream(new byte[100]), Long.MAX_VALUE)));
        }
        for (Future<Content> w : writes) {
            Exception e = assertThrows(java.util.concurrent.ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof StoreException.Permanent, e.toString());
        }
        assertEquals(List.of(), journal.stored);
        assertEquals(5, journal.abandoned.size());
    }
}
