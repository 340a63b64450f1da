package io.attache.clients;

import io.attache.clients.DavXml.ActiveLock;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windows Explorer's WebDAV mini-redirector (WebClient) saving a file on a mapped drive, replayed
 * request by request as Windows 10/11 send it. Windows cannot save at all unless LOCK works and
 * its token is honoured in the {@code If} header; it unlocks with a bare token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Windows Explorer (Microsoft-WebDAV-MiniRedir)")
class WindowsReplayTest {

    static final String WIN32_NS = "urn:schemas-microsoft-com:";
    private static final AtomicInteger FOLDERS = new AtomicInteger();

    @TempDir
    static Path dir;
    TestServer server;
    Wire windows;
    String folder;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir).user("alice");
        windows = Wire.as(server, "alice");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void freshFolder() throws Exception {
        folder = "/win" + FOLDERS.incrementAndGet();
        assertEquals(201, windows.send("MKCOL " + folder + "/ HTTP/1.1").status());
    }

    @Test
    @DisplayName("saves a new document: PROPFIND 404, empty PUT, LOCK, PROPPATCH, HEAD, PUT, PROPPATCH, UNLOCK")
    void uploadSequence() throws Exception {
        String file = folder + "/Quarterly%20Report.docx";
        byte[] content = "PK\u0003\u0004 a Word document".getBytes(StandardCharsets.ISO_8859_1);

        Response options = windows.anonymous().send("""
                OPTIONS / HTTP/1.1
                Connection: Keep-Alive
                User-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045
                translate: f""");
        assertEquals(200, options.status(), options::toString);
        assertTrue(davClasses(options).containsAll(List.of("1", "2")), "DAV: " + options.header("DAV"));
        assertEquals("DAV", options.header("MS-Author-Via"));
        assertTrue(options.header("Allow").contains("LOCK") && options.header("Allow").contains("UNLOCK"),
                "Allow: " + options.header("Allow"));

        Response absent = windows.send("""
                PROPFIND %s HTTP/1.1
                User-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045
                Depth: 0
                translate: f
                Content-Length: 0""".formatted(file));
        assertEquals(404, absent.status(), absent::toString);

        long chunksBefore = storedChunks();
        Response create = windows.send("""
                PUT %s HTTP/1.1
                User-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045
                translate: f
                Content-Length: 0""".formatted(file));
        assertEquals(201, create.status(), create::toString);
        assertEquals(chunksBefore, storedChunks(), "an empty file stores no chunk");

        Response lock = windows.send("""
                LOCK %s HTTP/1.1
                User-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045
                Cache-Control: no-cache
                translate: f
                Timeout: Second-3600
                Content-Type: text/xml; charset="utf-8"

                <?xml version="1.0" encoding="utf-8" ?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>\
                <D:locktype><D:write/></D:locktype><D:owner><D:href>DESKTOP-7Q2K\\alice</D:href></D:owner></D:lockinfo>"""
                .formatted(file));
        assertEquals(200, lock.status(), lock::toString);
        String token = Wire.lockToken(lock);
        ActiveLock active = singleLock(lock);
        assertEquals(token, active.token(), "the body names the token of the Lock-Token header");
        assertEquals("exclusive", active.scope());
        assertEquals("write", active.type());
        assertTrue(active.owner().contains("DESKTOP-7Q2K\\alice"), "the owner is kept as sent: " + active.owner());
        long seconds = DavXml.timeoutSeconds(active.timeout());
        assertTrue(seconds > 0 && seconds <= 3600, "a finite timeout no longer than requested: " + active.timeout());
        if (active.root() != null) {
            assertEquals(DavXml.path(file), active.root(), "lockroot");
        }

        Response times = windows.send(win32Times(file, token, "Tue, 05 Mar 2024 09:15:42 GMT"));
        assertWin32PropertiesSet(times, file);

        Response head = windows.send("""
                HEAD %s HTTP/1.1
                User-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045
                translate: f""".formatted(file));
        assertEquals(200, head.status(), head::toString);
        assertEquals("0", head.header("Content-Length"));

        Response put = windows.send("""
                PUT %s HTTP/1.1
                User-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045
                translate: f
                If: (<%s>)
                Content-Length: %d""".formatted(file, token, content.length), content);
        assertTrue(put.status() == 204 || put.status() == 200, put::toString);

        Response modified = windows.send(win32Times(file, token, "Wed, 06 Mar 2024 17:04:05 GMT"));
        assertWin32PropertiesSet(modified, file);

        Response unlock = windows.send("""
                UNLOCK %s HTTP/1.1
                User-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045
                translate: f
                Lock-Token: %s""".formatted(file, token));
        assertEquals(204, unlock.status(), "UNLOCK with a bare token: " + unlock);

        assertArrayEquals(content, windows.send("GET " + file + " HTTP/1.1").body());
        Response after = windows.send("HEAD " + file + " HTTP/1.1");
        assertEquals("Wed, 06 Mar 2024 17:04:05 GMT", after.header("Last-Modified"), "Win32LastModifiedTime is the modification time");
        Response props = windows.send("PROPFIND " + file + " HTTP/1.1\nDepth: 0");
        assertEquals("Wed, 06 Mar 2024 17:04:05 GMT", DavXml.prop(props, file, DavXml.DAV, "getlastmodified").text());
        assertEquals("00000020", DavXml.prop(props, file, WIN32_NS, "Win32FileAttributes").text());
        assertEquals(204, windows.send("PUT " + file + " HTTP/1.1", "unlocked".getBytes(StandardCharsets.UTF_8)).status(),
                "after UNLOCK a PUT needs no token");
    }

    @Test
    @DisplayName("a second session with the same credentials but without the token is locked out")
    void anotherSessionWithoutTheTokenGets423() throws Exception {
        String file = folder + "/Budget.xlsx";
        assertEquals(201, windows.send("PUT " + file + " HTTP/1.1", "original".getBytes(StandardCharsets.UTF_8)).status());
        Response lock = windows.send("""
                LOCK %s HTTP/1.1
                User-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045
                Timeout: Second-3600
                Content-Type: text/xml; charset="utf-8"

                <?xml version="1.0" encoding="utf-8" ?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>\
                <D:locktype><D:write/></D:locktype><D:owner><D:href>LAPTOP\\alice</D:href></D:owner></D:lockinfo>"""
                .formatted(file));
        assertEquals(200, lock.status(), lock::toString);
        String token = Wire.lockToken(lock);

        Wire secondSession = Wire.as(server, "alice");
        assertEquals(423, secondSession.send("PUT " + file + " HTTP/1.1", "overwritten".getBytes(StandardCharsets.UTF_8)).status(), "PUT");
        assertEquals(423, secondSession.send(win32Times(file, null, "Thu, 07 Mar 2024 08:00:00 GMT")).status(), "PROPPATCH");
        assertEquals(423, secondSession.send("DELETE " + file + " HTTP/1.1").status(), "DELETE");
        assertEquals(423, secondSession.send("MOVE " + file + " HTTP/1.1\nDestination: " + windows.url(folder + "/moved.xlsx")).status(), "MOVE");
        assertEquals(423, secondSession.send("""
                LOCK %s HTTP/1.1
                Timeout: Second-3600
                Content-Type: text/xml; charset="utf-8"

                <?xml version="1.0" encoding="utf-8" ?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>\
                <D:locktype><D:write/></D:locktype><D:owner><D:href>OTHER-PC\\alice</D:href></D:owner></D:lockinfo>"""
                .formatted(file)).status(), "a second exclusive LOCK");
        assertArrayEquals("original".getBytes(StandardCharsets.UTF_8), windows.send("GET " + file + " HTTP/1.1").body());
        assertEquals(404, windows.send("HEAD " + folder + "/moved.xlsx HTTP/1.1").status());

        assertEquals(204, windows.send("UNLOCK " + file + " HTTP/1.1\nLock-Token: <" + token + ">").status(),
                "UNLOCK with the token in angle brackets");
        assertEquals(204, secondSession.send("PUT " + file + " HTTP/1.1", "overwritten".getBytes(StandardCharsets.UTF_8)).status());
    }

    /** Windows' PROPPATCH of the Win32 times and attributes, with the lock token when it has one. */
    static String win32Times(String file, String token, String time) {
        return """
                PROPPATCH %s HTTP/1.1
                User-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045
                translate: f
                %sContent-Type: text/xml; charset="utf-8"

                <?xml version="1.0" encoding="utf-8" ?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:schemas-microsoft-com:">\
                <D:set><D:prop><Z:Win32CreationTime>Tue, 05 Mar 2024 09:15:42 GMT</Z:Win32CreationTime>\
                <Z:Win32LastAccessTime>%s</Z:Win32LastAccessTime><Z:Win32LastModifiedTime>%s</Z:Win32LastModifiedTime>\
                <Z:Win32FileAttributes>00000020</Z:Win32FileAttributes></D:prop></D:set></D:propertyupdate>"""
                .formatted(file, token == null ? "" : "If: (<" + token + ">)\n", time, time);
    }

    static void assertWin32PropertiesSet(Response proppatch, String file) {
        for (String name : List.of("Win32CreationTime", "Win32LastAccessTime", "Win32LastModifiedTime", "Win32FileAttributes")) {
            assertEquals(200, DavXml.prop(proppatch, file, WIN32_NS, name).status(), name + " in " + proppatch.text());
        }
    }

    static ActiveLock singleLock(Response lock) {
        List<ActiveLock> locks = DavXml.activeLocks(DavXml.parse(lock));
        assertEquals(1, locks.size(), lock::text);
        assertNotNull(locks.get(0).token(), lock::text);
        return locks.get(0);
    }

    static List<String> davClasses(Response options) {
        String dav = options.header("DAV");
        assertNotNull(dav, "no DAV header");
        return Stream.of(dav.split(",")).map(String::trim).toList();
    }

    private long storedChunks() throws IOException {
        Path store = dir.resolve("store");
        if (!Files.exists(store)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
