package io.attache.server;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One name rule for every path a request names: the request line and the Destination header go
 * through the same parser, so a name COPY or MOVE can create, GET, PROPFIND, DELETE and MOVE can
 * reach. Every character but NUL and '/' is a name character; what is refused gets a 400 that
 * says why and creates nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The name rule on the wire")
class NameRuleTest {

    private static final AtomicInteger FOLDERS = new AtomicInteger();
    @TempDir
    static Path dir;
    TestServer server;
    String base;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir).user("alice");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void freshFolder() throws Exception {
        base = "/n" + FOLDERS.incrementAndGet();
        assertEquals(201, send("MKCOL " + base + "/ HTTP/1.1").status());
        assertEquals(201, send("PUT " + base + "/src HTTP/1.1", "content").status());
    }

    Response send(String head) throws Exception {
        return RawHttp.exchange(server.port(), withHost(head));
    }

    Response send(String head, String body) throws Exception {
        return RawHttp.exchange(server.port(), withHost(head), body);
    }

    private static String withHost(String head) {
        return head.strip() + "\nHost: 127.0.0.1\nAuthorization: " + TestServer.basic("alice") + "\nConnection: close";
    }

    /** The names in a Depth: 1 listing of the test folder, as hrefs. */
    String listing() throws Exception {
        Response r = send("PROPFIND " + base + "/ HTTP/1.1\nDepth: 1");
        assertEquals(207, r.status(), r::toString);
        return r.text();
    }

    @ParameterizedTest(name = "COPY and MOVE to a name with {0}; every method reaches it")
    @ValueSource(strings = {"%01", "%0D%0A", "%5C", "%7F", "%09", "%1B", "%1F", "%22%3C%3E%7C%3F%23%25"})
    void copyAndMoveCreateNamesEveryMethodReaches(String encoded) throws Exception {
        String copy = base + "/copy" + encoded + "name";
        Response copied = send("COPY " + base + "/src HTTP/1.1\nDestination: http://127.0.0.1" + copy);
        assertEquals(201, copied.status(), copied::toString);
        assertEquals("content", send("GET " + copy + " HTTP/1.1").text());
        assertEquals(207, send("PROPFIND " + copy + " HTTP/1.1\nDepth: 0").status());
        assertTrue(listing().contains("<D:href>" + copy + "</D:href>"), "listed with the same encoding");

        String moved = base + "/moved" + encoded + "name";
        assertEquals(201, send("MOVE " + copy + " HTTP/1.1\nDestination: " + moved).status());
        assertEquals(404, send("GET " + copy + " HTTP/1.1").status());
        assertEquals("content", send("GET " + moved + " HTTP/1.1").text());

        String renamed = base + "/" + encoded;
        assertEquals(201, send("MOVE " + moved + " HTTP/1.1\nDestination: http://127.0.0.1" + renamed).status(),
                "MOVE creates the name too");
        assertEquals(207, send("PROPFIND " + renamed + " HTTP/1.1\nDepth: 0").status());
        assertEquals(204, send("DELETE " + renamed + " HTTP/1.1").status());
        assertEquals(404, send("GET " + renamed + " HTTP/1.1").status());
    }

    @Test
    @DisplayName("a raw backslash in the request line is the same name as %5C")
    void rawBackslash() throws Exception {
        assertEquals(201, send("PUT " + base + "/a\\b HTTP/1.1", "x").status());
        assertEquals("x", send("GET " + base + "/a%5Cb HTTP/1.1").text());
        assertTrue(listing().contains("<D:href>" + base + "/a%5Cb</D:href>"));
    }

    @Test
    @DisplayName("%00 in a Destination is refused with a reason, and nothing is created")
    void nulInDestination() throws Exception {
        for (String method : new String[]{"COPY", "MOVE"}) {
            Response r = send(method + " " + base + "/src HTTP/1.1\nDestination: http://127.0.0.1" + base + "/bad%00name");
            assertEquals(400, r.status(), r::toString);
            assertTrue(r.text().contains("NUL"), r.text());
        }
        String listing = listing();
        assertTrue(listing.contains("<D:href>" + base + "/src</D:href>"), listing);
        assertEquals(2, listing.split("<D:response>").length - 1, "the folder and its one file: " + listing);
    }

    @Test
    @DisplayName("%00 in the request path is refused with a reason, and nothing is created")
    void nulInRequestPath() throws Exception {
        Response put = send("PUT " + base + "/bad%00name HTTP/1.1", "x");
        assertEquals(400, put.status(), put::toString);
        assertTrue(put.header("Content-Type").startsWith("text/plain"), put::toString);
        assertTrue(put.text().contains("Illegal character in path"), put.text());
        assertEquals(400, send("MKCOL " + base + "/bad%00dir HTTP/1.1").status());
        assertEquals(2, listing().split("<D:response>").length - 1);
    }

    @Test
    @DisplayName("what no name may hold is a 400 that says why")
    void refusalsSayWhy() throws Exception {
        assertReason("PUT " + base + "/a%2Fb HTTP/1.1", "'/'");
        assertReason("PUT " + base + "/a%BFb HTTP/1.1", "UTF-8");
        assertReason("PUT " + base + "/a%C3 HTTP/1.1", "UTF-8");
        assertReason("PUT " + base + "/a%zz HTTP/1.1", "hex");
        assertReason("PUT " + base + "/%2e%2e HTTP/1.1", "not a valid name");
        assertReason("GET " + base + "/../" + base + " HTTP/1.1", "not a valid name");
        assertReason("MOVE " + base + "/src HTTP/1.1\nDestination: " + base + "/a%2fb", "'/'");
        assertEquals(2, listing().split("<D:response>").length - 1);
    }

    private void assertReason(String head, String reason) throws Exception {
        Response r = send(head, "x");
        assertEquals(400, r.status(), head + " -> " + r);
        assertTrue(r.text().contains(reason), head + " -> " + r.text());
    }

    @Test
    @DisplayName("an empty segment (//) collapses, in the request line and in a Destination")
    void emptySegmentsCollapse() throws Exception {
        assertEquals(201, send("MKCOL " + base + "//sub// HTTP/1.1").status());
        assertEquals(201, send("PUT " + base + "//sub//f HTTP/1.1", "f").status());
        assertEquals("f", send("GET " + base + "/sub/f HTTP/1.1").text());
        Response r = send("PROPFIND /" + base + "//sub HTTP/1.1\nDepth: 0");
        assertEquals(207, r.status());
        assertTrue(r.text().contains("<D:href>" + base + "/sub/</D:href>"), r.text());
        assertEquals(201, send("COPY " + base + "/src HTTP/1.1\nDestination: http://127.0.0.1" + base + "//sub///g").status());
        assertEquals("content", send("GET " + base + "/sub/g HTTP/1.1").text());
    }

    @Test
    @DisplayName("a name may have 255 characters and 1,024 bytes of UTF-8, not more bytes")
    void longNames() throws Exception {
        String ascii = "a".repeat(255);
        assertEquals(201, send("PUT " + base + "/" + ascii + " HTTP/1.1", "x").status());
        String kib = "b".repeat(1024);
        assertEquals(201, send("COPY " + base + "/src HTTP/1.1\nDestination: " + base + "/" + kib).status());
        String smiles = "%F0%9F%99%82".repeat(256);
        assertEquals(201, send("MKCOL " + base + "/" + smiles + " HTTP/1.1").status(), "256 four-byte characters");
        assertEquals(201, send("MOVE " + base + "/" + ascii + " HTTP/1.1\nDestination: " + base + "/" + smiles + "/" + ascii).status());
        String listing = send("PROPFIND " + base + "/" + smiles + "/ HTTP/1.1\nDepth: 1").text();
        assertTrue(listing.contains(base + "/" + smiles + "/" + ascii + "</D:href>"), listing);
        assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), send("GET " + base + "/" + smiles + "/" + ascii + " HTTP/1.1").body());

        assertReason("PUT " + base + "/" + "c".repeat(1025) + " HTTP/1.1", "1024 bytes");
        assertReason("COPY " + base + "/src HTTP/1.1\nDestination: " + base + "/" + "d".repeat(1025), "1024 bytes");
        assertFalse(listing().contains("ccc"));
    }
}
