package io.attache.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web app's API: sign-in, anti-forgery rules, safety headers, files, zip, search, trash. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebApiTest {

    @TempDir
    static Path dir;
    TestServer server;
    WebClient alice;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir).user("alice");
        alice = new WebClient(server.webUrl());
        assertEquals(200, alice.login("alice", TestServer.PASSWORD));
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieAndAWrongPasswordIsRefused() throws Exception {
        WebClient fresh = new WebClient(server.webUrl());
        HttpResponse<byte[]> r = fresh.send("POST", "/api/login",
                WebClient.json(Map.of("user", "alice", "password", TestServer.PASSWORD)), Map.of());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("attache_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
        assertEquals(401, new WebClient(server.webUrl()).login("alice", "not the password"));
        assertEquals(401, new WebClient(server.webUrl()).get("/api/list?path=/").statusCode());
    }

    @Test
    void aChangeWithoutTheTokenOrFromAnotherOriginIsRefused() throws Exception {
        byte[] body = WebClient.json(Map.of("path", "/forged"));
        assertEquals(403, alice.send("POST", "/api/mkdir", body, Map.of()).statusCode(), "no token");
        assertEquals(403, alice.send("POST", "/api/mkdir", body, Map.of("X-CSRF-Token", "wrong")).statusCode());
        assertEquals(403, alice.send("POST", "/api/mkdir", body, Map.of("X-CSRF-Token", alice.csrf,
                "Origin", "http://127.0.0.1:1")).statusCode(), "another origin");
        assertEquals(403, alice.send("POST", "/api/mkdir", body, Map.of("X-CSRF-Token", alice.csrf,
                "Sec-Fetch-Site", "same-site")).statusCode(), "another port of the same host is another origin");
        assertEquals(404, alice.get("/api/list?path=/forged").statusCode());
        assertEquals(201, alice.send("POST", "/api/mkdir", body, Map.of("X-CSRF-Token", alice.csrf,
                "Origin", alice.base, "Sec-Fetch-Site", "same-origin")).statusCode());
    }

    @Test
    void activeContentIsASandboxedDownloadAndPagesForbidFraming() throws Exception {
        assertEquals(201, alice.put("/api/file/page.html", "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8),
                "text/html").statusCode());
        for (String url : List.of("/api/file/page.html", "/api/file/page.html?inline=1")) {
            HttpResponse<byte[]> r = alice.get(url);
            assertEquals("sandbox", r.headers().firstValue("Content-Security-Policy").orElseThrow(), url);
            assertTrue(r.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment"), url);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow(), url);
        }
        assertEquals(201, alice.put("/api/file/photo.jpg", new byte[]{1, 2, 3}, "image/jpeg").statusCode());
        HttpResponse<byte[]> image = alice.get("/api/file/photo.jpg?inline=1");
        assertTrue(image.headers().firstValue("Content-Disposition").orElseThrow().startsWith("inline"));
        HttpResponse<byte[]> page = alice.get("/");
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'self'"));
        assertTrue(new String(page.body(), StandardCharsets.UTF_8).contains("/assets/app.js"));
        assertEquals(200, alice.get("/assets/app.js").statusCode());
    }

    @Test
    void filesMoveIntoTheTrashAndBack() throws Exception {
        assertEquals(201, alice.put("/api/file/Work/plan.txt?parents=1", "v1".getBytes(StandardCharsets.UTF_8), "text/plain").statusCode());
        assertEquals(200, alice.post("/api/move", Map.of("from", "/Work/plan.txt", "to", "/Work/plan-final.txt")).statusCode());
        assertEquals(409, alice.post("/api/move", Map.of("from", "/Work/plan-final.txt", "to", "/Work")).statusCode(),
                "nothing is replaced by a move");
        assertEquals(200, alice.post("/api/delete", Map.of("paths", List.of("/Work/plan-final.txt"))).statusCode());
        JsonNode trash = WebClient.json(alice.get("/api/trash"));
        JsonNode item = trash.get("items").get(trash.get("items").size() - 1);
        assertEquals("/Work/plan-final.txt", item.get("path").asText());
        assertEquals(200, alice.post("/api/trash/restore", Map.of("id", item.get("id").asLong())).statusCode());
        assertEquals("v1", new String(alice.get("/api/file/Work/plan-final.txt").body(), StandardCharsets.UTF_8));
    }

    @Test
    void searchFindsNamesAnywhereButNotInTheTrash() throws Exception {
        alice.put("/api/file/a/b/c/Needle%20one.txt?parents=1", new byte[1], "text/plain");
        alice.put("/api/file/a/needle-two.txt", new byte[1], "text/plain");
        alice.put("/api/file/a/gone-needle.txt", new byte[1], "text/plain");
        alice.post("/api/delete", Map.of("paths", List.of("/a/gone-needle.txt")));
        JsonNode result = WebClient.json(alice.get("/api/search?q=NEEDLE"));
        assertTrue(result.get("done").asBoolean());
        List<String> paths = new java.util.ArrayList<>();
        result.get("hits").forEach(h -> paths.add(h.get("path").asText()));
        java.util.Collections.sort(paths);
        assertEquals(List.of("/a/b/c/Needle one.txt", "/a/needle-two.txt"), paths);
        assertEquals(0, WebClient.json(alice.get("/api/search?q=%25")).get("hits").size(), "% is a character, not a wildcard");
    }

    @Test
    void aFolderZipsOnTheFlyWithItsTree() throws Exception {
        byte[] big = new byte[3_000_000];
        new java.util.Random(3).nextBytes(big);
        alice.put("/api/file/Album/big.bin?parents=1", big, "application/octet-stream");
        alice.put("/api/file/Album/sub/small.txt?parents=1", "hi".getBytes(StandardCharsets.UTF_8), "text/plain");
        alice.post("/api/mkdir", Map.of("path", "/Album/empty"));
        HttpResponse<byte[]> zip = alice.get("/api/zip/Album");
        assertEquals(200, zip.statusCode());
        assertEquals("application/zip", zip.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(zip.headers().firstValue("Content-Length").isEmpty(), "streamed, not built first");
        Map<String, byte[]> entries = new java.util.TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        assertEquals(List.of("big.bin", "empty/", "sub/", "sub/small.txt"), List.copyOf(entries.keySet()));
        assertArrayEquals(big, entries.get("big.bin"));
        assertEquals("hi", new String(entries.get("sub/small.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void liveTransfersArriveAsServerSentEvents() throws Exception {
        alice.put("/api/file/sse.bin", new byte[12_345], "application/octet-stream");
        HttpResponse<java.io.InputStream> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(alice.base + "/api/transfers/events"))
                        .header("Cookie", cookieOf(alice)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("text/event-stream;charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String data = null;
            for (int i = 0; i < 20 && data == null; i++) {
                String line = lines.readLine();
                if (line != null && line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            JsonNode event = WebClient.JSON.readTree(data);
            assertFalse(event.get("writeBack").asBoolean(), "write-through: nothing waits");
            boolean seen = false;
            for (JsonNode u : event.get("uploads")) {
                seen |= u.get("path").asText().equals("/sse.bin") && u.get("bytes").asLong() == 12_345
                        && u.get("state").asText().equals("stored");
            }
            assertTrue(seen, data);
        }
    }

    @Test
    void onlyAdministratorsReachTheAdminApi() throws Exception {
        assertEquals(403, alice.get("/api/admin/users").statusCode());
        server.attache().users.add("root", TestServer.PASSWORD.toCharArray(), null, true);
        WebClient root = new WebClient(server.webUrl());
        assertEquals(200, root.login("root", TestServer.PASSWORD));
        assertEquals(400, root.post("/api/admin/users", Map.of("name", "bob", "password", "short")).statusCode(),
                "the command line's password rule");
        assertEquals(201, root.post("/api/admin/users", Map.of("name", "bob", "password", "long enough", "quota", "1MiB")).statusCode());
        assertEquals(1L << 20, server.attache().users.find("bob").orElseThrow().quotaBytes());
        JsonNode status = WebClient.json(root.get("/api/admin/status"));
        assertEquals("local", status.get("store").get("store").asText());
        assertEquals(200, root.post("/api/admin/users/remove", Map.of("name", "bob")).statusCode());
        assertNotNull(server.attache().users.find("bob").orElseThrow().removedAt(),
                "removed: no longer signs in, files kept until the trash retention ends");
        assertEquals(401, new WebClient(server.webUrl()).login("bob", "long enough"));
    }

    private static String cookieOf(WebClient client) throws Exception {
        java.lang.reflect.Field f = WebClient.class.getDeclaredField("cookies");
        f.setAccessible(true);
        @SuppressWarnings("unchecked")
        Map<String, String> cookies = (Map<String, String>) f.get(client);
        return "attache_session=" + cookies.get("attache_session");
    }
}
