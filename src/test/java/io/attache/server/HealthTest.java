package io.attache.server;

import io.attache.testing.RawHttp;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /health}: unauthenticated, no details, 200 while database and store work, 503 when not. */
class HealthTest {

    @TempDir
    Path dir;

    static Response health(TestServer server) throws Exception {
        return RawHttp.exchange(server.port(), "GET /health HTTP/1.1\nHost: x\nConnection: close");
    }

    @Test
    void healthSaysWhetherTheServerCanWork() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data")).user("hal")) {
            Response ok = health(server);
            assertEquals(200, ok.status());
            assertEquals("ok\n", ok.text());
            assertEquals("no-store", ok.header("Cache-Control"));
            assertEquals(200, RawHttp.exchange(server.port(), "HEAD /health HTTP/1.1\nHost: x\nConnection: close").status());

            Path pointers = dir.resolve("data/store/pointers");
            Files.move(pointers, dir.resolve("pointers.away"));
            Files.writeString(pointers, "the store's folder is gone");
            int status = 200;
            for (int i = 0; i < 50 && status == 200; i++) {
                Thread.sleep(100); // a result is reused for two seconds
                status = health(server).status();
            }
            assertEquals(503, status, "the store cannot be reached");
            assertEquals("unavailable\n", health(server).text());

            Files.delete(pointers);
            Files.move(dir.resolve("pointers.away"), pointers);
            for (int i = 0; i < 50 && status == 503; i++) {
                Thread.sleep(100);
                status = health(server).status();
            }
            assertEquals(200, status, "and recovers with it");

            Response asUser = RawHttp.exchange(server.port(), "GET /health HTTP/1.1\nHost: x\nConnection: close\nAuthorization: "
                    + TestServer.basic("hal"));
            assertEquals(404, asUser.status(), "with credentials, /health is the user's own path");
            assertTrue(!asUser.text().contains("ok"));
        }
    }
}
