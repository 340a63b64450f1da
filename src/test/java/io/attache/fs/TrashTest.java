package io.attache.fs;

import io.attache.meta.DeleteQueue;
import io.attache.testing.TestServer;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class TrashTest {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;
    TestServer server;
    Drive drive;
    TrashBin trash;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir, database.settings(dir, Map.of("chunk-size", "64KiB", "gc-grace", "0s", "trash-retention", "7d")))
                .user("t").user("other");
        drive = server.attache().files.drive(server.attache().users.find("t").orElseThrow().id());
        trash = server.attache().trash;
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    void write(String path, String content) throws Exception {
        drive.write(DavPath.parse(path), new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), null);
    }

    String read(String path) throws Exception {
        OpenFile f = drive.open(DavPath.parse(path));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.copyRange(0, f.entry().size(), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    long queued() throws Exception {
        return server.attache().db.read(DeleteQueue::size);
    }

    @Test
    void deletedItemsLeaveTheTreeButKeepTheirChunks() throws Exception {
        drive.mkdir(DavPath.parse("/docs"));
        write("/docs/a.txt", "a".repeat(100_000));
        drive.delete(DavPath.parse("/docs"));
        assertTrue(drive.find(DavPath.parse("/docs")).isEmpty());
        assertEquals(0, queued(), "nothing is collected while it is in the trash");
        assertEquals(100_000, drive.quota().usedBytes(), "trashed content still counts");
        List<TrashBin.Entry> entries = trash.list("t");
        assertEquals(1, entries.size());
        assertEquals("/docs", entries.get(0).originalPath());
        assertTrue(entries.get(0).folder());
        assertEquals(100_000, entries.get(0).sizeBytes());
        assertTrue(trash.list("other").isEmpty());
    }

    @Test
    void restorePutsItBackAndRecreatesMissingFolders() throws Exception {
        drive.mkdir(DavPath.parse("/x"));
        drive.mkdir(DavPath.parse("/x/y"));
        write("/x/y/file.txt", "content");
        drive.delete(DavPath.parse("/x/y/file.txt"));
        drive.delete(DavPath.parse("/x"));
        long fileItem = trash.list("t").get(0).id();
        assertEquals(DavPath.parse("/x/y/file.txt"), trash.restore(fileItem));
        assertEquals("content", read("/x/y/file.txt"));
        assertEquals(1, trash.list("t").size(), "the folder is still in the trash");
    }

    @Test
    void deleteAndRestoreChangeTheEntityTagsOfTheFolders() throws Exception {
        drive.mkdir(DavPath.parse("/keep"));
        write("/keep/f", "f");
        String before = drive.get(DavPath.parse("/keep")).etag();
        drive.delete(DavPath.parse("/keep/f"));
        String deleted = drive.get(DavPath.parse("/keep")).etag();
        String root = drive.get(DavPath.ROOT).etag();
        assertNotEquals(before, deleted);
        trash.restore(trash.list("t").get(0).id());
        assertNotEquals(deleted, drive.get(DavPath.parse("/keep")).etag());
        assertNotEquals(root, drive.get(DavPath.ROOT).etag());
    }

    @Test
    void restoreKeepsTheModificationTime() throws Exception {
        Instant taken = Instant.parse("2019-06-01T12:00:00Z");
        drive.upload(DavPath.parse("/photo.jpg"), new ByteArrayInputStream(new byte[]{1, 2}), new Upload(null, taken, null));
        drive.delete(DavPath.parse("/photo.jpg"));
        trash.restore(trash.list("t").get(0).id());
        assertEquals(taken, drive.get(DavPath.parse("/photo.jpg")).modified());
    }

    @Test
    void restoringOntoATakenNameAddsASuffix() throws Exception {
        write("/report.pdf", "old");
        drive.delete(DavPath.parse("/report.pdf"));
        write("/report.pdf", "new");
        DavPath restored = trash.restore(trash.list("t").get(0).id());
        assertEquals("/report (restored).pdf", restored.toString());
        assertEquals("old", read("/report (restored).pdf"));
        assertEquals("new", read("/report.pdf"));
        assertThrows(FsException.NotFound.class, () -> trash.restore(999));
    }

    @Test
    void trashIdsAreNeverHandedOutTwice() throws Exception {
        write("/a", "a");
        write("/b", "b");
        write("/c", "c");
        drive.delete(DavPath.parse("/a"));
        drive.delete(DavPath.parse("/b"));
        List<TrashBin.Entry> listed = trash.list("t");
        long idOfB = listed.get(1).id();
        trash.restore(idOfB);
        drive.delete(DavPath.parse("/c"));
        long idOfC = trash.list("t").get(1).id();
        assertTrue(idOfC > idOfB, "the newest deletion got " + idOfC + ", a restored item had " + idOfB);
        trash.empty("t");
        drive.delete(DavPath.parse("/b"));
        assertTrue(trash.list("t").get(0).id() > idOfC, "emptying the trash does not bring old ids back either");
        assertThrows(FsException.NotFound.class, () -> trash.restore(idOfB), "an old id names nothing now");
    }

    @Test
    void emptyingDeletesForGoodAndQueuesTheChunks() throws Exception {
        write("/big", "b".repeat(200_000));
        drive.delete(DavPath.parse("/big"));
        assertEquals(1, trash.empty("t"));
        assertEquals(4, queued());
        assertEquals(0, drive.quota().usedBytes());
        assertTrue(trash.list(null).isEmpty());
        assertEquals(0, new Fsck(server.attache().db).checkMetadata().problems().size());
    }

    @Test
    void theRetentionEmptiesOldItemsOnly() throws Exception {
        server.close();
        server = TestServer.start(dir, database.settings(dir, Map.of("chunk-size", "64KiB", "trash-retention", "1s")));
        drive = server.attache().files.drive(server.attache().users.find("t").orElseThrow().id());
        trash = server.attache().trash;
        write("/old", "o");
        drive.delete(DavPath.parse("/old"));
        assertEquals(0, trash.purgeExpired());
        Thread.sleep(1_100);
        write("/recent", "r");
        drive.delete(DavPath.parse("/recent"));
        assertEquals(1, trash.purgeExpired());
        assertEquals("/recent", trash.list("t").get(0).originalPath());
    }

    @Test
    void removingAUserRemovesTheirTrash() throws Exception {
        write("/gone", "g");
        drive.delete(DavPath.parse("/gone"));
        assertEquals(UserService.Removal.PURGED, server.attache().users.remove("t", true));
        assertTrue(trash.list(null).isEmpty());
        assertEquals(0, new Fsck(server.attache().db).checkMetadata().problems().size());
    }
}
