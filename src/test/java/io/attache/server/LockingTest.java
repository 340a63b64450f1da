package io.attache.server;

import io.attache.testing.RawHttp;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WebDAV locking and the If header on the wire. */
class LockingTest {

    static final String LOCKINFO = """
            <?xml version="1.0" encoding="utf-8"?>
            <D:lockinfo xmlns:D="DAV:"><D:lockscope><D:%s/></D:lockscope><D:locktype><D:write/></D:locktype>\
            <D:owner><D:href>mailto:ann@example.com</D:href></D:owner></D:lockinfo>""";

    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir, Map.of("lock-max-timeout", "2h")).user("ann");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    Response send(String head) throws Exception {
        return RawHttp.exchange(server.port(), head.strip() + "\nHost: 127.0.0.1\nConnection: close\nAuthorization: " + TestServer.basic("ann"));
    }

    Response send(String head, String body) throws Exception {
        return RawHttp.exchange(server.port(), head.strip() + "\nHost: 127.0.0.1\nConnection: close\nAuthorization: "
                + TestServer.basic("ann"), body);
    }

    Response put(String path, String content, String... headers) throws Exception {
        return send("PUT " + path + " HTTP/1.1\n" + String.join("\n", headers), content);
    }

    String lock(String path, String scope, String depth) throws Exception {
        Response r = send("LOCK " + path + " HTTP/1.1\nTimeout: Second-600\nDepth: " + depth, LOCKINFO.formatted(scope));
        assertTrue(r.status() == 200 || r.status() == 201, r::toString);
        return token(r);
    }

    static String token(Response r) {
        String header = r.header("Lock-Token");
        assertNotNull(header, r::toString);
        assertTrue(header.startsWith("<opaquelocktoken:") && header.endsWith(">"), header);
        return header.substring(1, header.length() - 1);
    }

    @Test
    void optionsAdvertisesClassTwo() throws Exception {
        Response r = RawHttp.exchange(server.port(), "OPTIONS / HTTP/1.1\nHost: x\nConnection: close");
        assertEquals("1, 2", r.header("DAV"));
        assertTrue(r.header("Allow").contains("LOCK") && r.header("Allow").contains("UNLOCK"));
    }

    @Test
    void aLockAnswersWithItsTokenAndDiscovery() throws Exception {
        put("/f.txt", "x");
        Response r = send("LOCK /f.txt HTTP/1.1\nTimeout: Second-600\nDepth: 0", LOCKINFO.formatted("exclusive"));
        assertEquals(200, r.status());
        String token = token(r);
        assertEquals("Second-600", r.header("Timeout"));
        String xml = r.text();
        assertTrue(xml.contains("<D:exclusive/>") && xml.contains("<D:depth>0</D:depth>"), xml);
        assertTrue(xml.contains("<D:owner><D:href xmlns=\"DAV:\">mailto:ann@example.com</D:href></D:owner>")
                || xml.contains("mailto:ann@example.com"), xml);
        assertTrue(xml.contains("<D:locktoken><D:href>" + token + "</D:href></D:locktoken>"), xml);
        assertTrue(xml.contains("<D:lockroot><D:href>/f.txt</D:href></D:lockroot>"), xml);
        String props = send("PROPFIND /f.txt HTTP/1.1\nDepth: 0", """
                <D:propfind xmlns:D="DAV:"><D:prop><D:lockdiscovery/><D:supportedlock/></D:prop></D:propfind>""").text();
        assertTrue(props.contains(token), props);
        assertTrue(props.contains("<D:lockentry><D:lockscope><D:shared/>"), props);
    }

    @Nested
    @DisplayName("the token decides, not the user")
    class Tokens {
        @Test
        void writesWithoutTheTokenAre423AndWithItSucceed() throws Exception {
            put("/doc.txt", "v1");
            String token = lock("/doc.txt", "exclusive", "0");
            Response refused = put("/doc.txt", "v2");
            assertEquals(423, refused.status());
            assertTrue(refused.text().contains("<D:lock-token-submitted><D:href>/doc.txt</D:href>"), refused.text());
            assertEquals(423, send("DELETE /doc.txt HTTP/1.1").status());
            assertEquals(423, send("MOVE /doc.txt HTTP/1.1\nDestination: /moved.txt").status());
            assertEquals(423, send("PROPPATCH /doc.txt HTTP/1.1", """
                    <D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:x">1</x></D:prop></D:set></D:propertyupdate>""").status());
            put("/other.txt", "o");
            assertEquals(423, send("COPY /other.txt HTTP/1.1\nDestination: /doc.txt").status());
            assertEquals("v1", send("GET /doc.txt HTTP/1.1").text(), "reads need no token");

            assertEquals(204, put("/doc.txt", "v2", "If: (<" + token + ">)").status());
            assertEquals("v2", send("GET /doc.txt HTTP/1.1").text());
        }

        @Test
        void aSecondLockIsRefusedUnlessBothAreShared() throws Exception {
            put("/a", "a");
            lock("/a", "exclusive", "0");
            assertEquals(423, send("LOCK /a HTTP/1.1", LOCKINFO.formatted("exclusive")).status());
            assertEquals(423, send("LOCK /a HTTP/1.1", LOCKINFO.formatted("shared")).status());
            put("/b", "b");
            lock("/b", "shared", "0");
            lock("/b", "shared", "0");
            assertEquals(423, send("LOCK /b HTTP/1.1", LOCKINFO.formatted("exclusive")).status());
        }

        @Test
        void unlockTakesTheTokenBareOrBracketed() throws Exception {
            put("/u1", "1");
            put("/u2", "2");
            String bare = lock("/u1", "exclusive", "0");
            String bracketed = lock("/u2", "exclusive", "0");
            assertEquals(204, send("UNLOCK /u1 HTTP/1.1\nLock-Token: " + bare).status());
            assertEquals(204, send("UNLOCK /u2 HTTP/1.1\nLock-Token: <" + bracketed + ">").status());
            assertEquals(204, put("/u1", "free").status());
        }

        @Test
        void unlockWithAWrongTokenIs409AndWithoutOneIs400() throws Exception {
            put("/w", "w");
            lock("/w", "exclusive", "0");
            Response wrong = send("UNLOCK /w HTTP/1.1\nLock-Token: <opaquelocktoken:not-it>");
            assertEquals(409, wrong.status());
            assertTrue(wrong.text().contains("lock-token-matches-request-uri"), wrong.text());
            assertEquals(400, send("UNLOCK /w HTTP/1.1").status());
        }
    }

    @Test
    void aLockOnAnUnmappedUrlMakesAnEmptyLockedFile() throws Exception {
        Response r = send("LOCK /new.txt HTTP/1.1\nDepth: 0", LOCKINFO.formatted("exclusive"));
        assertEquals(201, r.status());
        String token = token(r);
        Response head = send("HEAD /new.txt HTTP/1.1");
        assertEquals(200, head.status());
        assertEquals("0", head.header("Content-Length"));
        assertEquals(423, put("/new.txt", "x").status());
        assertEquals(204, put("/new.txt", "x", "If: (<" + token + ">)").status());
        assertEquals(409, send("LOCK /missing/new.txt HTTP/1.1", LOCKINFO.formatted("exclusive")).status());
    }

    @Nested
    @DisplayName("collection locks")
    class Collections {
        @Test
        void anInfiniteLockCoversEverythingBelow() throws Exception {
            send("MKCOL /c HTTP/1.1");
            send("MKCOL /c/sub HTTP/1.1");
            put("/c/sub/in.txt", "in");
            String token = lock("/c/", "exclusive", "infinity");
            assertEquals(423, put("/c/sub/in.txt", "changed").status());
            assertEquals(423, put("/c/sub/new.txt", "new").status());
            assertEquals(423, send("MKCOL /c/sub/deeper HTTP/1.1").status());
            assertEquals(423, send("DELETE /c/sub/ HTTP/1.1").status());
            assertEquals(201, put("/c/sub/new.txt", "new", "If: (<" + token + ">)").status());
            String props = send("PROPFIND /c/sub/new.txt HTTP/1.1\nDepth: 0").text();
            assertTrue(props.contains(token) && props.contains("<D:lockroot><D:href>/c/</D:href>"), props);
            assertEquals(204, send("DELETE /c/ HTTP/1.1\nIf: (<" + token + ">)").status());
            assertEquals(201, send("MKCOL /c HTTP/1.1").status(), "the lock went with the folder");
        }

        @Test
        void aDepthZeroLockProtectsMembershipButNotMembersContent() throws Exception {
            send("MKCOL /z HTTP/1.1");
            put("/z/member", "m");
            String token = lock("/z/", "exclusive", "0");
            assertEquals(204, put("/z/member", "changed").status(), "a member's content is not protected");
            assertEquals(423, put("/z/newcomer", "n").status());
            assertEquals(423, send("DELETE /z/member HTTP/1.1").status());
            assertEquals(423, send("MOVE /z/member HTTP/1.1\nDestination: /elsewhere").status());
            assertEquals(201, put("/z/newcomer", "n", "If: (<" + token + ">)").status());
        }

        @Test
        @DisplayName("locks below a folder are found when its name has characters beyond U+FFFF")
        void locksBelowAFolderWithAnAstralName() throws Exception {
            String folder = "/%F0%9F%99%82%F0%9F%99%82";
            send("MKCOL " + folder + " HTTP/1.1");
            put(folder + "/held", "h");
            String token = lock(folder + "/held", "exclusive", "0");
            assertEquals(423, send("DELETE " + folder + "/ HTTP/1.1").status(), "the member's lock protects the tree");
            assertEquals(423, send("LOCK " + folder + "/ HTTP/1.1\nDepth: infinity", LOCKINFO.formatted("exclusive")).status());
            assertEquals(204, send("DELETE " + folder + "/ HTTP/1.1\nIf: <" + folder + "/held> (<" + token + ">)").status());
        }

        @Test
        void lockingAFolderWithALockedMemberConflicts() throws Exception {
            send("MKCOL /p HTTP/1.1");
            put("/p/held", "h");
            lock("/p/held", "exclusive", "0");
            assertEquals(423, send("LOCK /p/ HTTP/1.1\nDepth: infinity", LOCKINFO.formatted("exclusive")).status());
            lock("/p/", "exclusive", "0");
        }
    }

    @Test
    void moveLeavesTheLockBehindAndCopyDoesNotCopyIt() throws Exception {
        put("/m", "m");
        String token = lock("/m", "exclusive", "0");
        assertEquals(201, send("COPY /m HTTP/1.1\nDestination: /m-copy").status());
        assertFalse(send("PROPFIND /m-copy HTTP/1.1\nDepth: 0").text().contains("opaquelocktoken"));
        assertEquals(201, send("MOVE /m HTTP/1.1\nDestination: /m-moved\nIf: (<" + token + ">)").status());
        assertFalse(send("PROPFIND /m-moved HTTP/1.1\nDepth: 0").text().contains("opaquelocktoken"));
        assertEquals(204, put("/m-moved", "free").status());
    }

    @Nested
    @DisplayName("refresh and timeouts")
    class Refresh {
        @Test
        void anEmptyLockWithTheTokenRefreshes() throws Exception {
            put("/r", "r");
            String token = lock("/r", "exclusive", "0");
            Response refreshed = send("LOCK /r HTTP/1.1\nTimeout: Second-900\nIf: (<" + token + ">)");
            assertEquals(200, refreshed.status());
            assertEquals("Second-900", refreshed.header("Timeout"));
            assertTrue(refreshed.text().contains(token));
            assertEquals(412, send("LOCK /r HTTP/1.1\nIf: (<opaquelocktoken:other>)").status());
            assertEquals(400, send("LOCK /r HTTP/1.1").status());
        }

        @Test
        @DisplayName("a refresh may name its token bare, as the npm webdav library does; other methods may not")
        void aRefreshWithABareToken() throws Exception {
            put("/b", "b");
            String token = lock("/b", "exclusive", "0");
            Response bare = send("LOCK /b HTTP/1.1\nTimeout: Second-700\nIf: " + token);
            assertEquals(200, bare.status(), bare::toString);
            assertEquals("Second-700", bare.header("Timeout"));
            Response bracketed = send("LOCK /b HTTP/1.1\nTimeout: Second-800\nIf: <" + token + ">");
            assertEquals(200, bracketed.status(), bracketed::toString);
            assertEquals("Second-800", bracketed.header("Timeout"));
            Response npm = send("LOCK /b HTTP/1.1\nTimeout: Infinite, Second-4100000000\nIf: " + token,
                    LOCKINFO.formatted("exclusive"));
            assertEquals(200, npm.status(), "with the lockinfo body the npm library sends along: " + npm);
            assertTrue(npm.text().contains(token), npm::toString);
            assertEquals("Second-7200", npm.header("Timeout"));
            assertEquals(412, send("LOCK /b HTTP/1.1\nIf: opaquelocktoken:other").status());
            assertEquals(400, put("/b", "2", "If: " + token).status(), "strict outside a lock refresh");
            assertEquals(400, send("LOCK /b HTTP/1.1\nIf: <http://127.0.0.1/b>").status(), "a tag without a list");
        }

        @Test
        void timeoutsAreCappedByTheServer() throws Exception {
            put("/t", "t");
            Response r = send("LOCK /t HTTP/1.1\nTimeout: Infinite, Second-4100000000", LOCKINFO.formatted("exclusive"));
            assertEquals("Second-7200", r.header("Timeout"));
        }
    }

    @Nested
    @DisplayName("If header")
    class If {
        @Test
        void entityTagConditions() throws Exception {
            put("/e", "one");
            String etag = send("HEAD /e HTTP/1.1").header("ETag");
            assertEquals(412, put("/e", "two", "If: ([\"nope\"])").status());
            assertEquals(204, put("/e", "two", "If: ([" + etag + "])").status());
            assertEquals(412, put("/e", "three", "If: ([" + etag + "])").status(), "the old etag no longer holds");
            assertEquals(412, send("GET /e HTTP/1.1\nIf: (<DAV:no-lock>)").status(), "GET evaluates If too");
        }

        @Test
        void aTaggedUrlIsComparedByPathWhateverItsHostAndPort() throws Exception {
            put("/tagged", "1");
            String token = lock("/tagged", "exclusive", "0");
            assertEquals(204, put("/tagged", "2", "If: <http://some-other-host:4321/tagged> (<" + token + ">)").status());
        }

        @Test
        void aMalformedIfHeaderIs400() throws Exception {
            put("/bad", "1");
            assertEquals(400, put("/bad", "2", "If: <opaquelocktoken:x>").status());
            assertEquals("1", send("GET /bad HTTP/1.1").text());
        }

        @Test
        void ifMatchAndIfNoneMatchOnWrites() throws Exception {
            assertEquals(201, put("/c1", "new", "If-None-Match: *").status());
            assertEquals(412, put("/c1", "again", "If-None-Match: *").status());
            String etag = send("HEAD /c1 HTTP/1.1").header("ETag");
            assertEquals(412, put("/c1", "x", "If-Match: \"wrong\"").status());
            assertEquals(204, put("/c1", "x", "If-Match: " + etag).status());
            assertEquals(412, send("DELETE /c1 HTTP/1.1\nIf-Match: " + etag).status());
            String now = send("HEAD /c1 HTTP/1.1").header("ETag");
            assertEquals(412, send("MOVE /c1 HTTP/1.1\nDestination: /c2\nIf-None-Match: " + now).status());
            assertEquals(201, send("COPY /c1 HTTP/1.1\nDestination: /c2\nIf-Match: " + now).status());
            assertEquals(412, send("PROPPATCH /c1 HTTP/1.1\nIf-Match: \"wrong\"", """
                    <D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:x">1</x></D:prop></D:set></D:propertyupdate>""").status());
            assertEquals(204, send("DELETE /c1 HTTP/1.1\nIf-Match: *").status());
        }
    }

    @Test
    void aMalformedLockBodyIs400() throws Exception {
        put("/mal", "1");
        assertEquals(400, send("LOCK /mal HTTP/1.1", "<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope>").status());
        assertEquals(400, send("LOCK /mal HTTP/1.1", "<D:lockinfo xmlns:D=\"DAV:\"><D:locktype><D:write/></D:locktype></D:lockinfo>").status());
        assertEquals(400, send("LOCK /mal HTTP/1.1\nDepth: 1", LOCKINFO.formatted("exclusive")).status());
        assertEquals(204, put("/mal", "2").status(), "nothing was locked");
    }

    @Test
    void locksSurviveARestart() throws Exception {
        put("/keep", "k");
        String token = lock("/keep", "exclusive", "0");
        server.close();
        server = TestServer.start(dir, Map.of("lock-max-timeout", "2h"));
        assertEquals(423, put("/keep", "x").status());
        assertEquals(204, put("/keep", "x", "If: (<" + token + ">)").status());
    }

    @Test
    void locksExpireOnTime() throws Exception {
        server.close();
        server = TestServer.start(dir, Map.of("lock-max-timeout", "1s"));
        put("/brief", "b");
        Response r = send("LOCK /brief HTTP/1.1\nTimeout: Second-600", LOCKINFO.formatted("exclusive"));
        assertEquals("Second-1", r.header("Timeout"));
        assertEquals(423, put("/brief", "x").status());
        int status = 423;
        for (int attempt = 0; attempt < 100 && status == 423; attempt++) {
            Thread.sleep(50);
            status = put("/brief", "x").status();
        }
        assertEquals(204, status, "the lock expired");
    }

    static String href(String xml) {
        Matcher m = Pattern.compile("<D:href>([^<]*)</D:href>").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
