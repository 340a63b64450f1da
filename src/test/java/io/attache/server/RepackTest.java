package io.attache.server;

import io.attache.fs.ChunkCollector;
import io.attache.fs.Fsck;
import io.attache.meta.Packs;
import io.attache.testing.RawHttp;
import io.attache.testing.StallableStore;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Space comes back: a pack whose blobs are all dead is deleted, a sparse one is repacked, and
 * readers running through repacks and deletes always get the right bytes; a pack emptied by a
 * repack waits for the next metadata snapshot before it is deleted.
 */
class RepackTest {

    static final String USER = "r";

    @TempDir
    Path dir;
    TestServer server;
    StallableStore store;
    final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    void start(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("write-back", "on", "chunk-size", "64KiB",
                "pack-linger", "1h", "gc-grace", "0s", "trash-retention", "0", "backup-interval", "0"));
        settings.putAll(extra);
        server = TestServer.start(dir, settings, s -> store = new StallableStore(s)).user(USER);
    }

    RawHttp.Response send(String head, byte[] body) throws Exception {
        return RawHttp.exchange(server.port(), head + " HTTP/1.1\nHost: x\nAuthorization: " + TestServer.basic(USER)
                + "\nContent-Length: " + (body == null ? 0 : body.length) + "\nConnection: close", body);
    }

    /** Stages {@code count} small files and uploads them together: one pack. */
    Map<String, byte[]> onePackOf(String prefix, int count, long seed) throws Exception {
        Map<String, byte[]> files = new HashMap<>();
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            byte[] body = new byte[3_000 + random.nextInt(3_000)];
            random.nextBytes(body);
            files.put("/" + prefix + i, body);
            assertEquals(201, send("PUT /" + prefix + i, body).status());
        }
        int before = store.putSizes.size();
        assertTrue(server.attache().uploader.awaitFlushed(Duration.ofSeconds(30)));
        assertEquals(before + 1, store.putSizes.size(), "one pack");
        return files;
    }

    long packs() throws Exception {
        return server.attache().db.read(c -> Packs.all(c).size());
    }

    int drain() throws Exception {
        return new ChunkCollector(server.attache().db, server.attache().store, Clock.systemUTC(), Duration.ZERO)
                .drain(100);
    }

    @Test
    void aDeadPackIsDeletedAndASparseOneRepacked() throws Exception {
        start(Map.of());
        Map<String, byte[]> all = onePackOf("a", 10, 1);
        Map<String, byte[]> dead = onePackOf("d", 4, 2);
        for (String path : dead.keySet()) {
            assertEquals(204, send("DELETE " + path, null).status());
        }
        assertEquals(1, packs(), "the pack of deleted files is gone from the metadata");
        assertEquals(1, drain(), "and from the store");
        for (int i = 0; i < 8; i++) {
            assertEquals(204, send("DELETE /a" + i, null).status());
        }
        assertEquals(1, server.attache().repacker.repack(10));
        assertEquals(1, drain(), "the sparse pack is deleted once its two live blobs moved");
        assertEquals(1, packs());
        for (int i = 8; i < 10; i++) {
            assertArrayEquals(all.get("/a" + i), send("GET /a" + i, null).body());
        }
        assertEquals(0, server.attache().repacker.repack(10), "the new pack is all live");
        assertEquals(List.of(), new Fsck(server.attache().db).checkMetadata().problems());
    }

    @Test
    void readersThroughRepacksAndDeletesAlwaysGetTheRightBytes() throws Exception {
        start(Map.of());
        Map<String, byte[]> kept = new HashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        List<Future<?>> readers = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            Map<String, byte[]> files = onePackOf("r" + round + "-", 8, round);
            for (int i = 0; i < 6; i++) {
                assertEquals(204, send("DELETE /r" + round + "-" + i, null).status());
            }
            kept.put("/r" + round + "-6", files.get("/r" + round + "-6"));
            kept.put("/r" + round + "-7", files.get("/r" + round + "-7"));
            if (round == 0) {
                for (int t = 0; t < 3; t++) {
                    readers.add(pool.submit(() -> {
                        while (running.get()) {
                            for (Map.Entry<String, byte[]> e : new HashMap<>(kept).entrySet()) {
                                RawHttp.Response r = send("GET " + e.getKey(), null);
                                assertEquals(200, r.status(), e.getKey());
                                assertArrayEquals(e.getValue(), r.body(), e.getKey());
                                reads.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
            }
            assertTrue(server.attache().repacker.repack(10) >= 1);
            drain();
        }
        Thread.sleep(200);
        running.set(false);
        for (Future<?> reader : readers) {
            reader.get(30, TimeUnit.SECONDS);
        }
        assertTrue(reads.get() > 20, "readers read " + reads.get() + " times");
        assertEquals(List.of(), new Fsck(server.attache().db).checkMetadata().problems());
    }

    @Test
    void aReadThatResolvedTheOldPackFindsTheBlobInItsNewOne() throws Exception {
        start(Map.of());
        Map<String, byte[]> files = onePackOf("m", 5, 4);
        for (int i = 0; i < 4; i++) {
            assertEquals(204, send("DELETE /m" + i, null).status());
        }
        io.attache.fs.Drive drive = server.attache().files.drive(server.attache().users.find(USER).orElseThrow().id());
        io.attache.fs.OpenFile open = drive.open(io.attache.fs.DavPath.parse("/m4"));
        assertEquals(1, server.attache().repacker.repack(10));
        assertEquals(1, drain(), "the pack the read resolved is gone");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        open.copyRange(0, files.get("/m4").length, out);
        assertArrayEquals(files.get("/m4"), out.toByteArray());
    }

    @Test
    void aRepackedPackWaitsForTheNextMetadataSnapshot() throws Exception {
        start(Map.of("backup-interval", "6h"));
        onePackOf("b", 6, 3);
        for (int i = 0; i < 5; i++) {
            assertEquals(204, send("DELETE /b" + i, null).status());
        }
        assertEquals(1, server.attache().repacker.repack(10));
        assertEquals(0, drain(), "held: the last snapshot may still name it");
        server.attache().backup.backupNow();
        assertEquals(1, drain());
    }
}
