package io.attache.server;

import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With mac-metadata = drop, Finder's companion files are accepted and nothing is kept. */
class MacMetadataDropTest {

    @TempDir
    Path dir;

    @Test
    void appleDoubleAndDsStoreAreAcceptedAndDropped() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of("mac-metadata", "drop")).user("m")) {
            String auth = "\nHost: x\nConnection: close\nAuthorization: " + TestServer.basic("m");
            assertEquals(201, RawHttp.exchange(server.port(), "PUT /._movie.mov HTTP/1.1" + auth, "resource fork").status());
            assertEquals(201, RawHttp.exchange(server.port(), "PUT /.DS_Store HTTP/1.1" + auth + "\nTransfer-Encoding: chunked",
                    RawHttp.chunked("settings".getBytes(), 3)).status());
            assertEquals(201, RawHttp.exchange(server.port(), "PUT /movie.mov HTTP/1.1" + auth, "the movie").status());
            assertEquals(404, RawHttp.exchange(server.port(), "GET /._movie.mov HTTP/1.1" + auth).status());
            assertEquals(404, RawHttp.exchange(server.port(), "GET /.DS_Store HTTP/1.1" + auth).status());
            assertEquals("the movie", RawHttp.exchange(server.port(), "GET /movie.mov HTTP/1.1" + auth).text());
        }
    }
}
