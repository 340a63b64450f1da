package io.attache.web;

import io.attache.fs.Account;
import io.attache.fs.WebSessions;
import io.attache.meta.Database;
import io.attache.meta.User;
import io.attache.meta.Users;
import io.attache.testing.ManualClock;
import io.attache.testing.TestCluster;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Web sessions live in the database: any node of a cluster serves a browser signed in on another
 * (no sticky sessions), a restart signs nobody out, and the table stays bounded.
 */
class WebSessionTest {

    @TempDir
    Path dir;

    @Test
    void aSessionOpenedOnOneNodeIsServedByTheOtherAndSigningOutEndsItOnBoth() throws Exception {
        try (TestCluster cluster = new TestCluster(dir)) {
            TestServer a = cluster.start("a", Map.of());
            TestServer b = cluster.start("b", Map.of());
            a.user("web");
            WebClient onA = new WebClient(a.webUrl());
            assertEquals(200, onA.login("web", TestServer.PASSWORD));
            WebClient onB = onA.sameBrowserOn(b.webUrl());

            HttpResponse<byte[]> session = onB.get("/api/session");
            assertEquals(200, session.statusCode(), "node b knows the session node a opened");
            assertEquals(onA.csrf, WebClient.json(session).get("csrf").asText());
            assertEquals(201, onB.post("/api/mkdir", Map.of("path", "/made on b")).statusCode());
            assertTrue(a.attache().files.drive(a.attache().users.find("web").orElseThrow().id())
                    .find(io.attache.fs.DavPath.parse("/made%20on%20b")).isPresent());

            assertEquals(200, onB.post("/api/logout", Map.of()).statusCode());
            assertEquals(401, onA.get("/api/session").statusCode(), "signed out through b is signed out on a");
        }
    }

    @Test
    void aSessionOutlivesARestart() throws Exception {
        WebClient browser;
        try (TestServer server = TestServer.start(dir.resolve("data")).user("web")) {
            browser = new WebClient(server.webUrl());
            assertEquals(200, browser.login("web", TestServer.PASSWORD));
        }
        try (TestServer again = TestServer.start(dir.resolve("data"))) {
            WebClient same = browser.sameBrowserOn(again.webUrl());
            assertEquals(200, same.get("/api/session").statusCode());
            again.attache().webSessions.closeAllOf("web");
            assertEquals(401, same.get("/api/session").statusCode(), "closing a user's sessions ends them");
        }
    }

    @Test
    void sessionsExpireAndAUserKeepsOnlyTheMostRecentlyUsed() throws Exception {
        ManualClock clock = new ManualClock(1_800_000_000_000L);
        try (Database db = Database.open(dir.resolve("attache.db"), false)) {
            User user = db.write(c -> Users.insert(c, "web", "not used here", null, false, clock.millis()));
            User other = db.write(c -> Users.insert(c, "other", "not used here", null, false, clock.millis()));
            Account account = new Account(user.id(), user.name(), null, 0, false, null);
            WebSessions sessions = new WebSessions(db, clock);

            String idle = sessions.open(account);
            clock.advance(TimeUnit.HOURS.toMillis(11));
            assertTrue(sessions.find(idle).isPresent(), "used within the idle time");
            clock.advance(TimeUnit.HOURS.toMillis(11));
            assertTrue(sessions.find(idle).isPresent(), "the last use counts, not the sign-in");
            clock.advance(WebSessions.IDLE_MILLIS + 1);
            assertFalse(sessions.find(idle).isPresent(), "idle too long");

            String kept = sessions.open(account);
            for (int i = 0; i < 16; i++) {
                clock.advance(TimeUnit.HOURS.toMillis(10));
                assertTrue(sessions.find(kept).isPresent(), "used every 10 hours, after " + (i + 1) * 10 + " hours");
            }
            clock.advance(TimeUnit.HOURS.toMillis(10));
            assertFalse(sessions.find(kept).isPresent(), "at most " + WebSessions.MAX_AGE_MILLIS + " ms after sign-in");

            String others = sessions.open(new Account(other.id(), other.name(), null, 0, false, null));
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < WebSessions.MAX_PER_USER + 5; i++) {
                clock.advance(1);
                tokens.add(sessions.open(account));
            }
            assertEquals(WebSessions.MAX_PER_USER, count(db, user.id()), "a user keeps at most the cap");
            for (int i = 0; i < tokens.size(); i++) {
                assertEquals(i >= 5, sessions.find(tokens.get(i)).isPresent(), "session " + i);
            }
            assertTrue(sessions.find(others).isPresent(), "another user's sessions are not touched");
            assertFalse(sessions.find("not a token").isPresent());
            assertFalse(sessions.find(null).isPresent());
        }
    }

    private static long count(Database db, long userId) throws Exception {
        return db.read(c -> {
            try (var p = c.prepareStatement("SELECT COUNT(*) FROM web_session WHERE user_id = ?")) {
                p.setLong(1, userId);
                try (var r = p.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }
}
