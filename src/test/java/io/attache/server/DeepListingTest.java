package io.attache.server;

import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.testing.RawHttp;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PROPFIND with Depth: infinity: every file and folder of the tree exactly once, streamed, with
 * folders wider than a page of the listing query and deeper than a few levels; trees above the
 * configured limit are refused with {@code propfind-finite-depth}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("PROPFIND Depth: infinity")
class DeepListingTest {

    private static final Pattern HREF = Pattern.compile("<D:href>([^<]*)</D:href>");
    @TempDir
    static Path dir;
    TestServer server;
    /** Every href below /tree/ (the tree itself included), as the server writes them. */
    final Set<String> expected = new HashSet<>();

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir, Map.of("propfind-infinity-limit", "1250")).user("deep");
        Drive drive = server.attache().files.drive(server.attache().users.find("deep").orElseThrow().id());
        folder(drive, "/tree/");
        folder(drive, "/tree/wide/");
        for (int i = 0; i < 1_150; i++) {
            file(drive, "/tree/wide/f" + i);
        }
        folder(drive, "/tree/wide/in%20between/");
        file(drive, "/tree/wide/in%20between/x");
        StringBuilder chain = new StringBuilder("/tree");
        for (int level = 0; level < 40; level++) {
            chain.append("/d").append(level);
            folder(drive, chain + "/");
            file(drive, chain + "/leaf%0A" + level);
        }
        for (String name : new String[]{"a", "b%5Cc", "%F0%9F%99%82", "z"}) {
            folder(drive, "/tree/" + name + "/");
            folder(drive, "/tree/" + name + "/inner/");
            file(drive, "/tree/" + name + "/inner/file");
            file(drive, "/tree/" + name + "0");
        }
        folder(drive, "/tree/empty/");
    }

    private void folder(Drive drive, String href) throws Exception {
        drive.mkdir(DavPath.parse(href));
        expected.add(href);
    }

    private void file(Drive drive, String href) throws Exception {
        drive.write(DavPath.parse(href), new ByteArrayInputStream(new byte[]{1}), null);
        expected.add(href);
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    Response propfind(String path, String depthHeader) throws Exception {
        return RawHttp.exchange(server.port(), "PROPFIND " + path + " HTTP/1.1\nHost: 127.0.0.1\n" + depthHeader
                + "Authorization: " + TestServer.basic("deep"),
                "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:resourcetype/><D:getetag/></D:prop></D:propfind>");
    }

    static List<String> hrefs(Response r) {
        List<String> out = new ArrayList<>();
        Matcher m = HREF.matcher(r.text());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    @DisplayName("lists every file and folder of the tree exactly once, streamed")
    void everyEntryOnce() throws Exception {
        Response r = propfind("/tree/", "Depth: infinity\n");
        assertEquals(207, r.status(), r::toString);
        List<String> hrefs = hrefs(r);
        assertEquals(expected.size(), hrefs.size(), "no duplicates");
        assertEquals(expected, new HashSet<>(hrefs));
        assertEquals("/tree/", hrefs.get(0), "the folder asked for comes first");
        assertEquals("chunked", r.header("Transfer-Encoding"), "written as it is produced");
    }

    @Test
    @DisplayName("a missing Depth header means infinity (RFC 4918 section 9.1)")
    void missingDepthIsInfinity() throws Exception {
        Response r = propfind("/tree/a/", "");
        assertEquals(207, r.status(), r::toString);
        assertEquals(Set.of("/tree/a/", "/tree/a/inner/", "/tree/a/inner/file"), new HashSet<>(hrefs(r)));
    }

    @Test
    @DisplayName("a tree above the limit (1,250 entries here) is refused with propfind-finite-depth; Depth 1 still lists it")
    void aTreeAboveTheLimitIsRefused() throws Exception {
        Response r = propfind("/", "Depth: infinity\n");
        assertEquals(403, r.status(), r::toString);
        assertTrue(r.text().contains("<D:propfind-finite-depth/>"), r.text());
        assertEquals(207, propfind("/", "Depth: 1\n").status());
        assertEquals(1, hrefs(propfind("/tree/empty/", "Depth: infinity\n")).size());
        assertEquals(List.of("/tree/z0"), hrefs(propfind("/tree/z0", "Depth: infinity\n")), "a file is itself");
    }

    @Test
    @DisplayName("an invalid Depth is a 400")
    void invalidDepth() throws Exception {
        assertEquals(400, propfind("/tree/", "Depth: 2\n").status());
    }
}
