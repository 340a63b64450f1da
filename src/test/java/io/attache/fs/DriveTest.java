package io.attache.fs;

import io.attache.testing.TestServer;
import io.attache.meta.DeleteQueue;
import io.attache.testing.TestDatabase;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file system service on a real database and store: transactions, sharing and concurrency. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class DriveTest {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;
    TestServer server;
    Drive drive;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir, database.settings(dir, Map.of("chunk-size", "64KiB", "gc-grace", "0s", "trash-retention", "0"))).user("u");
        long id = server.attache().users.find("u").orElseThrow().id();
        drive = server.attache().files.drive(id);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    static DavPath path(String p) throws FsException {
        return DavPath.parse(p);
    }

    byte[] read(String p) throws Exception {
        OpenFile f = drive.open(path(p));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.copyRange(0, f.entry().size(), out);
        return out.toByteArray();
    }

    void write(String p, String content) throws Exception {
        drive.write(path(p), new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), null);
    }

    long queued() throws Exception {
        return server.attache().db.read(DeleteQueue::size);
    }

    @Test
    void aListingComesInPagesThatSayWhetherMoreFollow() throws Exception {
        drive.mkdir(path("/d"));
        drive.mkdir(path("/d/b"));
        for (String name : List.of("a", "c", "d", "e")) {
            write("/d/" + name, name);
        }
        drive.patch(path("/d/c"), new PropertyPatch(List.of(new PropertyPatch.Operation("urn:x", "tag", "red")), null));
        Entry folder = drive.get(path("/d"));
        List<String> names = new ArrayList<>();
        List<Boolean> more = new ArrayList<>();
        String after = null;
        do {
            Drive.Page page = drive.list(folder, after, 2, true);
            page.entries().forEach(e -> names.add(e.name() + (e.folder() ? "/" : "")
                    + (page.properties().containsKey(e.id()) ? "*" : "")));
            more.add(page.more());
            after = page.more() ? page.last() : null;
        } while (after != null);
        assertEquals(List.of("a", "b/", "c*", "d", "e"), names);
        assertEquals(List.of(true, true, false), more, "5 children in pages of 2");
        drive.delete(path("/d/e"));
        Drive.Page second = drive.list(folder, "b", 2, false);
        assertEquals(List.of("c", "d"), second.entries().stream().map(Entry::name).toList());
        assertEquals(false, second.more(), "4 children: the second full page is the last");
        assertTrue(second.properties().isEmpty(), "properties only when asked for");
        assertThrows(FsException.NotAllowed.class, () -> drive.list(drive.get(path("/d/a")), null, 2, false));
    }

    @Test
    void aCopySharesChunksUntilTheLastReferenceGoes() throws Exception {
        write("/a", "x".repeat(200_000));
        drive.copy(path("/a"), path("/b"), true, false);
        assertEquals(0, queued());
        drive.delete(path("/a"));
        assertEquals(0, queued(), "the copy still references the chunks");
        assertEquals("x".repeat(200_000), new String(read("/b"), StandardCharsets.UTF_8));
        drive.delete(path("/b"));
        assertEquals(4, queued(), "200,000 bytes in 64 KiB chunks: 4 chunks, now unreferenced");
        assertEquals(4, server.attache().collector.drain(10));
        assertEquals(0, queued());
    }

    @Test
    void overwritingQueuesTheOldChunksAndAccountsUsage() throws Exception {
        write("/f", "a".repeat(100_000));
        assertEquals(100_000, drive.quota().usedBytes());
        write("/f", "b".repeat(10));
        assertEquals(10, drive.quota().usedBytes());
        assertEquals(2, queued());
        drive.copy(path("/f"), path("/g"), true, true);
        assertEquals(20, drive.quota().usedBytes());
    }

    /** The entry a write answers with (its ETag, dates, type, checksums) is the one a later read finds. */
    @Test
    void aWriteAnswersWithTheEntryAReadFindsAfterIt() throws Exception {
        Upload typed = new Upload("text/plain", java.time.Instant.ofEpochSecond(1_700_000_000, 123_000_000),
                Checksums.parse("SHA1:" + java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-1").digest("one".getBytes(StandardCharsets.UTF_8)))));
        WriteResult created = drive.upload(path("/e"), new ByteArrayInputStream("one".getBytes(StandardCharsets.UTF_8)),
                typed);
        assertTrue(created.created());
        assertEquals(drive.get(path("/e")), created.entry());
        assertTrue(created.entry().checksums().contains("SHA1:"), created.entry().checksums());
        WriteResult replaced = drive.upload(path("/e"), new ByteArrayInputStream(new byte[70_000]), Upload.of(null));
        assertEquals(false, replaced.created());
        assertEquals(drive.get(path("/e")), replaced.entry());
        assertEquals(created.entry().created(), replaced.entry().created());
        assertEquals(70_000, drive.quota().usedBytes());
    }

    @Test
    void anUploadTargetSaysWhatIsThereAndWhyNotAndItsRefusalEndsAsAFailedTransfer() throws Exception {
        server.attache().users.setQuota("u", 1000L);
        write("/f", "a".repeat(100));
        Drive.UploadTarget existing = drive.uploadTarget(path("/f"));
        assertEquals(100, existing.current().orElseThrow().size());
        assertEquals(1000, existing.room(), "the quota's room, counting the bytes the new version replaces");
        assertEquals(null, existing.refusal());

        Drive.UploadTarget orphan = drive.uploadTarget(path("/missing/g"));
        assertTrue(orphan.current().isEmpty());
        assertTrue(orphan.refusal() instanceof FsException.Conflict, String.valueOf(orphan.refusal()));
        assertTrue(drive.uploadTarget(path("/f/g")).refusal() instanceof FsException.Conflict);
        assertTrue(drive.uploadTarget(path("/")).refusal() instanceof FsException.NotAllowed);

        assertThrows(FsException.Conflict.class, () -> drive.upload(path("/missing/g"),
                new ByteArrayInputStream(new byte[]{1}), Upload.of(null), orphan));
        Transfers.View last = server.attache().files.transfers().of(drive.userId()).get(0);
        assertEquals("/missing/g", last.path());
        assertEquals(Transfers.View.FAILED, last.state());
        assertTrue(drive.find(path("/missing")).isEmpty());
        assertEquals(100, drive.quota().usedBytes());
    }

    @Test
    void aQuotaRefusesWhatDoesNotFitAndKeepsTheOldContent() throws Exception {
        server.attache().users.setQuota("u", 1000L);
        write("/small", "s".repeat(600));
        assertThrows(FsException.InsufficientStorage.class, () -> write("/big", "b".repeat(500)));
        assertThrows(FsException.InsufficientStorage.class, () -> drive.copy(path("/small"), path("/copy"), true, false));
        write("/small", "t".repeat(900));
        assertEquals("t".repeat(900), new String(read("/small"), StandardCharsets.UTF_8));
        assertTrue(drive.find(path("/big")).isEmpty());
    }

    @Test
    void concurrentDuplicateFoldersGiveOneCreationAndTheRestRefused() throws Exception {
        List<Callable<String>> tasks = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            tasks.add(() -> {
                go.await();
                try {
                    drive.mkdir(path("/race"));
                    return "created";
                } catch (FsException.AlreadyExists e) {
                    return "exists";
                }
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (Callable<String> t : tasks) {
                results.add(pool.submit(t));
            }
            go.countDown();
            int created = 0;
            for (Future<String> f : results) {
                created += f.get(30, TimeUnit.SECONDS).equals("created") ? 1 : 0;
            }
            assertEquals(1, created);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentWritesToOnePathEndWithOneCompleteVersion() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                char fill = (char) ('a' + i);
                writes.add(pool.submit(() -> {
                    write("/contested", String.valueOf(fill).repeat(300_000));
                    return null;
                }));
            }
            for (Future<?> f : writes) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        String content = new String(read("/contested"), StandardCharsets.UTF_8);
        assertEquals(300_000, content.length());
        assertEquals(String.valueOf(content.charAt(0)).repeat(300_000), content, "one writer's bytes, never a mix");
        assertEquals(300_000, drive.quota().usedBytes());
        assertEquals(5 * 5, queued(), "the five replaced versions' chunks are queued");
    }

    @Test
    void moveIntoItsOwnSubtreeIsForbiddenAndChangesNothing() throws Exception {
        drive.mkdir(path("/p"));
        drive.mkdir(path("/p/q"));
        assertThrows(FsException.Forbidden.class, () -> drive.move(path("/p"), path("/p/q/p"), true));
        assertThrows(FsException.Forbidden.class, () -> drive.move(path("/p/q"), path("/p"), true));
        assertTrue(drive.find(path("/p/q")).isPresent());
    }
}
