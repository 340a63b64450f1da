package io.attache.server;

import io.attache.fs.Fsck;
import io.attache.meta.Packs;
import io.attache.store.StoreException;
import io.attache.testing.RawHttp;
import io.attache.testing.StallableStore;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Write-back on a real server whose store can be stalled or failed: a PUT is acknowledged from
 * staging, read back at once by every method while staged, uploaded later (packed), survives a
 * restart, never uploads what was overwritten before the upload, waits for room when staging is
 * full, and keeps everything while the store fails.
 */
class WriteBackTest {

    static final String USER = "w";
    static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;
    TestServer server;
    StallableStore store;
    final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        if (store != null) {
            store.resume();
        }
        if (server != null) {
            server.close();
        }
    }

    void start(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("write-back", "on", "chunk-size", "64KiB",
                "pack-linger", "1h", "gc-grace", "0s", "trash-retention", "0"));
        settings.putAll(extra);
        server = TestServer.start(dir, settings, s -> store = new StallableStore(s));
        if (server.attache().users.find(USER).isEmpty()) {
            server.user(USER);
        }
    }

    RawHttp.Response send(String head, byte[] body) throws Exception {
        return RawHttp.exchange(server.port(), head + "\nHost: x\nAuthorization: " + TestServer.basic(USER)
                + "\nContent-Length: " + (body == null ? 0 : body.length) + "\nConnection: close", body);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    Packs.StagedSummary staged() throws Exception {
        return server.attache().db.read(Packs::stagedSummary);
    }

    /** Staged copies go once their upload committed, a moment after the database says so. */
    void awaitStagingEmpty() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stagingFiles() > 0) {
            assertTrue(System.nanoTime() < deadline, stagingFiles() + " staged files left");
            Thread.sleep(20);
        }
    }

    long stagingFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("staging"))) {
            return files.count();
        }
    }

    void flush() throws Exception {
        assertTrue(server.attache().uploader.awaitFlushed(Duration.ofSeconds(30)), "staging drained");
    }

    @Test
    void aStagedFileIsReadBackAtOnceByEveryMethodAndUploadedLaterInPacks() throws Exception {
        start(Map.of());
        store.stall();
        byte[] big = random(3 * CHUNK + 1_000, 1);
        byte[] small = random(2_000, 2);
        assertEquals(201, send("PUT /big.bin HTTP/1.1", big).status());
        assertEquals(201, send("PUT /small.txt HTTP/1.1", small).status());
        assertEquals(5, staged().packs(), "three whole chunks and two short blobs, all still staged");

        assertArrayEquals(big, send("GET /big.bin HTTP/1.1", null).body());
        RawHttp.Response range = send("GET /big.bin HTTP/1.1\nRange: bytes=70000-139999", null);
        assertEquals(206, range.status());
        assertArrayEquals(Arrays.copyOfRange(big, 70_000, 140_000), range.body());
        RawHttp.Response propfind = send("PROPFIND /small.txt HTTP/1.1\nDepth: 0", null);
        assertEquals(207, propfind.status());
        assertTrue(propfind.text().contains("<D:getcontentlength>2000</D:getcontentlength>"), propfind.text());
        assertEquals("2000", send("HEAD /small.txt HTTP/1.1", null).header("Content-Length"));
        assertEquals(0, store.putSizes.size(), "nothing reached the store yet");

        store.resume();
        flush();
        assertEquals(0, staged().packs());
        awaitStagingEmpty();
        assertEquals(4, store.putSizes.size(), "three whole chunks alone, the two short blobs in one pack: " + store.putSizes);
        assertArrayEquals(big, send("GET /big.bin HTTP/1.1", null).body());
        assertArrayEquals(small, send("GET /small.txt HTTP/1.1", null).body());
        assertEquals(List.of(), new Fsck(server.attache().db).checkMetadata().problems());
    }

    @Test
    void contentOverwrittenOrDeletedBeforeItsUploadIsNeverUploaded() throws Exception {
        start(Map.of());
        store.stall();
        byte[] first = random(30_000, 3);
        byte[] second = random(20_000, 4);
        assertEquals(201, send("PUT /a HTTP/1.1", first).status());
        assertEquals(204, send("PUT /a HTTP/1.1", second).status());
        assertEquals(201, send("PUT /gone HTTP/1.1", random(25_000, 5)).status());
        assertEquals(204, send("DELETE /gone HTTP/1.1", null).status());
        store.resume();
        flush();
        assertEquals(1, store.putSizes.size());
        assertEquals(1 + 20_000 + 28, store.putSizes.get(0), "only the live blob of /a was uploaded");
        assertArrayEquals(second, send("GET /a HTTP/1.1", null).body());
        awaitStagingEmpty();
    }

    @Test
    void stagedContentSurvivesARestartAndIsUploadedAfterIt() throws Exception {
        start(Map.of());
        store.stall();
        byte[] body = random(2 * CHUNK + 5, 6);
        assertEquals(201, send("PUT /kept HTTP/1.1", body).status());
        server.close();
        server = null;
        assertTrue(stagingFiles() >= 1);

        start(Map.of());
        assertArrayEquals(body, send("GET /kept HTTP/1.1", null).body(), "served from staging after the restart");
        flush();
        awaitStagingEmpty();
        assertArrayEquals(body, send("GET /kept HTTP/1.1", null).body());
        assertEquals(List.of(), new Fsck(server.attache().db).checkMetadata().problems());
    }

    @Test
    void withStagingFullAndTheStoreStalledPutsWaitAndCompleteOnceItRecovers() throws Exception {
        long max = 3 * (1 + CHUNK + 28);
        start(Map.of("staging-size", String.valueOf(max)));
        store.stall();
        List<byte[]> bodies = List.of(random(4 * CHUNK, 7), random(3 * CHUNK + 77, 8), random(500, 9));
        List<Future<Integer>> puts = new java.util.ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            byte[] body = bodies.get(i);
            String name = "/p" + i;
            puts.add(pool.submit(() -> send("PUT " + name + " HTTP/1.1", body).status()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            assertTrue(server.attache().staging.usedBytes() <= max, "staging holds " + server.attache().staging.usedBytes());
            Thread.sleep(20);
        }
        assertTrue(puts.stream().anyMatch(f -> !f.isDone()), "some PUT waits for room");
        store.resume();
        for (Future<Integer> put : puts) {
            assertEquals(201, put.get(60, TimeUnit.SECONDS));
        }
        for (int i = 0; i < bodies.size(); i++) {
            assertArrayEquals(bodies.get(i), send("GET /p" + i + " HTTP/1.1", null).body());
        }
        flush();
        assertEquals(List.of(), new Fsck(server.attache().db).checkMetadata().problems());
    }

    @Test
    void aMetadataBackupWaitsUntilStagedContentIsInTheStoreAndNamesNoStagedBlob() throws Exception {
        start(Map.of());
        store.stall();
        byte[] body = random(CHUNK + 500, 11);
        assertEquals(201, send("PUT /backed-up HTTP/1.1", body).status());
        Future<?> backup = pool.submit(() -> server.attache().backup.backupNow());
        store.awaitStalled(1);
        assertFalse(backup.isDone(), "the backup waits for the uploads");
        store.resume();
        backup.get(60, TimeUnit.SECONDS);
        Path restored = dir.resolve("restored.db");
        io.attache.fs.MetadataBackup.restoreNewest(server.attache().store, server.attache().masterKey,
                server.attache().reader, restored);
        try (io.attache.meta.Database db = io.attache.meta.Database.open(restored, false)) {
            assertEquals(0, db.read(Packs::committedStaged), "the snapshot names only stored packs");
            assertEquals(List.of(), new Fsck(db).checkMetadata().problems());
        }
    }

    @Test
    void aFailingStoreNeverCostsStagedContentAndTheFailureIsVisible() throws Exception {
        start(Map.of("store-retry-time", "1s"));
        store.fail(new StoreException.Retryable("the store is down"));
        byte[] body = random(CHUNK + 10, 10);
        assertEquals(201, send("PUT /f HTTP/1.1", body).status());
        server.attache().uploader.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (staged().attempts() < 2) {
            assertTrue(System.nanoTime() < deadline, "two failed attempts recorded");
            Thread.sleep(50);
        }
        Packs.StagedSummary s = staged();
        assertNotNull(s.lastError());
        assertTrue(s.lastError().contains("the store is down"), s.lastError());
        assertEquals(2, s.packs(), "everything still staged");
        assertArrayEquals(body, send("GET /f HTTP/1.1", null).body());
        store.fail(null);
        flush();
        assertArrayEquals(body, send("GET /f HTTP/1.1", null).body());
        assertFalse(store.putSizes.isEmpty());
    }
}
