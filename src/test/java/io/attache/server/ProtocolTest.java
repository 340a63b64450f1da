package io.attache.server;

import io.attache.testing.RawHttp;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebDAV class 1 on the wire: raw HTTP exchanges against a real server, each test in its own folder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolTest {

    private static final AtomicInteger FOLDERS = new AtomicInteger();
    @TempDir
    static Path dir;
    TestServer server;
    String auth;
    String base;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir).user("alice");
        auth = "Authorization: " + TestServer.basic("alice");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void freshFolder() throws Exception {
        base = "/t" + FOLDERS.incrementAndGet();
        assertEquals(201, send("MKCOL " + base + "/ HTTP/1.1").status());
    }

    Response send(String head) throws Exception {
        return RawHttp.exchange(server.port(), withHost(head));
    }

    Response send(String head, String body) throws Exception {
        return RawHttp.exchange(server.port(), withHost(head), body);
    }

    Response send(String head, byte[] body) throws Exception {
        return RawHttp.exchange(server.port(), withHost(head), body);
    }

    private String withHost(String head) {
        return head.strip() + "\nHost: 127.0.0.1\n" + auth + "\nConnection: close";
    }

    Response put(String path, byte[] content) throws Exception {
        return send("PUT " + path + " HTTP/1.1\nContent-Length: " + content.length, content);
    }

    byte[] get(String path) throws Exception {
        Response r = send("GET " + path + " HTTP/1.1");
        assertEquals(200, r.status(), r::toString);
        return r.body();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Nested
    @DisplayName("OPTIONS and authentication")
    class OptionsAndAuth {
        @Test
        void optionsAnswersOnEveryPathWithoutCredentials() throws Exception {
            for (String path : new String[]{"/", "/nothing/here/", base + "/"}) {
                Response r = RawHttp.exchange(server.port(), "OPTIONS " + path + " HTTP/1.1\nHost: x\nConnection: close");
                assertEquals(200, r.status(), path);
                assertTrue(r.header("DAV").contains("1"), r.header("DAV"));
                assertEquals("DAV", r.header("MS-Author-Via"));
                assertTrue(r.header("Allow").contains("PROPFIND"), r.header("Allow"));
            }
        }

        @Test
        void everythingElseNeedsCredentials() throws Exception {
            for (String method : new String[]{"GET", "HEAD", "PROPFIND", "PUT", "MKCOL", "DELETE", "COPY", "MOVE", "PROPPATCH"}) {
                Response r = RawHttp.exchange(server.port(), method + " " + base + "/ HTTP/1.1\nHost: x\nContent-Length: 0\nConnection: close");
                assertEquals(401, r.status(), method);
                assertTrue(r.header("WWW-Authenticate").startsWith("Basic realm="), method);
            }
        }

        @Test
        void aWrongPasswordIsRefused() throws Exception {
            Response r = RawHttp.exchange(server.port(), "PROPFIND / HTTP/1.1\nHost: x\nDepth: 0\nConnection: close\nAuthorization: "
                    + TestServer.basic("alice", "wrong password"));
            assertEquals(401, r.status());
            Response unknown = RawHttp.exchange(server.port(), "PROPFIND / HTTP/1.1\nHost: x\nDepth: 0\nConnection: close\nAuthorization: "
                    + TestServer.basic("mallory", TestServer.PASSWORD));
            assertEquals(401, unknown.status());
        }

        @Test
        void unknownMethodsAreRefused() throws Exception {
            assertEquals(501, send("FROB " + base + "/ HTTP/1.1").status());
            assertEquals(405, send("POST " + base + "/ HTTP/1.1\nContent-Length: 0").status());
        }
    }

    @Nested
    @DisplayName("MKCOL")
    class Mkcol {
        @Test
        void createsAFolder() throws Exception {
            assertEquals(201, send("MKCOL " + base + "/a HTTP/1.1").status());
            Response r = send("PROPFIND " + base + "/a/ HTTP/1.1\nDepth: 0");
            assertEquals(207, r.status());
            assertTrue(r.text().contains("<D:collection/>"), r.text());
        }

        @Test
        void onAnExistingFolderOrFileIs405() throws Exception {
            assertEquals(405, send("MKCOL " + base + "/ HTTP/1.1").status());
            put(base + "/file", bytes("x"));
            assertEquals(405, send("MKCOL " + base + "/file HTTP/1.1").status());
        }

        @Test
        void withoutParentIs409() throws Exception {
            assertEquals(409, send("MKCOL " + base + "/missing/child HTTP/1.1").status());
        }

        @Test
        void underAFileIs409() throws Exception {
            put(base + "/file", bytes("x"));
            assertEquals(409, send("MKCOL " + base + "/file/child HTTP/1.1").status());
        }

        @Test
        void withABodyIs415AndCreatesNothing() throws Exception {
            Response r = send("MKCOL " + base + "/b HTTP/1.1\nContent-Type: application/xml", "<x/>");
            assertEquals(415, r.status());
            assertEquals(404, send("PROPFIND " + base + "/b HTTP/1.1\nDepth: 0").status());
        }

        @Test
        void withATrailingSlash() throws Exception {
            assertEquals(201, send("MKCOL " + base + "/slashed/ HTTP/1.1").status());
            assertEquals(207, send("PROPFIND " + base + "/slashed HTTP/1.1\nDepth: 0").status());
        }
    }

    @Nested
    @DisplayName("PUT and GET")
    class PutGet {
        @Test
        void newIs201OverwriteIs204AndContentRoundTrips() throws Exception {
            byte[] one = new byte[100_000];
            new Random(1).nextBytes(one);
            assertEquals(201, put(base + "/f.bin", one).status());
            assertArrayEquals(one, get(base + "/f.bin"));
            byte[] two = bytes("replaced");
            assertEquals(204, put(base + "/f.bin", two).status());
            assertArrayEquals(two, get(base + "/f.bin"));
        }

        @Test
        void intoAMissingFolderIs409AndCreatesNoFolder() throws Exception {
            assertEquals(409, put(base + "/no/such/dir/f.txt", bytes("x")).status());
            assertEquals(404, send("PROPFIND " + base + "/no/ HTTP/1.1\nDepth: 0").status());
        }

        @Test
        void ontoAFolderIs405() throws Exception {
            send("MKCOL " + base + "/d HTTP/1.1");
            assertEquals(405, put(base + "/d", bytes("x")).status());
            assertEquals(405, put("/", bytes("x")).status());
        }

        @Test
        void underAFileIs409AndTheFileStays() throws Exception {
            assertEquals(201, put(base + "/plain", bytes("file")).status());
            assertEquals(409, put(base + "/plain/f.txt", bytes("x")).status());
            assertArrayEquals(bytes("file"), get(base + "/plain"));
        }

        /** The request's conditions are judged first; where the body could go is only asked after. */
        @Test
        void conditionsComeBeforeTheMissingFolder() throws Exception {
            assertEquals(412, send("PUT " + base + "/no/such/f.txt HTTP/1.1\nIf-Match: *\nContent-Length: 1", bytes("x"))
                    .status());
            assertEquals(409, send("PUT " + base + "/no/such/f.txt HTTP/1.1\nIf-None-Match: *\nContent-Length: 1",
                    bytes("x")).status());
        }

        @Test
        void finderStyleChunkedBodyWithoutContentLength() throws Exception {
            byte[] content = new byte[300_000];
            new Random(2).nextBytes(content);
            Response r = send("""
                    PUT %s/finder.bin HTTP/1.1
                    User-Agent: WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)
                    Content-Type: application/octet-stream
                    X-Expected-Entity-Length: %d
                    Transfer-Encoding: chunked""".formatted(base, content.length), RawHttp.chunked(content, 7_000));
            assertEquals(201, r.status(), r::toString);
            assertArrayEquals(content, get(base + "/finder.bin"));
            Response overwrite = send("PUT " + base + "/finder.bin HTTP/1.1\nTransfer-Encoding: chunked",
                    RawHttp.chunked(bytes("shorter now"), 4));
            assertEquals(204, overwrite.status());
            assertArrayEquals(bytes("shorter now"), get(base + "/finder.bin"));
        }

        @Test
        void aFormContentTypeDoesNotSwallowTheBody() throws Exception {
            Response r = send("PUT " + base + "/form.txt HTTP/1.1\nContent-Type: application/x-www-form-urlencoded", "a=1&b=2");
            assertEquals(201, r.status());
            assertArrayEquals(bytes("a=1&b=2"), get(base + "/form.txt"));
        }

        @Test
        void anEmptyPutMakesAnEmptyFile() throws Exception {
            assertEquals(201, put(base + "/empty", new byte[0]).status());
            Response head = send("HEAD " + base + "/empty HTTP/1.1");
            assertEquals(200, head.status());
            assertEquals("0", head.header("Content-Length"));
            assertEquals(0, get(base + "/empty").length);
        }

        @Test
        void etagsAreStrongAndChangeWithContent() throws Exception {
            put(base + "/e", bytes("one"));
            String first = send("HEAD " + base + "/e HTTP/1.1").header("ETag");
            put(base + "/e", bytes("one"));
            String second = send("HEAD " + base + "/e HTTP/1.1").header("ETag");
            assertNotNull(first);
            assertTrue(first.startsWith("\"") && !first.startsWith("W/"), first);
            assertNotEquals(first, second, "every write is a new version");
            assertEquals(second, send("HEAD " + base + "/e HTTP/1.1").header("ETag"));
        }

        @Test
        void headOnAFolderIs200() throws Exception {
            assertEquals(200, send("HEAD " + base + "/ HTTP/1.1").status());
            assertEquals(200, send("HEAD " + base + " HTTP/1.1").status());
        }

        @Test
        @DisplayName("a folder named without its slash: Content-Location with it, on every response about the folder")
        void contentLocationOfAFolderWithoutItsSlash() throws Exception {
            send("MKCOL " + base + "/a HTTP/1.1");
            Response get = send("GET " + base + "/a HTTP/1.1");
            assertEquals(200, get.status());
            assertEquals(base + "/a/", get.header("Content-Location"));
            assertEquals(base + "/a/", send("HEAD " + base + "/a HTTP/1.1").header("Content-Location"));
            assertEquals(base + "/b/", send("MKCOL " + base + "/b HTTP/1.1").header("Content-Location"));
            assertEquals(base + "/a/", send("PROPPATCH " + base + "/a HTTP/1.1", """
                    <D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set><D:prop><Z:c>1</Z:c></D:prop></D:set></D:propertyupdate>""")
                    .header("Content-Location"));
            Response lock = send("LOCK " + base + "/a HTTP/1.1\nDepth: 0", """
                    <D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>""");
            assertEquals(base + "/a/", lock.header("Content-Location"));
            put(base + "/f", bytes("x"));
            assertNull(send("GET " + base + "/f HTTP/1.1").header("Content-Location"), "files are named as asked");
            assertNull(send("GET " + base + "/a/ HTTP/1.1").header("Content-Location"));
        }

        @Test
        @DisplayName("the HTML index of a folder links absolutely, also to its parent")
        void folderIndexLinksAreAbsolute() throws Exception {
            send("MKCOL " + base + "/a HTTP/1.1");
            send("MKCOL " + base + "/a/b%20c HTTP/1.1");
            put(base + "/a/b%20c/f%3C1%3E", bytes("x"));
            String html = send("GET " + base + "/a/b%20c HTTP/1.1").text();
            assertTrue(html.contains("<a href=\"" + base + "/a/\">../</a>"), html);
            assertTrue(html.contains("<a href=\"" + base + "/a/b%20c/f%3C1%3E\">f&lt;1&gt;</a>"), html);
        }

        @Test
        void getOfAMissingFileIs404() throws Exception {
            assertEquals(404, send("GET " + base + "/absent HTTP/1.1").status());
        }

        @Test
        void macMetadataFilesAreStored() throws Exception {
            assertEquals(201, put(base + "/._photo.jpg", bytes("appledouble")).status());
            assertEquals(201, put(base + "/.DS_Store", bytes("finder")).status());
            assertArrayEquals(bytes("appledouble"), get(base + "/._photo.jpg"));
            assertArrayEquals(bytes("finder"), get(base + "/.DS_Store"));
        }

        @Test
        void percentAndNonAsciiNames() throws Exception {
            String encoded = base + "/100%25%20caf%C3%A9%20%E6%97%A5%E6%9C%AC.txt";
            assertEquals(201, put(encoded, bytes("percent")).status());
            assertArrayEquals(bytes("percent"), get(encoded));
            String listing = send("PROPFIND " + base + "/ HTTP/1.1\nDepth: 1").text();
            assertTrue(listing.contains("<D:href>" + encoded + "</D:href>"), listing);
        }

        @Test
        void dotDotCannotLeaveTheTree() throws Exception {
            Response r = send("GET " + base + "/%2e%2e/%2e%2e/etc/passwd HTTP/1.1");
            assertTrue(r.status() == 400 || r.status() == 404, r::toString);
            Response slash = send("GET " + base + "/a%2fb HTTP/1.1");
            assertTrue(slash.status() == 400 || slash.status() == 404, slash::toString);
        }
    }

    @Nested
    @DisplayName("Range")
    class Ranges {
        byte[] content;

        @BeforeEach
        void file() throws Exception {
            content = new byte[200_000];
            new Random(3).nextBytes(content);
            put(base + "/r.bin", content);
        }

        @Test
        void aClosedRange() throws Exception {
            Response r = send("GET " + base + "/r.bin HTTP/1.1\nRange: bytes=100-199");
            assertEquals(206, r.status());
            assertEquals("bytes 100-199/200000", r.header("Content-Range"));
            assertArrayEquals(java.util.Arrays.copyOfRange(content, 100, 200), r.body());
            assertEquals("bytes", r.header("Accept-Ranges"));
        }

        @Test
        void anOpenRangeAndASuffix() throws Exception {
            Response open = send("GET " + base + "/r.bin HTTP/1.1\nRange: bytes=199990-");
            assertEquals("bytes 199990-199999/200000", open.header("Content-Range"));
            assertArrayEquals(java.util.Arrays.copyOfRange(content, 199_990, 200_000), open.body());
            Response suffix = send("GET " + base + "/r.bin HTTP/1.1\nRange: bytes=-5");
            assertEquals("bytes 199995-199999/200000", suffix.header("Content-Range"));
            assertArrayEquals(java.util.Arrays.copyOfRange(content, 199_995, 200_000), suffix.body());
        }

        @Test
        void theWholeFileAsARange() throws Exception {
            Response r = send("GET " + base + "/r.bin HTTP/1.1\nRange: bytes=0-199999");
            assertEquals(206, r.status());
            assertEquals("bytes 0-199999/200000", r.header("Content-Range"));
            assertArrayEquals(content, r.body());
        }

        @Test
        void unsatisfiableIs416WithTheLength() throws Exception {
            Response r = send("GET " + base + "/r.bin HTTP/1.1\nRange: bytes=200000-");
            assertEquals(416, r.status());
            assertEquals("bytes */200000", r.header("Content-Range"));
        }

        @Test
        void aMalformedRangeIsIgnored() throws Exception {
            Response r = send("GET " + base + "/r.bin HTTP/1.1\nRange: bytes=abc");
            assertEquals(200, r.status());
            assertArrayEquals(content, r.body());
        }
    }

    @Nested
    @DisplayName("PROPFIND")
    class Propfind {
        @Test
        void anEmptyBodyIsAllprop() throws Exception {
            put(base + "/p.txt", bytes("hello"));
            Response r = send("PROPFIND " + base + "/p.txt HTTP/1.1\nDepth: 0");
            assertEquals(207, r.status());
            String xml = r.text();
            assertTrue(xml.contains("<D:getcontentlength>5</D:getcontentlength>"), xml);
            assertTrue(xml.contains("<D:getetag>"), xml);
            assertTrue(xml.contains("<D:resourcetype/>"), xml);
            assertTrue(xml.matches("(?s).*<D:getlastmodified>\\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT</D:getlastmodified>.*"), xml);
            assertTrue(xml.matches("(?s).*<D:creationdate>\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z</D:creationdate>.*"), xml);
        }

        @Test
        void depthInfinityListsTheTree() throws Exception {
            send("MKCOL " + base + "/sub HTTP/1.1");
            put(base + "/sub/deeper", bytes("d"));
            Response r = send("PROPFIND " + base + "/ HTTP/1.1\nDepth: infinity");
            assertEquals(207, r.status());
            assertTrue(r.text().contains("<D:href>" + base + "/sub/deeper</D:href>"), r.text());
        }

        @Test
        void depthOneListsChildrenAndDepthZeroDoesNot() throws Exception {
            put(base + "/a", bytes("a"));
            send("MKCOL " + base + "/sub HTTP/1.1");
            String one = send("PROPFIND " + base + "/ HTTP/1.1\nDepth: 1").text();
            assertTrue(one.contains("<D:href>" + base + "/a</D:href>"), one);
            assertTrue(one.contains("<D:href>" + base + "/sub/</D:href>"), one);
            String zero = send("PROPFIND " + base + "/ HTTP/1.1\nDepth: 0").text();
            assertTrue(!zero.contains(base + "/a<"), zero);
        }

        @Test
        void aFolderWithoutItsSlashIsAnsweredNotRedirected() throws Exception {
            Response r = send("PROPFIND " + base + " HTTP/1.1\nDepth: 0");
            assertEquals(207, r.status());
            assertNull(r.header("Location"));
            assertEquals(base + "/", r.header("Content-Location"), "RFC 4918 section 5.2");
            assertTrue(r.text().contains("<D:href>" + base + "/</D:href>"), r.text());
            assertNull(send("PROPFIND " + base + "/ HTTP/1.1\nDepth: 0").header("Content-Location"), "asked with the slash");
        }

        @Test
        void namedPropertiesAndMissingOnes() throws Exception {
            put(base + "/n", bytes("xyz"));
            Response r = send("PROPFIND " + base + "/n HTTP/1.1\nDepth: 0\nContent-Type: application/xml", """
                    <?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:Z="urn:z"><D:prop>
                    <D:getcontentlength/><Z:nothing/><D:quota-used-bytes/><D:quota-available-bytes/></D:prop></D:propfind>""");
            String xml = r.text();
            assertEquals(207, r.status());
            assertTrue(xml.contains("<D:getcontentlength>3</D:getcontentlength>"), xml);
            assertTrue(xml.contains("<N:nothing xmlns:N=\"urn:z\"/><D:quota-used-bytes/><D:quota-available-bytes/></D:prop>"
                    + "<D:status>HTTP/1.1 404 Not Found"), "a file has no quota: " + xml);
        }

        @Test
        @DisplayName("quota properties are on collections only")
        void quotaOnCollectionsOnly() throws Exception {
            put(base + "/q", bytes("12345"));
            Response r = send("PROPFIND " + base + "/ HTTP/1.1\nDepth: 1", """
                    <D:propfind xmlns:D="DAV:"><D:prop><D:quota-used-bytes/><D:quota-available-bytes/></D:prop></D:propfind>""");
            String xml = r.text();
            String folder = xml.substring(xml.indexOf("<D:href>" + base + "/</D:href>"), xml.indexOf("<D:href>" + base + "/q</D:href>"));
            assertTrue(folder.matches("(?s).*<D:quota-used-bytes>\\d+</D:quota-used-bytes>.*"), folder);
            assertTrue(folder.contains("<D:quota-available-bytes>"), folder);
            String file = xml.substring(xml.indexOf("<D:href>" + base + "/q</D:href>"));
            assertTrue(file.contains("<D:quota-used-bytes/><D:quota-available-bytes/></D:prop><D:status>HTTP/1.1 404"), file);
            String names = send("PROPFIND " + base + "/q HTTP/1.1\nDepth: 0", "<D:propfind xmlns:D=\"DAV:\"><D:propname/></D:propfind>").text();
            assertTrue(!names.contains("quota"), names);
            Response patch = send("PROPPATCH " + base + "/q HTTP/1.1", """
                    <D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:quota-used-bytes>1</D:quota-used-bytes></D:prop></D:set></D:propertyupdate>""");
            assertTrue(patch.text().contains("403 Forbidden"), "still protected on files: " + patch.text());
        }

        @Test
        @DisplayName("unknown elements are ignored in any namespace (RFC 4918 section 17)")
        void unknownElementsAreIgnored() throws Exception {
            put(base + "/u", bytes("xyz"));
            Response first = send("PROPFIND " + base + "/u HTTP/1.1\nDepth: 0",
                    "<propfind xmlns=\"DAV:\"><foobar/><allprop/></propfind>");
            assertEquals(207, first.status(), first::toString);
            assertTrue(first.text().contains("<D:getcontentlength>3</D:getcontentlength>"), first.text());
            Response after = send("PROPFIND " + base + "/u HTTP/1.1\nDepth: 0", """
                    <D:propfind xmlns:D="DAV:" xmlns:X="urn:x"><X:hint/><D:prop><D:getcontentlength/></D:prop>\
                    <D:foobar><D:nested/></D:foobar></D:propfind>""");
            assertEquals(207, after.status(), after::toString);
            assertTrue(after.text().contains("<D:getcontentlength>3</D:getcontentlength>"), after.text());
            assertEquals(400, send("PROPFIND " + base + "/u HTTP/1.1\nDepth: 0",
                    "<propfind xmlns=\"DAV:\"><foobar/></propfind>").status(), "nothing known is left");
        }

        @Test
        void propnameListsNamesOnly() throws Exception {
            put(base + "/pn", bytes("xyz"));
            String xml = send("PROPFIND " + base + "/pn HTTP/1.1\nDepth: 0",
                    "<D:propfind xmlns:D=\"DAV:\"><D:propname/></D:propfind>").text();
            assertTrue(xml.contains("<D:getcontentlength/>"), xml);
            assertTrue(xml.contains("<D:getetag/>"), xml);
        }

        @Test
        void aMalformedBodyIs400() throws Exception {
            assertEquals(400, send("PROPFIND " + base + "/ HTTP/1.1\nDepth: 0", "<D:propfind xmlns:D=\"DAV:\"><D:prop>").status());
            assertEquals(400, send("PROPFIND " + base + "/ HTTP/1.1\nDepth: 0", "<notdav/>").status());
        }

        @Test
        void anEntityExpansionIsRefused() throws Exception {
            Response r = send("PROPFIND " + base + "/ HTTP/1.1\nDepth: 0", """
                    <?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
                    <D:propfind xmlns:D="DAV:"><D:prop><D:displayname>&e;</D:displayname></D:prop></D:propfind>""");
            assertEquals(400, r.status());
            assertTrue(!r.text().contains("root:"), r.text());
        }

        @Test
        void aBodyAboveTheLimitIs413() throws Exception {
            String big = "<D:propfind xmlns:D=\"DAV:\"><D:prop>" + "<D:getetag/>".repeat(100_000) + "</D:prop></D:propfind>";
            assertEquals(413, send("PROPFIND " + base + "/ HTTP/1.1\nDepth: 0", big).status());
        }
    }

    @Nested
    @DisplayName("PROPPATCH")
    class Proppatch {
        @Test
        void windowsWin32PropertiesAreAcceptedAndSetTheModificationTime() throws Exception {
            put(base + "/w.docx", bytes("doc"));
            Response r = send("PROPPATCH " + base + "/w.docx HTTP/1.1\nContent-Type: text/xml; charset=\"utf-8\"", """
                    <?xml version="1.0" encoding="utf-8" ?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:schemas-microsoft-com:"><D:set><D:prop>\
                    <Z:Win32CreationTime>Mon, 01 Jan 2024 10:00:00 GMT</Z:Win32CreationTime>\
                    <Z:Win32LastAccessTime>Tue, 02 Jan 2024 10:00:00 GMT</Z:Win32LastAccessTime>\
                    <Z:Win32LastModifiedTime>Wed, 03 Jan 2024 10:00:00 GMT</Z:Win32LastModifiedTime>\
                    <Z:Win32FileAttributes>00000020</Z:Win32FileAttributes>\
                    </D:prop></D:set></D:propertyupdate>""");
            assertEquals(207, r.status());
            String xml = r.text();
            assertTrue(xml.contains("Win32CreationTime"), xml);
            assertTrue(xml.contains("HTTP/1.1 200 OK"), xml);
            assertTrue(!xml.contains("403") && !xml.contains("424"), xml);
            String props = send("PROPFIND " + base + "/w.docx HTTP/1.1\nDepth: 0").text();
            assertTrue(props.contains("<D:getlastmodified>Wed, 03 Jan 2024 10:00:00 GMT</D:getlastmodified>"), props);
            assertTrue(props.contains(">00000020</N:Win32FileAttributes>"), props);
        }

        @Test
        void deadPropertiesAreStoredAndRemovedInOrder() throws Exception {
            put(base + "/d", bytes("x"));
            send("PROPPATCH " + base + "/d HTTP/1.1", """
                    <D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z">\
                    <D:set><D:prop><Z:a>first</Z:a></D:prop></D:set>\
                    <D:remove><D:prop><Z:a/></D:prop></D:remove>\
                    <D:set><D:prop><Z:a>third</Z:a><Z:b><Z:inner attr="v">x</Z:inner></Z:b></D:prop></D:set>\
                    </D:propertyupdate>""");
            String xml = send("PROPFIND " + base + "/d HTTP/1.1\nDepth: 0",
                    "<D:propfind xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\"><D:prop><Z:a/><Z:b/></D:prop></D:propfind>").text();
            assertTrue(xml.contains("<N:a xmlns:N=\"urn:z\">third</N:a>"), xml);
            assertTrue(xml.contains("<inner xmlns=\"urn:z\" attr=\"v\">x</inner>"), xml);
        }

        @Test
        void aProtectedPropertyFailsTheWholePatch() throws Exception {
            put(base + "/p", bytes("x"));
            Response r = send("PROPPATCH " + base + "/p HTTP/1.1", """
                    <D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set><D:prop>\
                    <Z:ok>1</Z:ok><D:getetag>"forged"</D:getetag></D:prop></D:set></D:propertyupdate>""");
            String xml = r.text();
            assertTrue(xml.contains("403 Forbidden"), xml);
            assertTrue(xml.contains("424 Failed Dependency"), xml);
            String after = send("PROPFIND " + base + "/p HTTP/1.1\nDepth: 0",
                    "<D:propfind xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\"><D:prop><Z:ok/></D:prop></D:propfind>").text();
            assertTrue(after.contains("404 Not Found"), after);
        }

        @Test
        void theEmptyNamespaceIsWrittenAsValidXml() throws Exception {
            put(base + "/e", bytes("x"));
            send("PROPPATCH " + base + "/e HTTP/1.1", """
                    <D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><plain xmlns="">v</plain></D:prop></D:set></D:propertyupdate>""");
            String xml = send("PROPFIND " + base + "/e HTTP/1.1\nDepth: 0").text();
            assertTrue(xml.contains("<plain xmlns=\"\">v</plain>"), xml);
            assertTrue(!xml.contains("xmlns:ns1=\"\""), xml);
        }
    }

    @Nested
    @DisplayName("COPY, MOVE and DELETE")
    class CopyMoveDelete {
        @Test
        void copyWithoutOverwriteHeaderReplaces() throws Exception {
            put(base + "/src", bytes("source"));
            put(base + "/dst", bytes("old"));
            Response r = send("COPY " + base + "/src HTTP/1.1\nDestination: http://127.0.0.1" + base + "/dst");
            assertEquals(204, r.status());
            assertArrayEquals(bytes("source"), get(base + "/dst"));
        }

        @Test
        void moveWithoutOverwriteHeaderReplaces() throws Exception {
            put(base + "/src", bytes("source"));
            put(base + "/dst", bytes("old"));
            assertEquals(204, send("MOVE " + base + "/src HTTP/1.1\nDestination: " + base + "/dst").status());
            assertArrayEquals(bytes("source"), get(base + "/dst"));
            assertEquals(404, send("GET " + base + "/src HTTP/1.1").status());
        }

        @Test
        void overwriteFalseOntoAnExistingResourceIs412() throws Exception {
            put(base + "/src", bytes("source"));
            put(base + "/dst", bytes("old"));
            assertEquals(412, send("COPY " + base + "/src HTTP/1.1\nOverwrite: F\nDestination: " + base + "/dst").status());
            assertEquals(412, send("MOVE " + base + "/src HTTP/1.1\nOverwrite: F\nDestination: " + base + "/dst").status());
            assertArrayEquals(bytes("old"), get(base + "/dst"));
        }

        @Test
        void intoAMissingFolderIs409() throws Exception {
            put(base + "/src", bytes("source"));
            assertEquals(409, send("COPY " + base + "/src HTTP/1.1\nDestination: " + base + "/none/dst").status());
            assertEquals(409, send("MOVE " + base + "/src HTTP/1.1\nDestination: " + base + "/none/dst").status());
        }

        @Test
        void copyOfAFolderCopiesItsTreeAndDeadProperties() throws Exception {
            send("MKCOL " + base + "/tree HTTP/1.1");
            send("MKCOL " + base + "/tree/sub HTTP/1.1");
            put(base + "/tree/sub/leaf", bytes("leaf"));
            send("PROPPATCH " + base + "/tree/sub/leaf HTTP/1.1",
                    "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\"><D:set><D:prop><Z:tag>blue</Z:tag></D:prop></D:set></D:propertyupdate>");
            assertEquals(201, send("COPY " + base + "/tree/ HTTP/1.1\nDestination: " + base + "/copy/").status());
            assertArrayEquals(bytes("leaf"), get(base + "/copy/sub/leaf"));
            String props = send("PROPFIND " + base + "/copy/sub/leaf HTTP/1.1\nDepth: 0").text();
            assertTrue(props.contains(">blue</N:tag>"), props);
            assertArrayEquals(bytes("leaf"), get(base + "/tree/sub/leaf"));
        }

        @Test
        void shallowCopyOfAFolderCopiesOnlyTheFolder() throws Exception {
            send("MKCOL " + base + "/tree HTTP/1.1");
            put(base + "/tree/leaf", bytes("leaf"));
            assertEquals(201, send("COPY " + base + "/tree/ HTTP/1.1\nDepth: 0\nDestination: " + base + "/shallow/").status());
            assertEquals(207, send("PROPFIND " + base + "/shallow/ HTTP/1.1\nDepth: 0").status());
            assertEquals(404, send("GET " + base + "/shallow/leaf HTTP/1.1").status());
        }

        @Test
        void copyOntoItselfOrIntoItselfIs403() throws Exception {
            send("MKCOL " + base + "/tree HTTP/1.1");
            assertEquals(403, send("COPY " + base + "/tree/ HTTP/1.1\nDestination: " + base + "/tree/").status());
            assertEquals(403, send("MOVE " + base + "/tree/ HTTP/1.1\nDestination: " + base + "/tree/inside/").status());
        }

        @Test
        void deleteRemovesAFolderRecursively() throws Exception {
            send("MKCOL " + base + "/tree HTTP/1.1");
            send("MKCOL " + base + "/tree/sub HTTP/1.1");
            put(base + "/tree/sub/leaf", bytes("leaf"));
            assertEquals(204, send("DELETE " + base + "/tree/ HTTP/1.1").status());
            assertEquals(404, send("GET " + base + "/tree/sub/leaf HTTP/1.1").status());
            assertEquals(404, send("DELETE " + base + "/tree/ HTTP/1.1").status());
        }

        @Test
        void aDestinationOnAnotherHostNameIsComparedByPath() throws Exception {
            put(base + "/src", bytes("s"));
            assertEquals(201, send("MOVE " + base + "/src HTTP/1.1\nDestination: https://proxy.example:8443" + base + "/moved").status());
            assertArrayEquals(bytes("s"), get(base + "/moved"));
        }

        @Test
        void aMissingDestinationIs400() throws Exception {
            put(base + "/src", bytes("s"));
            assertEquals(400, send("COPY " + base + "/src HTTP/1.1").status());
        }
    }
}
