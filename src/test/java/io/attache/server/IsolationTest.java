package io.attache.server;

import io.attache.testing.RawHttp;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two users, each with their own tree: no method, path spelling or Destination lets one of them
 * list, read, write, copy into or move into the other's files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsolationTest {

    @TempDir
    static Path dir;
    TestServer server;
    static final byte[] SECRET = "bob's secret".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir).user("alice").user("bob");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    Response as(String user, String head) throws Exception {
        return RawHttp.exchange(server.port(), head.strip() + "\nHost: 127.0.0.1\nConnection: close\nAuthorization: " + TestServer.basic(user));
    }

    Response as(String user, String head, byte[] body) throws Exception {
        return RawHttp.exchange(server.port(), head.strip() + "\nHost: 127.0.0.1\nConnection: close\nContent-Length: "
                + body.length + "\nAuthorization: " + TestServer.basic(user), body);
    }

    @BeforeEach
    void bobHasASecret() throws Exception {
        as("bob", "MKCOL /vault HTTP/1.1");
        assertEquals(true, as("bob", "PUT /vault/secret.txt HTTP/1.1", SECRET).status() / 100 == 2);
    }

    void bobsSecretIsIntact() throws Exception {
        Response r = as("bob", "GET /vault/secret.txt HTTP/1.1");
        assertEquals(200, r.status());
        assertArrayEquals(SECRET, r.body());
        String listing = as("bob", "PROPFIND /vault/ HTTP/1.1\nDepth: 1").text();
        assertTrue(listing.contains("/vault/secret.txt"), listing);
        assertFalse(listing.contains("planted"), listing);
    }

    @Test
    void aliceCannotListOrReadBobsFiles() throws Exception {
        String rootListing = as("alice", "PROPFIND / HTTP/1.1\nDepth: 1").text();
        assertFalse(rootListing.contains("vault"), rootListing);
        assertEquals(404, as("alice", "PROPFIND /vault/ HTTP/1.1\nDepth: 0").status());
        assertEquals(404, as("alice", "GET /vault/secret.txt HTTP/1.1").status());
        assertEquals(404, as("alice", "HEAD /vault/secret.txt HTTP/1.1").status());
        bobsSecretIsIntact();
    }

    @Test
    void aliceCannotWriteDeleteOrPatchBobsFiles() throws Exception {
        assertEquals(409, as("alice", "PUT /vault/secret.txt HTTP/1.1", "planted".getBytes(StandardCharsets.UTF_8)).status());
        assertEquals(404, as("alice", "DELETE /vault/secret.txt HTTP/1.1").status());
        assertEquals(404, as("alice", "DELETE /vault/ HTTP/1.1").status());
        assertEquals(404, as("alice", "PROPPATCH /vault/secret.txt HTTP/1.1",
                "<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><x xmlns=\"urn:x\">planted</x></D:prop></D:set></D:propertyupdate>"
                        .getBytes(StandardCharsets.UTF_8)).status());
        bobsSecretIsIntact();
    }

    @Test
    void aliceCannotCopyOrMoveIntoBobsTree() throws Exception {
        as("alice", "PUT /mine.txt HTTP/1.1", "planted".getBytes(StandardCharsets.UTF_8));
        assertEquals(409, as("alice", "COPY /mine.txt HTTP/1.1\nDestination: http://127.0.0.1/vault/secret.txt").status());
        assertEquals(409, as("alice", "MOVE /mine.txt HTTP/1.1\nDestination: /vault/planted.txt").status());
        assertEquals(404, as("alice", "COPY /vault/secret.txt HTTP/1.1\nDestination: /stolen.txt").status());
        bobsSecretIsIntact();
    }

    @Test
    void aliceMakingTheSameFolderNameGetsHerOwn() throws Exception {
        assertEquals(201, as("alice", "MKCOL /vault HTTP/1.1").status());
        as("alice", "PUT /vault/secret.txt HTTP/1.1", "planted".getBytes(StandardCharsets.UTF_8));
        bobsSecretIsIntact();
        assertEquals("planted", as("alice", "GET /vault/secret.txt HTTP/1.1").text());
        as("alice", "DELETE /vault/ HTTP/1.1");
        bobsSecretIsIntact();
    }

    @Test
    void noPathSpellingLeavesTheTree() throws Exception {
        String[] sneaky = {"/../vault/secret.txt", "/%2e%2e/vault/secret.txt", "/x/..%2fvault/secret.txt",
                "/%2E%2E%2Fvault%2Fsecret.txt", "/./vault/secret.txt", "//vault//secret.txt", "/x/%2e%2e/%2e%2e/vault/secret.txt"};
        for (String path : sneaky) {
            Response r = as("alice", "GET " + path + " HTTP/1.1");
            assertTrue(r.status() == 400 || r.status() == 404, path + " -> " + r.status());
        }
        Response destination = as("alice", "COPY /anything HTTP/1.1\nDestination: http://127.0.0.1/%2e%2e/bob/vault/x");
        assertTrue(destination.status() == 400 || destination.status() == 404, "destination -> " + destination.status());
        bobsSecretIsIntact();
    }

    @Test
    void aPasswordOpensOnlyItsOwnAccount() throws Exception {
        Response r = RawHttp.exchange(server.port(), "GET /vault/secret.txt HTTP/1.1\nHost: x\nConnection: close\nAuthorization: "
                + TestServer.basic("bob", "not bob's password"));
        assertEquals(401, r.status());
    }
}
