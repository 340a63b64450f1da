package io.attache.app;

import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Everything Attaché writes into its data directory is readable by the server's user only. */
class OwnerOnlyFilesTest {

    @TempDir
    Path dir;

    @Test
    void everyFileInTheDataDirectoryIsOwnerOnly() throws Exception {
        Path data = dir.resolve("data");
        try (TestServer server = TestServer.start(data, Map.of("passphrase", "a passphrase for the test",
                "cache-size", "64MiB", "tls-listen", "127.0.0.1:0")).user("olive")) {
            RawHttp.Response put = RawHttp.exchange(server.port(), "PUT /f.txt HTTP/1.1\nHost: x\nAuthorization: "
                    + TestServer.basic("olive"), "content");
            assertEquals(201, put.status());
            assertEquals(200, RawHttp.exchange(server.port(), "GET /f.txt HTTP/1.1\nHost: x\nAuthorization: "
                    + TestServer.basic("olive")).status());
            server.attache().backup.backupNow();
            for (String sqlite : new String[]{"attache.db-wal", "attache.db-shm"}) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(sqlite))), sqlite);
            }
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        List<String> files = new ArrayList<>();
        List<String> open = new ArrayList<>();
        try (Stream<Path> all = Files.walk(data)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                files.add(data.relativize(f).toString());
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                if (!mode.equals("rw-------")) {
                    open.add(data.relativize(f) + " " + mode);
                }
            }
        }
        for (String expected : new String[]{"attache.db", "key.params", "serve.lock", "tls-self-signed.p12"}) {
            assertTrue(files.contains(expected), "wrote " + expected + ": " + files);
        }
        assertTrue(files.stream().anyMatch(f -> f.startsWith("store/chunks/")), "stored a chunk: " + files);
        assertTrue(files.stream().anyMatch(f -> f.startsWith("store/pointers/")), "stored a backup pointer: " + files);
        assertTrue(files.stream().anyMatch(f -> f.startsWith("cache/")), "cached a chunk: " + files);
        assertEquals(List.of(), open, "files others can read");
    }
}
