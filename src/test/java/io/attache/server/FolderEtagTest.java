package io.attache.server;

import io.attache.testing.RawHttp;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder's entity tag changes whenever anything below it changes, and only then: a sync client
 * compares the tags of a Depth: 1 listing and walks into the folders whose tag moved.
 */
@DisplayName("Folder entity tags")
class FolderEtagTest {

    private static final Pattern ETAG = Pattern.compile("<D:getetag>([^<]+)</D:getetag>");
    private static final List<String> FOLDERS = List.of("/", "/a/", "/a/b/", "/a/b/c/", "/other/");

    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir).user("sync");
        for (String folder : List.of("/a/", "/a/b/", "/a/b/c/", "/other/")) {
            assertEquals(201, send("MKCOL " + folder + " HTTP/1.1").status());
        }
        assertEquals(201, send("PUT /a/b/c/file HTTP/1.1", "one").status());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    Response send(String head) throws Exception {
        return RawHttp.exchange(server.port(), head + "\nHost: 127.0.0.1\nAuthorization: " + TestServer.basic("sync")
                + "\nConnection: close");
    }

    Response send(String head, String body) throws Exception {
        return RawHttp.exchange(server.port(), head + "\nHost: 127.0.0.1\nAuthorization: " + TestServer.basic("sync")
                + "\nConnection: close", body);
    }

    String etag(String folder) throws Exception {
        Response r = send("PROPFIND " + folder + " HTTP/1.1\nDepth: 0",
                "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/></D:prop></D:propfind>");
        Matcher m = ETAG.matcher(r.text());
        assertTrue(m.find(), r::toString);
        return m.group(1);
    }

    Map<String, String> etags() throws Exception {
        Map<String, String> out = new HashMap<>();
        for (String folder : FOLDERS) {
            out.put(folder, etag(folder));
        }
        return out;
    }

    /** Runs {@code change} and checks that exactly the folders in {@code changed} got a new tag. */
    void assertChanges(String request, String body, int status, String... changed) throws Exception {
        Map<String, String> before = etags();
        Response r = body == null ? send(request) : send(request, body);
        assertEquals(status, r.status(), r::toString);
        Map<String, String> after = etags();
        for (String folder : FOLDERS) {
            if (List.of(changed).contains(folder)) {
                assertNotEquals(before.get(folder), after.get(folder), folder + " after " + request);
            } else {
                assertEquals(before.get(folder), after.get(folder), folder + " after " + request);
            }
        }
    }

    @Test
    @DisplayName("strong, different for every folder, stable while nothing changes")
    void strongDistinctAndStable() throws Exception {
        Map<String, String> first = etags();
        assertEquals(FOLDERS.size(), Map.copyOf(first).values().stream().distinct().count());
        for (String tag : first.values()) {
            assertTrue(tag.startsWith("\"") && tag.endsWith("\""), tag);
        }
        send("GET /a/b/c/file HTTP/1.1");
        send("PROPFIND /a/ HTTP/1.1\nDepth: infinity");
        assertEquals(first, etags(), "reads change nothing");
        String listing = send("PROPFIND / HTTP/1.1\nDepth: 1").text();
        assertTrue(listing.contains("<D:getetag>" + first.get("/a/") + "</D:getetag>"), "allprop has folder tags: " + listing);
    }

    @Test
    @DisplayName("a write, a property, a new folder: the folder and every ancestor")
    void writesPropagateToTheRoot() throws Exception {
        assertChanges("PUT /a/b/c/file HTTP/1.1", "two", 204, "/", "/a/", "/a/b/", "/a/b/c/");
        assertChanges("PUT /a/b/new HTTP/1.1", "new", 201, "/", "/a/", "/a/b/");
        assertChanges("PROPPATCH /a/b/c/file HTTP/1.1", """
                <D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set><D:prop><Z:x>1</Z:x></D:prop></D:set></D:propertyupdate>""",
                207, "/", "/a/", "/a/b/", "/a/b/c/");
        assertChanges("MKCOL /a/b/c/d HTTP/1.1", null, 201, "/", "/a/", "/a/b/", "/a/b/c/");
        assertChanges("LOCK /other/locked HTTP/1.1", """
                <D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>""",
                201, "/", "/other/");
    }

    @Test
    @DisplayName("COPY, MOVE and DELETE: the folders whose contents changed, on both sides of a move")
    void copyMoveDelete() throws Exception {
        assertChanges("COPY /a/b/c/file HTTP/1.1\nDestination: /other/copy", null, 201, "/", "/other/");
        assertChanges("MOVE /other/copy HTTP/1.1\nDestination: /a/b/moved", null, 201, "/", "/a/", "/a/b/", "/other/");
        assertChanges("DELETE /a/b/moved HTTP/1.1", null, 204, "/", "/a/", "/a/b/");

        Map<String, String> before = etags();
        assertEquals(201, send("MOVE /a/b/c/ HTTP/1.1\nDestination: /other/c/").status());
        for (String folder : List.of("/", "/a/", "/a/b/", "/other/")) {
            assertNotEquals(before.get(folder), etag(folder), folder + " after moving a folder");
        }
        assertNotEquals(before.get("/a/b/c/"), etag("/other/c/"), "the moved folder, at its new URL");
    }

    @Test
    @DisplayName("a copied folder gets tags of its own")
    void aCopiedTreeHasNewTags() throws Exception {
        String source = etag("/a/b/");
        String inner = etag("/a/b/c/");
        assertEquals(201, send("COPY /a/b/ HTTP/1.1\nDestination: /copy/").status());
        assertNotNull(etag("/copy/"));
        assertNotEquals(source, etag("/copy/"));
        assertNotEquals(inner, etag("/copy/c/"));
        assertEquals(inner, etag("/a/b/c/"), "the source is unchanged");
    }
}
