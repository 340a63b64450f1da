package io.attache.app;

import io.attache.meta.Database;
import io.attache.meta.Nodes;
import io.attache.testing.ForkedServer;
import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code restore} never loses an acknowledged write: it refuses while a server runs, changes
 * nothing when there is no usable backup, and keeps the database it replaces complete.
 */
class SafeRestoreTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result attache(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("HOME", dir.toString())).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static int put(int port, String user, String path, String body) throws Exception {
        return RawHttp.exchange(port, "PUT " + path + " HTTP/1.1\nHost: x\nAuthorization: " + TestServer.basic(user), body).status();
    }

    static String get(int port, String user, String path) throws Exception {
        RawHttp.Response r = RawHttp.exchange(port, "GET " + path + " HTTP/1.1\nHost: x\nAuthorization: " + TestServer.basic(user));
        return r.status() + " " + r.text();
    }

    /** Every file under {@code data} with the SHA-256 of its bytes. */
    static Map<String, String> state(Path data) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(data)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
                files.put(data.relativize(f).toString(), HexFormat.of().formatHex(digest));
            }
        }
        return files;
    }

    @Test
    void whileAServerRunsRestoreIsRefusedAndTouchesNothing() throws Exception {
        Path data = dir.resolve("data");
        try (ForkedServer server = ForkedServer.start(data)) {
            assertEquals(201, put(server.port(), ForkedServer.USER, "/acknowledged.txt", "written while serving"));
            List<String> files = List.copyOf(state(data).keySet());
            assertTrue(files.contains("attache.db-wal"), "the server's write-ahead log: " + files);

            Result r = attache("restore", "--from-store", "--force", "--data-dir", data.toString());
            assertEquals(1, r.code());
            assertTrue(r.err().contains("is using " + data) && r.err().contains("stop it first"), r.err());
            assertEquals(files, List.copyOf(state(data).keySet()), "no file moved, deleted or added");
            assertEquals("200 written while serving", get(server.port(), ForkedServer.USER, "/acknowledged.txt"));
            assertEquals(201, put(server.port(), ForkedServer.USER, "/later.txt", "writes go on"));
        }
    }

    @Test
    void withoutABackupNothingIsTouched() throws Exception {
        Path data = dir.resolve("data");
        try (TestServer server = TestServer.start(data).user("nora")) {
            assertEquals(201, put(server.port(), "nora", "/only-copy.txt", "precious"));
        }
        Map<String, String> before = state(data);
        Result r = attache("restore", "--from-store", "--force", "--data-dir", data.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the store holds no metadata backup; nothing was changed"), r.err());
        assertEquals(before, state(data), "every file as it was, byte for byte");
        assertEquals(0, attache("fsck", "--data-dir", data.toString()).code());
    }

    @Test
    void forceKeepsThePreviousDatabaseCompleteUnderTheNameItPrints() throws Exception {
        Path data = dir.resolve("data");
        try (TestServer server = TestServer.start(data).user("kim")) {
            assertEquals(201, put(server.port(), "kim", "/before.txt", "in the backup"));
        }
        assertEquals(0, attache("backup", "--data-dir", data.toString()).code());
        Path crashed = dir.resolve("crashed");
        try (TestServer server = TestServer.start(data)) {
            assertEquals(201, put(server.port(), "kim", "/after.txt", "only in the write-ahead log"));
            // What a crash leaves: the files as they are while the server runs, the last writes in attache.db-wal.
            try (Stream<Path> all = Files.walk(data)) {
                for (Path f : all.toList()) {
                    Path target = crashed.resolve(data.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, target);
                    }
                }
            }
        }
        assertTrue(Files.size(crashed.resolve("attache.db-wal")) > 0, "the crash left writes in the log");

        Result r = attache("restore", "--from-store", "--force", "--data-dir", crashed.toString());
        assertEquals(0, r.code(), r.err());
        String kept = r.out().lines().filter(l -> l.startsWith("the previous database, complete, is kept as ")).findFirst()
                .orElseThrow(() -> new AssertionError(r.out())).substring("the previous database, complete, is kept as ".length());
        Path previous = Path.of(kept);
        assertTrue(Files.exists(previous), kept);
        Path alone = dir.resolve("opened-alone.db");
        Files.copy(previous, alone); // the file alone, without any -wal beside it, must hold every write
        try (Database db = Database.open(alone, false)) {
            long root = db.read(c -> Nodes.root(c, 1).orElseThrow().id());
            assertTrue(db.read(c -> Nodes.child(c, root, "after.txt")).isPresent(), "the write after the backup is kept");
        }
        try (TestServer server = TestServer.start(crashed)) {
            assertEquals("200 in the backup", get(server.port(), "kim", "/before.txt"));
            assertTrue(get(server.port(), "kim", "/after.txt").startsWith("404"), "the restored tree is the snapshot's");
        }
    }
}
