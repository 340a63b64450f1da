package io.attache.clients;

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
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * davfs2 1.6 (on neon 0.32) as it mounts, lists, creates, updates and moves files. neon writes the
 * lock token as a tagged {@code If} header whose URL carries the host and port davfs2 was given,
 * which behind a proxy or with another host name is not the server's own: it must be compared by
 * path. davfs2 guards creates with {@code If-None-Match: *} and updates with {@code If-Match}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("davfs2 (neon)")
class Davfs2ReplayTest {

    private static final AtomicInteger FOLDERS = new AtomicInteger();
    private static final String OTHER_HOST = "http://some-other-host:4321";

    @TempDir
    static Path dir;
    TestServer server;
    Wire davfs;
    String folder;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir).user("dave");
        davfs = Wire.as(server, "dave");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void freshFolder() throws Exception {
        folder = "/fs" + FOLDERS.incrementAndGet();
        assertEquals(201, davfs.send("MKCOL " + folder + "/ HTTP/1.1").status());
    }

    @Test
    @DisplayName("mounts: OPTIONS, PROPFIND Depth 1 with davfs2's properties, quota on Depth 0")
    void mountAndList() throws Exception {
        assertEquals(201, put(folder + "/report.txt", "quarterly numbers").status());
        assertEquals(201, davfs.send("MKCOL " + folder + "/photos/ HTTP/1.1").status());

        Response options = davfs.send("""
                OPTIONS %s/ HTTP/1.1
                Keep-Alive:\s
                User-Agent: davfs2/1.6.1 neon/0.32.5
                TE: trailers""".formatted(folder));
        assertEquals(200, options.status());
        assertTrue(WindowsReplayTest.davClasses(options).contains("1"), "davfs2 refuses to mount without class 1");
        assertTrue(WindowsReplayTest.davClasses(options).contains("2"), "davfs2 uses locks only with class 2: " + options.header("DAV"));

        Response listing = davfs.send("""
                PROPFIND %s/ HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5
                Depth: 1
                Content-Type: application/xml

                <?xml version="1.0" encoding="utf-8"?>
                <propfind xmlns="DAV:"><prop>
                <resourcetype xmlns="DAV:"/>
                <getcontentlength xmlns="DAV:"/>
                <getetag xmlns="DAV:"/>
                <getlastmodified xmlns="DAV:"/>
                <executable xmlns="http://apache.org/dav/props/"/>
                </prop></propfind>
                """.formatted(folder));
        String file = folder + "/report.txt";
        assertEquals(17, Long.parseLong(DavXml.prop(listing, file, DavXml.DAV, "getcontentlength").text()));
        String etag = DavXml.prop(listing, file, DavXml.DAV, "getetag").text();
        assertTrue(etag.startsWith("\"") && etag.endsWith("\""), "a strong ETag: " + etag);
        ZonedDateTime.parse(DavXml.prop(listing, file, DavXml.DAV, "getlastmodified").text(), DateTimeFormatter.RFC_1123_DATE_TIME);
        assertFalse(DavXml.prop(listing, file, DavXml.DAV, "resourcetype").has(DavXml.DAV, "collection"));
        assertTrue(DavXml.prop(listing, folder + "/photos/", DavXml.DAV, "resourcetype").has(DavXml.DAV, "collection"));
        int executable = DavXml.prop(listing, file, "http://apache.org/dav/props/", "executable").status();
        assertTrue(executable == 200 || executable == 404, "Apache's executable property is answered: " + executable);

        Response quota = davfs.send("""
                PROPFIND %s/ HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5
                Depth: 0
                Content-Type: application/xml

                <?xml version="1.0" encoding="utf-8"?>
                <propfind xmlns="DAV:"><prop>
                <quota-available-bytes xmlns="DAV:"/>
                <quota-used-bytes xmlns="DAV:"/>
                </prop></propfind>
                """.formatted(folder));
        assertEquals(200, DavXml.prop(quota, folder + "/", DavXml.DAV, "quota-available-bytes").status(), quota::text);
        assertEquals(200, DavXml.prop(quota, folder + "/", DavXml.DAV, "quota-used-bytes").status(), quota::text);
    }

    @Test
    @DisplayName("creates a file: LOCK Depth 0 on the unmapped URL, PUT with a tagged If naming another host, HEAD, UNLOCK")
    void createAndUpdateUnderALock() throws Exception {
        String file = folder + "/notes.txt";
        Response lock = davfs.send(neonLock(file));
        assertEquals(201, lock.status(), "davfs2 takes only 201 as 'the LOCK created the file': " + lock);
        String token = Wire.lockToken(lock);
        Response empty = davfs.send("HEAD " + file + " HTTP/1.1");
        assertEquals(200, empty.status(), "the LOCK left an empty resource");
        assertEquals("0", empty.header("Content-Length"));
        assertEquals(423, put(file, "from another client").status(), "the new file is locked");

        Response first = davfs.send("""
                PUT %s HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5
                If: <%s%s> (<%s>)""".formatted(file, OTHER_HOST, file, token), bytes("first draft"));
        assertTrue(first.status() / 100 == 2, "the tagged If is compared by path: " + first);

        Response head = davfs.send("""
                HEAD %s HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5""".formatted(file));
        assertEquals("11", head.header("Content-Length"));
        String etag = head.header("ETag");
        assertNotNull(etag);
        assertNotNull(head.header("Last-Modified"));

        Response update = davfs.send("""
                PUT %s HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5
                If-Match: %s
                If: <%s%s> (<%s>)""".formatted(file, etag, OTHER_HOST, file, token), bytes("second draft"));
        assertTrue(update.status() == 200 || update.status() == 204, update::toString);
        Response stale = davfs.send("""
                PUT %s HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5
                If-Match: %s
                If: <%s%s> (<%s>)""".formatted(file, etag, OTHER_HOST, file, token), bytes("lost update"));
        assertEquals(412, stale.status(), "If-Match with the ETag of the previous version: " + stale);
        assertArrayEquals(bytes("second draft"), davfs.send("GET " + file + " HTTP/1.1").body());

        Response unlock = davfs.send("""
                UNLOCK %s HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5
                Lock-Token: <%s>""".formatted(file, token));
        assertEquals(204, unlock.status(), unlock::toString);
        assertEquals(204, put(file, "after unlock").status());
    }

    @Test
    @DisplayName("If-None-Match: * lets a LOCK or PUT create a file and refuses when it exists")
    void ifNoneMatchStarGuardsCreation() throws Exception {
        String taken = folder + "/taken.txt";
        assertEquals(201, put(taken, "already here").status());
        Response lock = davfs.send(neonLock(taken));
        assertEquals(412, lock.status(), "davfs2 reads 412 as 'file exists': " + lock);
        assertEquals(204, put(taken, "not locked").status(), "the refused LOCK left no lock behind");

        String fresh = folder + "/fresh.txt";
        Response create = davfs.send("""
                PUT %s HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5
                If-None-Match: *""".formatted(fresh), bytes("new"));
        assertEquals(201, create.status(), create::toString);
        Response again = davfs.send("""
                PUT %s HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5
                If-None-Match: *""".formatted(fresh), bytes("clobbered"));
        assertEquals(412, again.status(), again::toString);
        assertArrayEquals(bytes("new"), davfs.send("GET " + fresh + " HTTP/1.1").body());

        Response wrongEtag = davfs.send("""
                PUT %s HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5
                If-Match: "not-the-etag\"""".formatted(fresh), bytes("clobbered"));
        assertEquals(412, wrongEtag.status(), wrongEtag::toString);
        assertArrayEquals(bytes("new"), davfs.send("GET " + fresh + " HTTP/1.1").body());
    }

    @Test
    @DisplayName("MKCOL with a trailing slash, then MOVE with Overwrite: T")
    void mkcolAndMove() throws Exception {
        String file = folder + "/draft.txt";
        assertEquals(201, put(file, "moving").status());
        assertEquals(201, davfs.send("""
                MKCOL %s/archive/ HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5""".formatted(folder)).status());
        Response move = davfs.send("""
                MOVE %s HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5
                Destination: %s
                Overwrite: T""".formatted(file, davfs.url(folder + "/archive/draft%202024.txt")));
        assertEquals(201, move.status(), move::toString);
        assertArrayEquals(bytes("moving"), davfs.send("GET " + folder + "/archive/draft%202024.txt HTTP/1.1").body());
        assertEquals(404, davfs.send("HEAD " + file + " HTTP/1.1").status());
    }

    /** neon's LOCK as davfs2 sends it for a file it believes new: guarded by If-None-Match: *. */
    private static String neonLock(String path) {
        return """
                LOCK %s HTTP/1.1
                User-Agent: davfs2/1.6.1 neon/0.32.5
                Depth: 0
                Timeout: Second-1800
                If-None-Match: *
                Content-Type: application/xml

                <?xml version="1.0" encoding="utf-8"?>
                <lockinfo xmlns='DAV:'>
                 <lockscope><exclusive/></lockscope>
                <locktype><write/></locktype><owner>dave</owner>
                </lockinfo>
                """.formatted(path);
    }

    private Response put(String path, String content) throws Exception {
        return davfs.send("PUT " + path + " HTTP/1.1", bytes(content));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
