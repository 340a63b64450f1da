package io.attache.server;

import io.attache.meta.DeleteQueue;
import io.attache.testing.RawHttp;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ownCloud headers sync clients send with PUT: {@code X-OC-Mtime} sets the modification time,
 * which COPY and MOVE keep; {@code OC-Checksum} is verified while the body streams, kept with the
 * content and returned as {@code oc:checksums}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("X-OC-Mtime and OC-Checksum")
class SyncHeadersTest {

    private static final AtomicInteger FOLDERS = new AtomicInteger();
    private static final String CHECKSUMS = """
            <D:propfind xmlns:D="DAV:" xmlns:oc="http://owncloud.org/ns"><D:prop><D:getlastmodified/>\
            <oc:checksums/></D:prop></D:propfind>""";
    @TempDir
    static Path dir;
    TestServer server;
    String base;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir, Map.of("chunk-size", "64KiB")).user("oc");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void freshFolder() throws Exception {
        base = "/s" + FOLDERS.incrementAndGet();
        assertEquals(201, send("MKCOL " + base + "/ HTTP/1.1", null).status());
    }

    Response send(String head, byte[] body) throws Exception {
        String full = head.strip() + "\nHost: 127.0.0.1\nAuthorization: " + TestServer.basic("oc") + "\nConnection: close";
        return body == null ? RawHttp.exchange(server.port(), full)
                : RawHttp.exchange(server.port(), full + "\nContent-Length: " + body.length, body);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String hex(String algorithm, byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    }

    String props(String path) throws Exception {
        return send("PROPFIND " + path + " HTTP/1.1\nDepth: 0", bytes(CHECKSUMS)).text();
    }

    @Test
    @DisplayName("X-OC-Mtime sets getlastmodified and Last-Modified, and is acknowledged")
    void mtimeIsAccepted() throws Exception {
        Response put = send("PUT " + base + "/photo.jpg HTTP/1.1\nX-OC-Mtime: 1700000000", bytes("jpeg"));
        assertEquals(201, put.status());
        assertEquals("accepted", put.header("X-OC-MTime"));
        assertTrue(props(base + "/photo.jpg").contains("<D:getlastmodified>Tue, 14 Nov 2023 22:13:20 GMT</D:getlastmodified>"));
        assertEquals("Tue, 14 Nov 2023 22:13:20 GMT", send("HEAD " + base + "/photo.jpg HTTP/1.1", null).header("Last-Modified"));

        Response overwrite = send("PUT " + base + "/photo.jpg HTTP/1.1\nx-oc-mtime: 946684800.25", bytes("jpeg 2"));
        assertEquals(204, overwrite.status());
        assertEquals("accepted", overwrite.header("X-OC-MTime"));
        assertTrue(props(base + "/photo.jpg").contains("Sat, 01 Jan 2000 00:00:00 GMT"));

        Response plain = send("PUT " + base + "/photo.jpg HTTP/1.1", bytes("jpeg 3"));
        assertNull(plain.header("X-OC-MTime"));
        assertTrue(!props(base + "/photo.jpg").contains("2000 00:00:00"), "without the header, the time of the upload");
    }

    @Test
    @DisplayName("an X-OC-Mtime that is not a number of seconds is a 400 and stores nothing")
    void invalidMtime() throws Exception {
        for (String value : new String[]{"yesterday", "-5", "1e9", "Tue, 14 Nov 2023 22:13:20 GMT"}) {
            Response r = send("PUT " + base + "/bad HTTP/1.1\nX-OC-Mtime: " + value, bytes("x"));
            assertEquals(400, r.status(), value);
            assertTrue(r.text().contains("X-OC-Mtime"), r.text());
        }
        assertEquals(404, send("GET " + base + "/bad HTTP/1.1", null).status());
    }

    @Test
    @DisplayName("COPY and MOVE keep the modification time")
    void copyAndMoveKeepTheTime() throws Exception {
        send("MKCOL " + base + "/dir HTTP/1.1", null);
        send("PUT " + base + "/dir/f HTTP/1.1\nX-OC-Mtime: 1600000000", bytes("f"));
        String time = "<D:getlastmodified>Sun, 13 Sep 2020 12:26:40 GMT</D:getlastmodified>";
        assertEquals(201, send("COPY " + base + "/dir/f HTTP/1.1\nDestination: " + base + "/copy", null).status());
        assertTrue(props(base + "/copy").contains(time), props(base + "/copy"));
        assertEquals(201, send("COPY " + base + "/dir/ HTTP/1.1\nDestination: " + base + "/dir2/", null).status());
        assertTrue(props(base + "/dir2/f").contains(time), "a file in a copied folder");
        assertEquals(201, send("MOVE " + base + "/copy HTTP/1.1\nDestination: " + base + "/dir/moved", null).status());
        assertTrue(props(base + "/dir/moved").contains(time));
    }

    @Test
    @DisplayName("OC-Checksum is verified, kept with SHA1 and MD5, shared by copies and returned as oc:checksums")
    void checksumsAreKept() throws Exception {
        byte[] content = new byte[300_000];
        new Random(11).nextBytes(content);
        String sha1 = hex("SHA-1", content);
        String md5 = hex("MD5", content);
        Response put = send("PUT " + base + "/data.bin HTTP/1.1\nOC-Checksum: SHA1:" + sha1.toUpperCase(), content);
        assertEquals(201, put.status(), put::toString);
        String expected = "<N:checksums xmlns:N=\"http://owncloud.org/ns\"><N:checksum>SHA1:" + sha1 + " MD5:" + md5
                + "</N:checksum></N:checksums>";
        assertTrue(props(base + "/data.bin").contains(expected), props(base + "/data.bin"));
        assertArrayEquals(content, send("GET " + base + "/data.bin HTTP/1.1", null).body());

        send("COPY " + base + "/data.bin HTTP/1.1\nDestination: " + base + "/copy.bin", null);
        assertTrue(props(base + "/copy.bin").contains(expected), "a copy shares the content and its checksums");

        Response sha256 = send("PUT " + base + "/other HTTP/1.1\nOC-Checksum: sha256:" + hex("SHA-256", bytes("other")),
                bytes("other"));
        assertEquals(201, sha256.status(), sha256::toString);
        assertTrue(props(base + "/other").contains("SHA1:" + hex("SHA-1", bytes("other")) + " MD5:" + hex("MD5", bytes("other"))
                + " SHA256:" + hex("SHA-256", bytes("other")) + "<"), props(base + "/other"));
        assertEquals(201, send("PUT " + base + "/md5 HTTP/1.1\nOC-Checksum: MD5:" + hex("MD5", bytes("m")), bytes("m")).status());
    }

    @Test
    @DisplayName("without OC-Checksum, or on a folder, oc:checksums is absent (404)")
    void noChecksumsWithoutTheHeader() throws Exception {
        send("PUT " + base + "/plain HTTP/1.1", bytes("plain"));
        for (String path : new String[]{base + "/plain", base + "/"}) {
            String xml = props(path);
            assertTrue(xml.contains("<N:checksums xmlns:N=\"http://owncloud.org/ns\"/></D:prop><D:status>HTTP/1.1 404"), xml);
        }
        String names = send("PROPFIND " + base + "/plain HTTP/1.1\nDepth: 0",
                bytes("<D:propfind xmlns:D=\"DAV:\"><D:propname/></D:propfind>")).text();
        assertTrue(!names.contains("checksums"), names);
        Response patch = send("PROPPATCH " + base + "/plain HTTP/1.1", bytes("""
                <D:propertyupdate xmlns:D="DAV:" xmlns:oc="http://owncloud.org/ns"><D:set><D:prop>\
                <oc:checksums><oc:checksum>SHA1:0</oc:checksum></oc:checksums></D:prop></D:set></D:propertyupdate>"""));
        assertTrue(patch.text().contains("403 Forbidden"), "a client cannot claim checksums: " + patch.text());
    }

    @Test
    @DisplayName("a body that does not match OC-Checksum is a 400; nothing is stored and its chunks are abandoned")
    void aMismatchStoresNothing() throws Exception {
        byte[] content = new byte[200_000];
        new Random(12).nextBytes(content);
        send("PUT " + base + "/kept HTTP/1.1", bytes("old content"));
        long queued = server.attache().db.read(DeleteQueue::size);
        String wrong = hex("SHA-1", bytes("something else"));
        for (String path : new String[]{base + "/new", base + "/kept"}) {
            Response r = send("PUT " + path + " HTTP/1.1\nOC-Checksum: SHA1:" + wrong, content);
            assertEquals(400, r.status(), r::toString);
            assertTrue(r.text().contains("SHA1"), r.text());
        }
        assertEquals(404, send("GET " + base + "/new HTTP/1.1", null).status());
        assertArrayEquals(bytes("old content"), send("GET " + base + "/kept HTTP/1.1", null).body());
        assertEquals(queued + 2 * 4, server.attache().db.read(DeleteQueue::size), "both uploads' 4 chunks go to the delete queue");
        assertEquals(0L, (long) server.attache().db.read(c -> {
            try (ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM pending_blob")) {
                r.next();
                return r.getLong(1);
            }
        }), "no chunk is left pending");
    }

    @Test
    @DisplayName("a malformed OC-Checksum is a 400 before the body is stored")
    void malformedChecksum() throws Exception {
        for (String value : new String[]{"ADLER32:084b021f", "SHA1", "SHA1:xyz", "MD5:" + "0".repeat(31), "SHA1: "}) {
            Response r = send("PUT " + base + "/m HTTP/1.1\nOC-Checksum: " + value, bytes("m"));
            assertEquals(400, r.status(), value);
            assertTrue(r.text().contains("OC-Checksum"), r.text());
        }
        assertEquals(404, send("GET " + base + "/m HTTP/1.1", null).status());
    }
}
