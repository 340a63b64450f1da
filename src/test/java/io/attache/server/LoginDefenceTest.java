package io.attache.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.attache.fs.LoginDefence;
import io.attache.meta.LoginFailures;
import io.attache.testing.RawHttp;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failed logins on the wire: growing delays, then a ban answered 429 with Retry-After before
 * any password is checked, logged once; a ban on a user name spares the places that user works
 * from; the state is in the database.
 */
class LoginDefenceTest {

    @TempDir
    Path dir;
    TestServer server;
    ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir, Map.of("login-delay-after", "2", "login-ban-after", "5", "login-user-ban-after", "8",
                "login-ban-time", "1m")).user("alice").user("bob");
        log.start();
        ((Logger) LoggerFactory.getLogger(LoginDefence.class)).addAppender(log);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(LoginDefence.class)).detachAppender(log);
        server.close();
    }

    Response propfind(String from, String user, String password) throws Exception {
        try (RawHttp.Connection c = RawHttp.open(from, server.port())) {
            return c.exchange("PROPFIND / HTTP/1.1\nHost: x\nDepth: 0\nAuthorization: " + TestServer.basic(user, password), null);
        }
    }

    long millis(ThrowingRunnable r) throws Exception {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1_000_000;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    List<String> logged(String text) {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(text)).toList();
    }

    @Test
    void failuresWaitLongerThenTheAddressIsBannedWithoutAnyPasswordCheck() throws Exception {
        for (int i = 1; i <= 2; i++) {
            assertEquals(401, propfind("127.0.0.2", "alice", "wrong " + i).status());
        }
        assertTrue(millis(() -> assertEquals(401, propfind("127.0.0.2", "alice", "wrong 3").status())) >= 250, "the third waits");
        assertTrue(millis(() -> assertEquals(401, propfind("127.0.0.2", "bob", "wrong 4").status())) >= 500, "the fourth longer");
        assertEquals(401, propfind("127.0.0.2", "nobody", "wrong 5").status(), "unknown names count the same");

        long checks = server.attache().logins().passwordChecks();
        Response banned = propfind("127.0.0.2", "alice", TestServer.PASSWORD);
        assertEquals(429, banned.status(), "even the right password, once the address is banned");
        int retryAfter = Integer.parseInt(banned.header("Retry-After"));
        assertTrue(retryAfter > 50 && retryAfter <= 60, "about the ban time: " + retryAfter);
        for (int i = 0; i < 2; i++) {
            assertEquals(429, propfind("127.0.0.2", "bob", "guess " + i).status());
        }
        assertEquals(checks, server.attache().logins().passwordChecks(), "a banned address costs no Argon2id");
        assertEquals(List.of("Banned client address '127.0.0.2' for PT1M after 5 failed logins"), logged("Banned"),
                "logged once per ban");

        assertEquals(207, propfind("127.0.0.1", "alice", TestServer.PASSWORD).status(), "other addresses are served");
        long rows = server.attache().db.read(c -> LoginFailures.get(c, LoginFailures.ADDRESS, "127.0.0.2"))
                .map(LoginFailures.Row::failures).orElse(0L);
        assertEquals(5, rows, "the count is in the database, for every node that shares it");
    }

    @Test
    void aBannedUserNameStillLogsInFromWhereItWorks() throws Exception {
        assertEquals(207, propfind("127.0.0.1", "alice", TestServer.PASSWORD).status());
        for (int i = 0; i < 8; i++) {
            // eight addresses, one or two guesses each: no address ban, but the name is guessed at 8 times
            assertEquals(401, propfind("127.0.0." + (10 + i / 2), "alice", "guess " + i).status());
        }
        assertEquals(1, logged("Banned user name 'alice'").size());
        assertEquals(429, propfind("127.0.0.30", "alice", TestServer.PASSWORD).status(), "a new place is refused");
        assertEquals(207, propfind("127.0.0.1", "alice", TestServer.PASSWORD).status(), "where alice logged in, she still can");
        assertEquals(207, propfind("127.0.0.30", "bob", TestServer.PASSWORD).status(), "other names are not affected");
    }

    @Test
    void theSameCredentialsOnManyConnectionsAtOnceShareOneCheck() throws Exception {
        List<Thread> threads = new java.util.ArrayList<>();
        List<Integer> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 12; i++) {
            Thread t = new Thread(() -> {
                try {
                    statuses.add(propfind("127.0.0.5", "bob", TestServer.PASSWORD).status());
                } catch (Exception e) {
                    statuses.add(-1);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(12, statuses.stream().filter(s -> s == 207).count(), statuses::toString);
        assertTrue(server.attache().logins().passwordChecks() <= 4, "checked " + server.attache().logins().passwordChecks() + " times");
    }
}
