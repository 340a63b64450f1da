package io.attache.server;

import io.attache.testing.ForkedServer;
import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user commands change a running server's accounts: separate processes, one database. */
class CliWhileServingTest {

    @TempDir
    Path dir;

    @Test
    void usersAddedAndRemovedWhileTheServerRuns() throws Exception {
        Path data = dir.resolve("data");
        try (ForkedServer server = ForkedServer.start(data)) {
            String request = "PROPFIND / HTTP/1.1\nHost: x\nDepth: 0\nConnection: close\nAuthorization: " + TestServer.basic("late");
            assertEquals(401, RawHttp.exchange(server.port(), request).status());

            ForkedServer.run(data, List.of(), "user", "add", "late", "--password-stdin");
            assertEquals(207, RawHttp.exchange(server.port(), request).status());

            String listed = ForkedServer.run(data, List.of(), "user", "list");
            assertTrue(listed.contains("late") && listed.contains(ForkedServer.USER), listed);

            ForkedServer.run(data, List.of(), "user", "remove", "late", "--yes");
            assertEquals(401, RawHttp.exchange(server.port(), request).status(), "removal takes effect at once");
        }
    }
}
