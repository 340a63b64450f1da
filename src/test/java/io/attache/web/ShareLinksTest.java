package io.attache.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.fs.FsException;
import io.attache.fs.ShareLinks;
import io.attache.testing.ManualClock;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Share links over HTTP: ranges, password, revocation, expiry, following moves, and guessing. */
class ShareLinksTest {

    @TempDir
    Path dir;
    TestServer server;
    WebClient owner;
    byte[] video;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir).user("olivia");
        owner = new WebClient(server.webUrl());
        assertEquals(200, owner.login("olivia", TestServer.PASSWORD));
        video = new byte[300_000];
        new java.util.Random(7).nextBytes(video);
        assertEquals(201, owner.put("/api/file/Holiday/clip.mp4?parents=1", video, "video/mp4").statusCode());
        assertEquals(201, owner.put("/api/file/Holiday/notes.txt", "sun".getBytes(StandardCharsets.UTF_8), "text/plain").statusCode());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private String share(String path, String password) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("path", path);
        body.put("password", password);
        HttpResponse<byte[]> r = owner.post("/api/shares", body);
        assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        String url = WebClient.json(r).get("url").asText();
        assertTrue(url.matches("/s/[A-Za-z0-9_-]{43}"), url);
        return url;
    }

    @Test
    void aSharedFileStreamsWithRangesToAnyoneAndCountsAsTheOwnersTraffic() throws Exception {
        String url = share("/Holiday/clip.mp4", null);
        WebClient visitor = new WebClient(server.webUrl());
        JsonNode info = WebClient.json(visitor.get(url + "/info"));
        assertEquals("clip.mp4", info.get("name").asText());
        assertFalse(info.get("needsPassword").asBoolean());
        HttpResponse<byte[]> range = visitor.send("GET", url + "/file?inline=1", null, Map.of("Range", "bytes=100000-100099"));
        assertEquals(206, range.statusCode());
        assertEquals("bytes 100000-100099/300000", range.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(java.util.Arrays.copyOfRange(video, 100_000, 100_100), range.body());
        assertEquals("nosniff", range.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals(1.0, server.attache().metrics.get("attache.share.range.requests").tag("from", "offset").counter().count(),
                "a range from the middle: a seek");
        long served = 0;
        for (int i = 0; i < 100 && served != 100; i++) {
            // counted once the last byte has left, which can be just after the visitor read it
            served = WebClient.json(owner.get("/api/shares")).get("links").get(0).get("bytesServed").asLong();
            Thread.sleep(i == 0 ? 0 : 50);
        }
        assertEquals(100, served, "the bytes served count as the owner's");
        assertEquals(401, visitor.get("/api/list?path=/").statusCode(), "a link opens nothing else");
    }

    @Test
    void aSharedFolderIsBrowsableButNothingAboveIt() throws Exception {
        assertEquals(201, owner.put("/api/file/secret.txt", "no".getBytes(StandardCharsets.UTF_8), "text/plain").statusCode());
        String url = share("/Holiday", null);
        WebClient visitor = new WebClient(server.webUrl());
        JsonNode list = WebClient.json(visitor.get(url + "/list?path=/"));
        assertEquals(2, list.get("entries").size());
        assertEquals("/clip.mp4", list.get("entries").get(0).get("path").asText(), "paths start at the shared folder");
        assertEquals("sun", new String(visitor.get(url + "/file?path=/notes.txt").body(), StandardCharsets.UTF_8));
        assertEquals(400, visitor.get(url + "/file?path=/../secret.txt").statusCode());
        assertEquals(404, visitor.get(url + "/file?path=/secret.txt").statusCode());
        assertEquals(200, visitor.get(url + "/zip?path=/").statusCode());
    }

    @Test
    void aPasswordIsAskedForOnceAndWrongOnesAreRefused() throws Exception {
        String url = share("/Holiday/notes.txt", "open sesame");
        WebClient visitor = new WebClient(server.webUrl());
        assertTrue(WebClient.json(visitor.get(url + "/info")).get("needsPassword").asBoolean());
        assertEquals(401, visitor.get(url + "/file").statusCode());
        assertEquals(403, visitor.post(url + "/unlock", Map.of("password", "guess")).statusCode());
        assertEquals(200, visitor.post(url + "/unlock", Map.of("password", "open sesame")).statusCode());
        HttpResponse<byte[]> file = visitor.get(url + "/file");
        assertEquals(200, file.statusCode());
        assertEquals("sun", new String(file.body(), StandardCharsets.UTF_8));
        assertEquals(401, new WebClient(server.webUrl()).get(url + "/file").statusCode(), "the grant is this browser's");
    }

    @Test
    void aRevokedLinkIsGoneAndALinkFollowsItsFileButNotIntoTheTrash() throws Exception {
        String url = share("/Holiday/notes.txt", null);
        WebClient visitor = new WebClient(server.webUrl());
        assertEquals(200, owner.post("/api/move", Map.of("from", "/Holiday/notes.txt", "to", "/notes renamed.txt")).statusCode());
        assertEquals("notes renamed.txt", WebClient.json(visitor.get(url + "/info")).get("name").asText());
        assertEquals(200, owner.post("/api/delete", Map.of("paths", java.util.List.of("/notes renamed.txt"))).statusCode());
        assertEquals(404, visitor.get(url + "/info").statusCode(), "trashed: the link rests");
        long trashId = WebClient.json(owner.get("/api/trash")).get("items").get(0).get("id").asLong();
        assertEquals(200, owner.post("/api/trash/restore", Map.of("id", trashId)).statusCode());
        assertEquals(200, visitor.get(url + "/info").statusCode(), "restored: it answers again");
        long id = WebClient.json(owner.get("/api/shares")).get("links").get(0).get("id").asLong();
        assertEquals(200, owner.post("/api/shares/revoke", Map.of("id", id)).statusCode());
        assertEquals(404, visitor.get(url + "/info").statusCode());
        assertEquals(404, visitor.get(url + "/file").statusCode());
    }

    @Test
    void aLinkExpires() throws Exception {
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        ShareLinks links = new ShareLinks(server.attache().db, clock);
        long userId = server.attache().users.find("olivia").orElseThrow().id();
        assertThrows(FsException.BadRequest.class, () -> links.create(userId, DavPath.parse("/Holiday"), null,
                Instant.ofEpochMilli(clock.millis() - 1)), "an expiry in the past");
        ShareLinks.Created created = links.create(userId, DavPath.parse("/Holiday"), null, Instant.ofEpochMilli(clock.millis() + 60_000));
        assertTrue(links.find(created.token()).isPresent());
        clock.advance(59_999);
        assertTrue(links.find(created.token()).isPresent());
        clock.advance(1);
        assertTrue(links.find(created.token()).isEmpty(), "expired at its expiry");
        assertThrows(FsException.NotFound.class, () -> links.open(created.token(), null));
        assertNotNull(links.list(userId).get(0).expiresAt(), "its owner still sees it, with its expiry");
    }

    @Test
    void guessingTokensFromOneAddressIsStopped() throws Exception {
        String url = share("/Holiday/notes.txt", null);
        WebClient guesser = new WebClient(server.webUrl());
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < WebApp.SHARE_GUESS_BUDGET; i++) {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            assertEquals(404, guesser.get("/s/" + token + "/info").statusCode());
        }
        HttpResponse<byte[]> refused = guesser.get(url + "/info");
        assertEquals(429, refused.statusCode(), "after the budget even a real link is refused to this address");
        assertTrue(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()) > 0);
    }

    @Test
    void theOwnersOtherTreeAndOtherUsersAreOutOfReach() throws Exception {
        server.user("mallory");
        WebClient mallory = new WebClient(server.webUrl());
        assertEquals(200, mallory.login("mallory", TestServer.PASSWORD));
        assertEquals(404, mallory.get("/api/file/Holiday/notes.txt").statusCode());
        long id = WebClient.json(owner.post("/api/shares", Map.of("path", "/Holiday"))).get("id").asLong();
        assertEquals(404, mallory.post("/api/shares/revoke", Map.of("id", id)).statusCode(), "not mallory's link");
        assertEquals(200, owner.post("/api/delete", Map.of("paths", java.util.List.of("/Holiday/notes.txt"))).statusCode());
        long trashId = WebClient.json(owner.get("/api/trash")).get("items").get(0).get("id").asLong();
        assertEquals(404, mallory.post("/api/trash/restore", Map.of("id", trashId)).statusCode(), "not mallory's trash");
        assertEquals(0, WebClient.json(mallory.get("/api/trash")).get("items").size());
        Drive drive = server.attache().files.drive(server.attache().users.find("olivia").orElseThrow().id());
        assertTrue(drive.find(DavPath.parse("/Holiday/notes.txt")).isEmpty());
        drive.write(DavPath.parse("/x"), new ByteArrayInputStream(new byte[0]), null);
    }
}
