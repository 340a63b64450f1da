package io.attache.server;

import io.attache.fs.Fsck;
import io.attache.testing.RawHttp;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of metadata a user can create is bounded: a request beyond a limit gets 507 with a
 * body that names the limit, and changes nothing; fsck finds the counts consistent afterwards.
 */
class ResourceLimitsTest {

    static final String LOCKINFO = """
            <?xml version="1.0" encoding="utf-8"?>
            <D:lockinfo xmlns:D="DAV:"><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>""";

    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir, Map.of("max-entries-per-user", "6", "max-properties-per-resource", "3",
                "max-property-bytes-per-resource", "300", "max-properties-per-user", "5", "max-locks-per-resource", "2",
                "max-locks-per-user", "3")).user("lee").user("other");
    }

    @AfterEach
    void stop() throws Exception {
        assertEquals(List.of(), new Fsck(server.attache().db).checkMetadata().problems(), "the counts stay consistent");
        server.close();
    }

    Response send(String head, String body) throws Exception {
        return send("lee", head, body);
    }

    Response send(String user, String head, String body) throws Exception {
        String h = head.strip() + "\nHost: x\nAuthorization: " + TestServer.basic(user);
        return body == null ? RawHttp.exchange(server.port(), h) : RawHttp.exchange(server.port(), h, body);
    }

    static String propertyUpdate(String... nameValues) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\"><D:set><D:prop>");
        for (int i = 0; i < nameValues.length; i += 2) {
            xml.append("<Z:").append(nameValues[i]).append('>').append(nameValues[i + 1]).append("</Z:").append(nameValues[i]).append('>');
        }
        return xml.append("</D:prop></D:set></D:propertyupdate>").toString();
    }

    static void assertRefused(Response r, String limit) {
        assertEquals(507, r.status(), r::toString);
        assertTrue(r.text().contains(limit), r.text());
    }

    @Test
    @DisplayName("files and folders: the trash counts, a deletion for good makes room")
    void entriesPerUser() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(201, send("MKCOL /d" + i + " HTTP/1.1", null).status());
        }
        assertEquals(201, send("PUT /f HTTP/1.1", "x").status());
        assertEquals(201, send("LOCK /locked HTTP/1.1\nContent-Type: text/xml", LOCKINFO).status(), "a LOCK-created file is an entry");
        assertRefused(send("MKCOL /d4 HTTP/1.1", null), "max-entries-per-user");
        assertRefused(send("PUT /g HTTP/1.1", "x"), "max-entries-per-user");
        assertRefused(send("COPY /d0 HTTP/1.1\nDestination: /d5", null), "max-entries-per-user");
        assertRefused(send("LOCK /another HTTP/1.1\nContent-Type: text/xml", LOCKINFO), "max-entries-per-user");
        assertEquals(404, send("PROPFIND /d4 HTTP/1.1\nDepth: 0", null).status(), "nothing was created");
        assertEquals(204, send("DELETE /d0 HTTP/1.1", null).status());
        assertRefused(send("MKCOL /d4 HTTP/1.1", null), "max-entries-per-user");
        server.attache().trash.empty("lee");
        assertEquals(201, send("MKCOL /d4 HTTP/1.1", null).status(), "emptying the trash made room");
        assertEquals(201, send("other", "MKCOL /mine HTTP/1.1", null).status(), "another user has their own count");
    }

    @Test
    @DisplayName("dead properties: per resource and per user, all or nothing")
    void propertiesPerResourceAndUser() throws Exception {
        assertEquals(201, send("PUT /a HTTP/1.1", "a").status());
        assertEquals(201, send("PUT /b HTTP/1.1", "b").status());
        assertEquals(207, send("PROPPATCH /a HTTP/1.1\nContent-Type: text/xml", propertyUpdate("p1", "1", "p2", "2")).status());
        assertRefused(send("PROPPATCH /a HTTP/1.1\nContent-Type: text/xml", propertyUpdate("p3", "3", "p4", "4")),
                "max-properties-per-resource");
        assertRefused(send("PROPPATCH /b HTTP/1.1\nContent-Type: text/xml", propertyUpdate("big", "x".repeat(400))),
                "max-property-bytes-per-resource");
        assertEquals(207, send("PROPPATCH /a HTTP/1.1\nContent-Type: text/xml", propertyUpdate("p1", "changed")).status(),
                "replacing a property adds none");
        assertEquals(207, send("PROPPATCH /b HTTP/1.1\nContent-Type: text/xml", propertyUpdate("q1", "1", "q2", "2", "q3", "3")).status());
        assertRefused(send("COPY /b HTTP/1.1\nDestination: /c", null), "max-properties-per-user");
        String props = send("PROPFIND /a HTTP/1.1\nDepth: 0", null).text();
        assertTrue(props.contains("changed") && !props.contains("p3") && !props.contains("p4"), props);
        assertEquals(404, send("PROPFIND /c HTTP/1.1\nDepth: 0", null).status(), "the refused copy left nothing");
    }

    @Test
    @DisplayName("dead properties count toward the quota")
    void propertiesCountTowardTheQuota() throws Exception {
        server.attache().users.setQuota("lee", 250L);
        assertEquals(201, send("PUT /a HTTP/1.1", "x".repeat(100)).status());
        assertEquals(207, send("PROPPATCH /a HTTP/1.1\nContent-Type: text/xml", propertyUpdate("p", "y".repeat(100))).status());
        String quota = send("PROPFIND / HTTP/1.1\nDepth: 0\nContent-Type: text/xml", """
                <?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:quota-used-bytes/></D:prop></D:propfind>""").text();
        assertTrue(quota.contains(">206<"), "100 content bytes + 'urn:z' 'p' and 100 value bytes: " + quota);
        assertRefused(send("PROPPATCH /a HTTP/1.1\nContent-Type: text/xml", propertyUpdate("q", "z".repeat(100))), "quota");
        assertEquals(507, send("PUT /b HTTP/1.1", "x".repeat(50)).status(), "the properties left no room for content");
    }

    @Test
    @DisplayName("locks: per resource and per user")
    void locksPerResourceAndUser() throws Exception {
        assertEquals(201, send("PUT /a HTTP/1.1", "a").status());
        assertEquals(201, send("PUT /b HTTP/1.1", "b").status());
        assertEquals(200, send("LOCK /a HTTP/1.1\nContent-Type: text/xml", LOCKINFO).status());
        assertEquals(200, send("LOCK /a HTTP/1.1\nContent-Type: text/xml", LOCKINFO).status());
        assertRefused(send("LOCK /a HTTP/1.1\nContent-Type: text/xml", LOCKINFO), "max-locks-per-resource");
        assertEquals(200, send("LOCK /b HTTP/1.1\nContent-Type: text/xml", LOCKINFO).status());
        assertRefused(send("LOCK /b HTTP/1.1\nContent-Type: text/xml", LOCKINFO), "max-locks-per-user");
        String discovery = send("PROPFIND /a HTTP/1.1\nDepth: 0", null).text();
        assertEquals(2, discovery.split("opaquelocktoken:").length - 1, discovery);
        assertFalse(send("other", "LOCK /theirs HTTP/1.1\nContent-Type: text/xml", LOCKINFO).status() == 507,
                "another user has their own count");
    }
}
