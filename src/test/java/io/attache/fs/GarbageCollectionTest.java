package io.attache.fs;

import io.attache.testing.TestServer;
import io.attache.testing.TestDatabase;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collector deletes only what nothing references, whatever races around it. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class GarbageCollectionTest {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    @Test
    void aCopyRacingTheDeleteOfItsSourceNeverLosesChunks() throws Exception {
        Map<String, String> settings = Map.of("chunk-size", "64KiB", "gc-grace", "0s", "trash-retention", "0");
        try (TestServer server = TestServer.start(dir, database.settings(dir, settings)).user("g")) {
            Drive drive = server.attache().files.drive(server.attache().users.find("g").orElseThrow().id());
            int files = 40;
            byte[][] contents = new byte[files][];
            for (int i = 0; i < files; i++) {
                contents[i] = new byte[100_000 + i];
                new Random(i).nextBytes(contents[i]);
                drive.write(DavPath.parse("/src" + i), new ByteArrayInputStream(contents[i]), null);
            }
            ExecutorService pool = Executors.newFixedThreadPool(3);
            AtomicBoolean racing = new AtomicBoolean(true);
            AtomicInteger collected = new AtomicInteger();
            try {
                Future<?> collector = pool.submit(() -> {
                    while (racing.get()) {
                        collected.addAndGet(server.attache().collector.drain(100));
                    }
                    return null;
                });
                List<Future<Boolean>> copies = new ArrayList<>();
                for (int i = 0; i < files; i++) {
                    int n = i;
                    CountDownLatch go = new CountDownLatch(1);
                    copies.add(pool.submit(() -> {
                        go.await();
                        try {
                            drive.copy(DavPath.parse("/src" + n), DavPath.parse("/copy" + n), true, false);
                            return true;
                        } catch (FsException.NotFound lostTheRace) {
                            return false;
                        }
                    }));
                    go.countDown();
                    drive.delete(DavPath.parse("/src" + n));
                }
                int copied = 0;
                for (int i = 0; i < files; i++) {
                    if (copies.get(i).get(30, TimeUnit.SECONDS)) {
                        copied++;
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        OpenFile f = drive.open(DavPath.parse("/copy" + i));
                        f.copyRange(0, f.entry().size(), out);
                        assertArrayEquals(contents[i], out.toByteArray(), "copy " + i + " survived its source's deletion");
                    }
                }
                System.out.println(copied + " of " + files + " copies won the race against the delete of their source");
                racing.set(false);
                collector.get(30, TimeUnit.SECONDS);
                collected.addAndGet(server.attache().collector.drain(Integer.MAX_VALUE));
                // Each source had 2 chunks; those whose copy lost the race are unreferenced now.
                assertEquals(2 * (files - copied), collected.get(), copied + " of " + files + " copies won the race");
                assertEquals(List.of(), new Fsck(server.attache().db).checkMetadata().problems());
                assertEquals(List.of(), new Fsck(server.attache().db)
                        .verifyChunks(server.attache().reader, 1.0, 1, (d, t) -> { }).problems());
            } finally {
                racing.set(false);
                pool.shutdownNow();
            }
        }
    }

    @Test
    void orphansAndInterruptedUploadsAreCollectedAndLiveChunksKept() throws Exception {
        Map<String, String> settings = Map.of("chunk-size", "64KiB", "gc-grace", "0s");
        try (TestServer server = TestServer.start(dir, database.settings(dir, settings)).user("g")) {
            Drive drive = server.attache().files.drive(server.attache().users.find("g").orElseThrow().id());
            byte[] content = new byte[150_000];
            new Random(3).nextBytes(content);
            drive.write(DavPath.parse("/kept"), new ByteArrayInputStream(content), null);
            server.attache().backup.backupNow();
            Path orphan = dir.resolve("store/chunks/ab/abababababababababababababababab");
            Files.createDirectories(orphan.getParent());
            Files.write(orphan, new byte[]{1, 2, 3});
            server.attache().db.write(c -> io.attache.meta.Blobs.recordPack(c, "local:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd", 30,
                    false, List.of(new io.attache.meta.Blobs.Placement(new byte[16], 0, 0, 30, 1)), 0, server.attache().member.id()));
            Path pending = dir.resolve("store/chunks/cd/cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd");
            Files.createDirectories(pending.getParent());
            Files.write(pending, new byte[]{4});

            assertEquals(1, server.attache().collector.recoverAbandonedWrites(Long.MAX_VALUE));
            assertEquals(1, server.attache().collector.collectOrphans(server.attache().backup.snapshotLocators()));
            assertEquals(1, server.attache().collector.drain(10));
            assertTrue(Files.notExists(orphan) && Files.notExists(pending));
            try (Stream<Path> left = Files.walk(dir.resolve("store/chunks"))) {
                int backupChunks = server.attache().backup.snapshotLocators().size();
                assertTrue(backupChunks > 0);
                assertEquals(3 + backupChunks, left.filter(Files::isRegularFile).count(), "the file's 3 chunks and the backup's");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            drive.open(DavPath.parse("/kept")).copyRange(0, content.length, out);
            assertTrue(Arrays.equals(content, out.toByteArray()));
            assertTrue(server.attache().backup.current().isPresent());
        }
    }
    @Test
    void twoCollectorsDrainingAtOnceNeverForgetADeletionQueuedMeanwhile() throws Exception {
        try (io.attache.meta.Database db = database.open(dir)) {
            io.attache.store.StagingStore staging = new io.attache.store.StagingStore(
                    new io.attache.store.local.LocalChunkStore(dir.resolve("store")), dir.resolve("staging"), 1 << 20);
            io.attache.store.Locator first = stage(staging);
            io.attache.store.Locator second = stage(staging);
            db.write(c -> {
                io.attache.meta.DeleteQueue.enqueue(c, first.value(), 0);
                return null;
            });
            long firstId = db.read(c -> io.attache.meta.DeleteQueue.dueStaged(c, 1, "staged:%", 10)).get(0).id();
            long[] secondId = new long[1];
            java.time.Clock clock = java.time.Clock.systemUTC();
            // While one collector deletes the first blob, another (the uploader's and the
            // housekeeper's both drain staging) finishes the same entry, and a deletion is queued.
            io.attache.store.ChunkStore racing = new io.attache.store.ForwardingChunkStore(staging) {
                private boolean raced;

                @Override
                public void deleteAll(java.util.Collection<io.attache.store.Locator> locators)
                        throws io.attache.store.StoreException {
                    if (!raced) {
                        raced = true;
                        try {
                            new ChunkCollector(db, staging, clock, java.time.Duration.ZERO).drainStaged();
                            db.write(c -> {
                                io.attache.meta.DeleteQueue.enqueue(c, second.value(), 0);
                                return null;
                            });
                            secondId[0] = db.read(c -> io.attache.meta.DeleteQueue.dueStaged(c, 1, "staged:%", 10)).get(0).id();
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    super.deleteAll(locators);
                }
            };
            new ChunkCollector(db, racing, clock, java.time.Duration.ZERO).drainStaged();
            if (database == TestDatabase.SQLITE) {
                assertEquals(firstId, secondId[0], "the new entry took the finished one's id: the case this test is about");
            }
            assertEquals(List.of(), staging.listStaged(), "both blobs are deleted, none forgotten");
            assertEquals(0, (long) db.read(io.attache.meta.DeleteQueue::size));
        }
    }

    private static io.attache.store.Locator stage(io.attache.store.StagingStore staging) throws Exception {
        try (io.attache.store.StagingStore.Blob blob = staging.create(100)) {
            blob.write(new byte[100], 0, 100);
            blob.finish();
            return blob.locator();
        }
    }
}
