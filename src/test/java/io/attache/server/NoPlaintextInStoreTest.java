package io.attache.server;

import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chunk folder holds ciphertext under random names: no marker text, no file or folder name. */
class NoPlaintextInStoreTest {

    @TempDir
    Path dir;

    @Test
    void markerAndNamesNeverReachTheStore() throws Exception {
        String marker = "ATTACHE-PLAINTEXT-MARKER-7f3c9e";
        String name = "quarterly-report-confidential";
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (int i = 0; i < 50_000; i++) {
            content.writeBytes((marker + " line " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = content.toByteArray();
        try (TestServer server = TestServer.start(dir, java.util.Map.of("chunk-size", "512KiB")).user("u")) {
            String auth = "\nHost: x\nConnection: close\nAuthorization: " + TestServer.basic("u");
            assertEquals(201, RawHttp.exchange(server.port(), "MKCOL /" + name + "-folder HTTP/1.1" + auth).status());
            assertEquals(201, RawHttp.exchange(server.port(), "PUT /" + name + "-folder/" + name + ".txt HTTP/1.1"
                    + auth + "\nContent-Length: " + body.length, body).status());
            assertEquals(marker + " line 0\n", new String(RawHttp.exchange(server.port(), "GET /" + name + "-folder/" + name
                    + ".txt HTTP/1.1" + auth + "\nRange: bytes=0-" + (marker.length() + 7)).body(), StandardCharsets.UTF_8));
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir.resolve("store"))) {
            files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        assertTrue(files.size() >= body.length / (512 * 1024), "the content was stored in chunks: " + files.size());
        byte[][] needles = {marker.getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8),
                "line 4".getBytes(StandardCharsets.UTF_8)};
        for (Path file : files) {
            assertFalse(file.toString().contains(name), "a stored path carries the name: " + file);
            byte[] stored = Files.readAllBytes(file);
            for (byte[] needle : needles) {
                assertFalse(contains(stored, needle), file + " contains " + new String(needle, StandardCharsets.UTF_8));
            }
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
