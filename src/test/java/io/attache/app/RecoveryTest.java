package io.attache.app;

import io.attache.testing.RawHttp;
import io.attache.testing.TestDatabase;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Disaster recovery: a data directory is lost; the store and the key (or the passphrase) are
 * enough to rebuild the database from the newest metadata snapshot, and every file comes back
 * byte for byte.
 */
class RecoveryTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result attache(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static final String[] PATHS = {"/empty.txt", "/one.bin", "/Fotos/Sommer%202026/strand%20%C3%BC.jpg",
            "/Fotos/big.mov", "/100%25/x"};

    /** Fills a drive over HTTP and returns what each path holds. */
    static Map<String, byte[]> fill(TestServer server) throws Exception {
        String auth = "\nHost: x\nConnection: close\nAuthorization: " + TestServer.basic("r");
        for (String folder : new String[]{"/Fotos", "/Fotos/Sommer%202026", "/100%25"}) {
            assertEquals(201, RawHttp.exchange(server.port(), "MKCOL " + folder + " HTTP/1.1" + auth).status());
        }
        Map<String, byte[]> contents = new LinkedHashMap<>();
        int[] sizes = {0, 1, 70_000, 500_000, 3};
        for (int i = 0; i < PATHS.length; i++) {
            byte[] body = new byte[sizes[i]];
            new Random(i).nextBytes(body);
            assertEquals(201, RawHttp.exchange(server.port(), "PUT " + PATHS[i] + " HTTP/1.1" + auth
                    + "\nContent-Length: " + body.length, body).status());
            contents.put(PATHS[i], body);
        }
        RawHttp.exchange(server.port(), "PROPPATCH /Fotos/big.mov HTTP/1.1" + auth, """
                <D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><k xmlns="urn:k">kept</k></D:prop></D:set></D:propertyupdate>""");
        return contents;
    }

    static void check(TestServer server, Map<String, byte[]> contents) throws Exception {
        String auth = "\nHost: x\nConnection: close\nAuthorization: " + TestServer.basic("r");
        for (Map.Entry<String, byte[]> e : contents.entrySet()) {
            RawHttp.Response r = RawHttp.exchange(server.port(), "GET " + e.getKey() + " HTTP/1.1" + auth);
            assertEquals(200, r.status(), e.getKey());
            assertArrayEquals(e.getValue(), r.body(), e.getKey());
        }
        String props = RawHttp.exchange(server.port(), "PROPFIND /Fotos/big.mov HTTP/1.1" + auth + "\nDepth: 0").text();
        assertTrue(props.contains(">kept</"), props);
    }

    @Test
    void theTreeComesBackFromTheStoreAndTheKeyFile() throws Exception {
        Path lost = dir.resolve("lost");
        Map<String, String> settings = Map.of("chunk-size", "64KiB");
        Map<String, byte[]> contents;
        try (TestServer server = TestServer.start(lost, settings).user("r")) {
            contents = fill(server);
        }
        Map<String, String> env = Map.of("HOME", dir.toString(), "ATTACHE_CHUNK_SIZE", "64KiB");
        Result backup = attache(env, "backup", "--data-dir", lost.toString());
        assertEquals(0, backup.code(), backup.err());

        Path fresh = Files.createDirectories(dir.resolve("fresh"));
        Path store = lost.resolve("store");
        Map<String, String> freshEnv = Map.of("HOME", dir.toString(), "ATTACHE_LOCAL_STORE_DIR", store.toString());
        Result noKey = attache(freshEnv, "restore", "--from-store", "--data-dir", fresh.toString());
        assertEquals(1, noKey.code());
        assertTrue(noKey.err().contains("master key"), noKey.err());

        Files.copy(lost.resolve("master.key"), fresh.resolve("master.key"));
        Files.setPosixFilePermissions(fresh.resolve("master.key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Result restore = attache(freshEnv, "restore", "--from-store", "--data-dir", fresh.toString());
        assertEquals(0, restore.code(), restore.err());
        Result again = attache(freshEnv, "restore", "--from-store", "--data-dir", fresh.toString());
        assertEquals(1, again.code(), "an existing database is not replaced without --force");

        Result fsck = attache(freshEnv, "fsck", "--verify-chunks", "--data-dir", fresh.toString());
        assertEquals(0, fsck.code(), fsck.out() + fsck.err());
        try (TestServer restored = TestServer.start(fresh, Map.of("local-store-dir", store.toString()))) {
            check(restored, contents);
        }
    }

    @Test
    void aPassphraseAloneRecoversTheKeyFromTheStore() throws Exception {
        Path lost = dir.resolve("lost-p");
        Map<String, String> settings = Map.of("chunk-size", "64KiB", "passphrase", "a long recovery passphrase");
        Map<String, byte[]> contents;
        try (TestServer server = TestServer.start(lost, settings).user("r")) {
            contents = fill(server);
            server.attache().backup.backupNow();
        }
        Path fresh = dir.resolve("fresh-p");
        Map<String, String> env = Map.of("HOME", dir.toString(), "ATTACHE_LOCAL_STORE_DIR", lost.resolve("store").toString(),
                "ATTACHE_PASSPHRASE", "a long recovery passphrase");
        Result restore = attache(env, "restore", "--from-store", "--data-dir", fresh.toString());
        assertEquals(0, restore.code(), restore.err());
        assertTrue(Files.exists(fresh.resolve("key.params")), "the Argon2id salt came back from the pointer");
        Map<String, String> wrong = new LinkedHashMap<>(env);
        wrong.put("ATTACHE_PASSPHRASE", "not the passphrase at all");
        Result refused = attache(wrong, "restore", "--from-store", "--force", "--data-dir", dir.resolve("other").toString());
        assertEquals(1, refused.code());
        try (TestServer restored = TestServer.start(fresh, Map.of("local-store-dir", lost.resolve("store").toString(),
                "passphrase", "a long recovery passphrase"))) {
            check(restored, contents);
        }
    }

    /**
     * On PostgreSQL a snapshot is an SQLite file copied from one read transaction; the restore
     * copies it into an empty database (and refuses one that is not).
     */
    @Test
    void aPostgresqlDriveComesBackIntoAnEmptyDatabase() throws Exception {
        Path lost = dir.resolve("lost-pg");
        String before = TestDatabase.freshSchema();
        Map<String, byte[]> contents;
        try (TestServer server = TestServer.start(lost, Map.of("chunk-size", "64KiB", "database-url", before)).user("r")) {
            contents = fill(server);
            server.attache().backup.backupNow();
        }
        Path fresh = Files.createDirectories(dir.resolve("fresh-pg"));
        Files.copy(lost.resolve("master.key"), fresh.resolve("master.key"));
        Files.setPosixFilePermissions(fresh.resolve("master.key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String after = TestDatabase.freshSchema();
        Map<String, String> env = Map.of("HOME", dir.toString(), "ATTACHE_LOCAL_STORE_DIR", lost.resolve("store").toString(),
                "ATTACHE_DATABASE_URL", after);
        Result restore = attache(env, "restore", "--from-store", "--data-dir", fresh.toString());
        assertEquals(0, restore.code(), restore.err());
        Result again = attache(env, "restore", "--from-store", "--data-dir", fresh.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("not empty"), again.err());
        Result fsck = attache(env, "fsck", "--verify-chunks", "--data-dir", fresh.toString());
        assertEquals(0, fsck.code(), fsck.out() + fsck.err());
        try (TestServer restored = TestServer.start(fresh, Map.of("local-store-dir", lost.resolve("store").toString(),
                "database-url", after))) {
            check(restored, contents);
        }
    }

    @Test
    void backupsKeepTheNewestSnapshots() throws Exception {
        Path data = dir.resolve("keep");
        try (TestServer server = TestServer.start(data, Map.of("backup-keep", "2")).user("r")) {
            for (int i = 0; i < 4; i++) {
                server.attache().backup.backupNow();
            }
            assertEquals(2, server.attache().backup.current().orElseThrow().snapshots().size());
            assertEquals(0, server.attache().collector.collectOrphans(server.attache().backup.snapshotLocators()),
                    "dropped snapshots were deleted from the store");
        }
    }
}
