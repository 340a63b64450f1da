package io.attache.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.meta.Node;
import io.attache.meta.Nodes;
import io.attache.meta.Users;
import io.attache.meta.Versions;
import io.attache.testing.ForkedServer;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder of 20,000 files listed through the web app's API by a server with a 64 MiB heap (that
 * dies on running out of memory): the API pages through the folder, so no answer holds more than
 * one page, whatever the folder's size.
 */
class LargeListingTest {

    static final int FILES = 20_000;

    @TempDir
    Path dir;

    /**
     * Fills {@code /Big} of {@code user} with 20,000 one-byte files: one is written, the others
     * share its content (as COPY makes them), inserted in one transaction so the setup takes a
     * second rather than a minute.
     */
    static void fill(TestServer server, String user) throws Exception {
        long userId = server.attache().users.find(user).orElseThrow().id();
        Drive drive = server.attache().files.drive(userId);
        drive.mkdir(DavPath.parse("/Big"));
        drive.write(DavPath.parse("/Big/file-00000.txt"), new ByteArrayInputStream(new byte[]{'x'}), "text/plain");
        server.attache().db.write(c -> {
            Node root = Nodes.root(c, userId).orElseThrow();
            Node big = Nodes.child(c, root.id(), "Big").orElseThrow();
            Node first = Nodes.child(c, big.id(), "file-00000.txt").orElseThrow();
            for (int i = 1; i < FILES; i++) {
                Versions.addReference(c, first.versionId());
                long now = System.currentTimeMillis();
                Nodes.insertFile(c, userId, big.id(), String.format("file-%05d.txt", i), first.versionId(), "text/plain",
                        now, now);
            }
            Users.addUsedBytes(c, userId, FILES - 1);
            return null;
        });
    }

    @Test
    void twentyThousandEntriesPageThroughASmallHeap() throws Exception {
        Path data = dir.resolve("data");
        try (TestServer setup = TestServer.start(data).user(ForkedServer.USER)) {
            fill(setup, ForkedServer.USER);
        }
        int webPort;
        try (ServerSocket s = new ServerSocket(0)) {
            webPort = s.getLocalPort();
        }
        try (ForkedServer server = ForkedServer.start(data, Map.of("ATTACHE_WEB_LISTEN", "127.0.0.1:" + webPort,
                "ATTACHE_UPLOAD_BUFFERS", "2"), "-Xmx64m")) {
            WebClient client = new WebClient("http://127.0.0.1:" + webPort);
            assertEquals(200, client.login(ForkedServer.USER, TestServer.PASSWORD));
            int total = 0;
            int pages = 0;
            String after = "";
            String last = "";
            while (true) {
                HttpResponse<byte[]> r = client.get("/api/list?path=%2FBig&limit=100000&after="
                        + URLEncoder.encode(after, StandardCharsets.UTF_8));
                assertEquals(200, r.statusCode());
                JsonNode page = WebClient.json(r);
                int n = page.get("entries").size();
                assertTrue(n <= FilesApi.MAX_PAGE, "a page holds at most " + FilesApi.MAX_PAGE + " entries, got " + n);
                assertTrue(r.body().length < 400_000, "a page is small: " + r.body().length + " bytes");
                for (JsonNode e : page.get("entries")) {
                    assertTrue(e.get("name").asText().compareTo(last) > 0, "in name order, each once");
                    last = e.get("name").asText();
                }
                total += n;
                pages++;
                if (!page.get("more").asBoolean()) {
                    break;
                }
                after = last;
                assertTrue(pages < 100, "bounded");
            }
            assertEquals(FILES, total);
            assertEquals(FILES / FilesApi.MAX_PAGE, pages);
            assertEquals("file-19999.txt", last);
            assertTrue(server.isAlive(), "the 64 MiB server is still up:\n" + server.log());
        }
    }
}
