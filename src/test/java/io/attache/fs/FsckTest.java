package io.attache.fs;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fsck finds what is wrong, and only that. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class FsckTest {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;
    TestServer server;
    Fsck fsck;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir, database.settings(dir, Map.of("chunk-size", "64KiB"))).user("f");
        Drive drive = server.attache().files.drive(server.attache().users.find("f").orElseThrow().id());
        drive.mkdir(DavPath.parse("/d"));
        byte[] content = new byte[300_000];
        new Random(1).nextBytes(content);
        drive.write(DavPath.parse("/d/a.bin"), new ByteArrayInputStream(content), null);
        drive.copy(DavPath.parse("/d/a.bin"), DavPath.parse("/copy.bin"), true, false);
        drive.write(DavPath.parse("/empty"), new ByteArrayInputStream(new byte[0]), null);
        fsck = new Fsck(server.attache().db);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    List<String> verified() throws Exception {
        return fsck.verifyChunks(server.attache().reader, 1.0, 1, (done, total) -> { }).problems();
    }

    void sql(String statement) throws Exception {
        server.attache().db.write(c -> c.createStatement().executeUpdate(statement));
    }

    @Test
    void aHealthyDriveIsClean() throws Exception {
        Fsck.Report report = fsck.checkMetadata();
        assertEquals(List.of(), report.problems());
        assertEquals(5, report.chunks() + 0, "300,000 bytes in 64 KiB chunks, shared by the copy");
        assertEquals(List.of(), verified());
    }

    @Test
    void aWrongReferenceCountIsFound() throws Exception {
        sql("UPDATE version SET ref_count = 1 WHERE size = 300000");
        assertTrue(fsck.checkMetadata().problems().stream().anyMatch(p -> p.contains("reference count")));
    }

    @Test
    void aWrongUsageTotalIsFound() throws Exception {
        sql("UPDATE app_user SET used_bytes = 5");
        assertTrue(fsck.checkMetadata().problems().stream().anyMatch(p -> p.contains("usage")));
    }

    @Test
    void aMissingChunkRowIsFound() throws Exception {
        sql("DELETE FROM blob WHERE idx = 2");
        assertTrue(fsck.checkMetadata().problems().stream().anyMatch(p -> p.contains("chunks holding")));
    }

    @Test
    void aQueuedDeletionOfALiveChunkIsFound() throws Exception {
        sql("INSERT INTO delete_queue (locator, enqueued_at, next_attempt_at) SELECT locator, 0, 0 FROM pack LIMIT 1");
        assertTrue(fsck.checkMetadata().problems().stream().anyMatch(p -> p.contains("queued for deletion")));
    }

    @Test
    void aDamagedOrMissingChunkFileIsFoundByVerification() throws Exception {
        List<Path> chunks;
        try (Stream<Path> walk = Files.walk(dir.resolve("store/chunks"))) {
            chunks = walk.filter(Files::isRegularFile).sorted().toList();
        }
        byte[] bytes = Files.readAllBytes(chunks.get(0));
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(chunks.get(0), bytes);
        Files.delete(chunks.get(1));
        List<String> problems = verified();
        assertEquals(2, problems.size(), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("authentication")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("no chunk")), problems::toString);
        assertEquals(List.of(), fsck.checkMetadata().problems(), "the metadata is still consistent");
    }

    @Test
    void aSampleChecksFewerChunks() throws Exception {
        long all = fsck.verifyChunks(server.attache().reader, 1.0, 7, (d, t) -> { }).chunks();
        long some = fsck.verifyChunks(server.attache().reader, 0.01, 7, (d, t) -> { }).chunks();
        assertEquals(5, all);
        assertTrue(some < all, "sampled " + some);
    }
}
