package io.attache.clients;

import io.attache.clients.DavXml.ActiveLock;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * macOS Finder (WebDAVFS) copying files onto the mounted drive, replayed as it sends them. Finder
 * mounts read-only unless the server claims class 2 and LOCK works; it streams uploads chunked
 * with {@code X-Expected-Entity-Length}, writes AppleDouble {@code ._} files and {@code .DS_Store}
 * next to everything (a refusal aborts the whole copy), and names files in NFD.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("macOS Finder (WebDAVFS)")
class FinderReplayTest {

    private static final AtomicInteger FOLDERS = new AtomicInteger();

    @TempDir
    static Path dir;
    TestServer server;
    Wire finder;
    String folder;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir, Map.of("chunk-size", "256KiB")).user("maria");
        finder = Wire.as(server, "maria");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void freshFolder() throws Exception {
        folder = "/mac" + FOLDERS.incrementAndGet();
        assertEquals(201, finder.send("MKCOL " + folder + "/ HTTP/1.1").status());
    }

    @Test
    @DisplayName("mounts read-write: OPTIONS claims class 2, quota is answered on the root")
    void mount() throws Exception {
        Response options = finder.send("""
                OPTIONS / HTTP/1.1
                User-Agent: WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)
                Accept: */*""");
        assertEquals(200, options.status());
        assertTrue(WindowsReplayTest.davClasses(options).containsAll(List.of("1", "2")),
                "Finder mounts read-only without class 2: " + options.header("DAV"));

        Response quota = finder.send("""
                PROPFIND / HTTP/1.1
                User-Agent: WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)
                Depth: 0
                Content-Type: text/xml

                <?xml version="1.0" encoding="utf-8"?>
                <D:propfind xmlns:D="DAV:">
                <D:prop>
                <D:quota-available-bytes/>
                <D:quota-used-bytes/>
                <D:quota/>
                <D:quotaused/>
                </D:prop>
                </D:propfind>
                """);
        assertEquals(200, DavXml.prop(quota, "/", DavXml.DAV, "quota-available-bytes").status(), quota::text);
        assertTrue(Long.parseLong(DavXml.prop(quota, "/", DavXml.DAV, "quota-available-bytes").text()) > 0, quota::text);
        assertTrue(Long.parseLong(DavXml.prop(quota, "/", DavXml.DAV, "quota-used-bytes").text()) >= 0, quota::text);
        // Finder also asks for the draft names; they need an answer (404 is one), not an error for the whole PROPFIND.
        DavXml.prop(quota, "/", DavXml.DAV, "quotaused");
    }

    @Test
    @DisplayName("copies a file: LOCK, chunked PUT with X-Expected-Entity-Length, refresh, overwrite of unknown length, UNLOCK")
    void copyAFile() throws Exception {
        String file = folder + "/Holiday.mov";
        byte[] movie = new byte[700_000];
        new Random(11).nextBytes(movie);

        Response lock = finder.send(finderLock(file));
        assertEquals(201, lock.status(), "LOCK on an unmapped URL creates the file: " + lock);
        String token = Wire.lockToken(lock);
        ActiveLock active = WindowsReplayTest.singleLock(lock);
        assertEquals(token, active.token());
        assertEquals("0", active.depth());
        assertTrue(active.owner().contains("http://www.apple.com/webdav_fs/"), active.owner());

        Response put = finder.send("""
                PUT %s HTTP/1.1
                User-Agent: WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)
                Content-Type: application/octet-stream
                If: (<%s>)
                X-Expected-Entity-Length: %d
                Transfer-Encoding: chunked""".formatted(file, token, movie.length), RawHttp.chunked(movie, 32_768));
        assertTrue(put.status() == 200 || put.status() == 201 || put.status() == 204, put::toString);
        assertArrayEquals(movie, finder.send("GET " + file + " HTTP/1.1").body());

        Response refresh = finder.send("""
                LOCK %s HTTP/1.1
                User-Agent: WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)
                Timeout: Second-600
                If: (<%s>)""".formatted(file, token));
        assertEquals(200, refresh.status(), "a refresh is a LOCK with the token and no body: " + refresh);
        assertEquals(token, WindowsReplayTest.singleLock(refresh).token(), "a refresh keeps the token");

        byte[] edited = "trimmed in QuickTime".getBytes(StandardCharsets.UTF_8);
        Response overwrite = finder.send("""
                PUT %s HTTP/1.1
                User-Agent: WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)
                Content-Type: application/octet-stream
                If: (<%s>)
                Transfer-Encoding: chunked""".formatted(file, token), RawHttp.chunked(edited, 5));
        assertTrue(overwrite.status() == 200 || overwrite.status() == 204, "an overwrite of unknown length: " + overwrite);
        assertArrayEquals(edited, finder.send("GET " + file + " HTTP/1.1").body());

        Response unlock = finder.send("""
                UNLOCK %s HTTP/1.1
                User-Agent: WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)
                Lock-Token: <%s>""".formatted(file, token));
        assertEquals(204, unlock.status(), unlock::toString);
        Response discovery = finder.send("""
                PROPFIND %s HTTP/1.1
                Depth: 0

                <?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:lockdiscovery/></D:prop></D:propfind>"""
                .formatted(file));
        assertEquals(0, DavXml.activeLocks(DavXml.prop(discovery, file, DavXml.DAV, "lockdiscovery").element()).size(),
                discovery::text);
    }

    @Test
    @DisplayName("AppleDouble ._ files and .DS_Store are stored, never refused")
    void appleDoubleAndDsStore() throws Exception {
        byte[] appleDouble = new byte[4096];
        System.arraycopy(new byte[]{0, 5, 22, 7, 0, 2, 0, 0}, 0, appleDouble, 0, 8);
        byte[] dsStore = new byte[6148];
        System.arraycopy(new byte[]{0, 0, 0, 1, 'B', 'u', 'd', '1'}, 0, dsStore, 0, 8);

        String resource = folder + "/._Holiday.mov";
        Response lock = finder.send(finderLock(resource));
        assertEquals(201, lock.status(), lock::toString);
        String token = Wire.lockToken(lock);
        Response put = finder.send("""
                PUT %s HTTP/1.1
                User-Agent: WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)
                Content-Type: application/octet-stream
                If: (<%s>)
                X-Expected-Entity-Length: 4096
                Transfer-Encoding: chunked""".formatted(resource, token), RawHttp.chunked(appleDouble, 1000));
        assertTrue(put.status() / 100 == 2, put::toString);
        assertEquals(204, finder.send("UNLOCK " + resource + " HTTP/1.1\nLock-Token: <" + token + ">").status());

        Response store = finder.send("""
                PUT %s/.DS_Store HTTP/1.1
                User-Agent: WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)
                Content-Type: application/octet-stream
                X-Expected-Entity-Length: 6148
                Transfer-Encoding: chunked""".formatted(folder), RawHttp.chunked(dsStore, 4096));
        assertEquals(201, store.status(), store::toString);

        assertArrayEquals(appleDouble, finder.send("GET " + resource + " HTTP/1.1").body());
        assertArrayEquals(dsStore, finder.send("GET " + folder + "/.DS_Store HTTP/1.1").body());
        Response listing = finder.send("PROPFIND " + folder + "/ HTTP/1.1\nDepth: 1");
        assertTrue(DavXml.responses(listing).keySet().containsAll(
                List.of(folder + "/._Holiday.mov", folder + "/.DS_Store")), listing::text);
    }

    @Test
    @DisplayName("NFD names (u + U+0308) round-trip byte for byte")
    void decomposedNames() throws Exception {
        String nfdFolder = folder + "/Gru%CC%88n";
        String nfdFile = nfdFolder + "/Mu%CC%88sli%20Rezept.txt";
        assertEquals(201, finder.send("MKCOL " + nfdFolder + "/ HTTP/1.1").status());
        assertEquals(201, finder.send("PUT " + nfdFile + " HTTP/1.1\nContent-Type: text/plain",
                "Haferflocken".getBytes(StandardCharsets.UTF_8)).status());

        Response listing = finder.send("""
                PROPFIND %s/ HTTP/1.1
                User-Agent: WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)
                Depth: 1
                Content-Type: text/xml

                <?xml version="1.0" encoding="utf-8"?>
                <D:propfind xmlns:D="DAV:">
                <D:prop>
                <D:getlastmodified/>
                <D:getcontentlength/>
                <D:creationdate/>
                <D:resourcetype/>
                </D:prop>
                </D:propfind>
                """.formatted(nfdFolder));
        String decomposed = folder + "/Gru\u0308n/Mu\u0308sli Rezept.txt";
        assertTrue(DavXml.responses(listing).containsKey(decomposed),
                "listed under its NFD name, not normalised: " + DavXml.responses(listing).keySet());
        assertEquals(12, Long.parseLong(DavXml.prop(listing, decomposed, DavXml.DAV, "getcontentlength").text()));
        assertArrayEquals("Haferflocken".getBytes(StandardCharsets.UTF_8), finder.send("GET " + nfdFile + " HTTP/1.1").body());
    }

    private static String finderLock(String path) {
        return """
                LOCK %s HTTP/1.1
                User-Agent: WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)
                Depth: 0
                Timeout: Second-600
                Content-Type: text/xml; charset="utf-8"

                <?xml version="1.0" encoding="utf-8"?>
                <D:lockinfo xmlns:D="DAV:">
                <D:lockscope><D:exclusive/></D:lockscope>
                <D:locktype><D:write/></D:locktype>
                <D:owner>
                <D:href>http://www.apple.com/webdav_fs/</D:href>
                </D:owner>
                </D:lockinfo>
                """.formatted(path);
    }
}
