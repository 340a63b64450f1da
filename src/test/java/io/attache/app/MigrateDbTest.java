package io.attache.app;

import io.attache.config.Config;
import io.attache.fs.Fsck;
import io.attache.meta.Database;
import io.attache.testing.RawHttp;
import io.attache.testing.TestDatabase;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code attache migrate-db}: a populated SQLite data directory (folders moved under younger
 * folders, copies sharing versions, packs, dead properties, a lock, the trash, quotas) is copied
 * into an empty PostgreSQL database; fsck passes there, a node on PostgreSQL serves every file
 * byte for byte with the same entity tags, and new rows get new ids. A second copy into the now
 * populated database is refused.
 */
class MigrateDbTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("HOME", dir.toString())).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static RawHttp.Response send(TestServer server, String head, byte[] body) throws Exception {
        return RawHttp.exchange(server.port(), head + "\nHost: x\nAuthorization: " + TestServer.basic("m")
                + "\nContent-Length: " + (body == null ? 0 : body.length) + "\nConnection: close", body);
    }

    @Test
    void aPopulatedDriveMovesToPostgresqlAndReadsTheSame() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> settings = Map.of("chunk-size", "64KiB", "trash-retention", "7d");
        Map<String, byte[]> files = new TreeMap<>();
        Map<String, String> etags = new HashMap<>();
        try (TestServer server = TestServer.start(data, settings).user("m")) {
            server.attache().users.setQuota("m", 50_000_000L);
            Random random = new Random(13);
            assertEquals(201, send(server, "MKCOL /docs HTTP/1.1", null).status());
            assertEquals(201, send(server, "MKCOL /later HTTP/1.1", null).status());
            int[] sizes = {0, 1, 100, 65_535, 65_536, 70_000, 200_000, 1_000_000};
            for (int i = 0; i < sizes.length; i++) {
                byte[] body = new byte[sizes[i]];
                random.nextBytes(body);
                String path = "/docs/f" + i + ".bin";
                assertEquals(201, send(server, "PUT " + path + " HTTP/1.1", body).status());
                files.put(path, body);
            }
            assertEquals(201, send(server, "COPY /docs/f6.bin HTTP/1.1\nDestination: /later/copy.bin", null).status());
            files.put("/later/copy.bin", files.get("/docs/f6.bin"));
            assertEquals(201, send(server, "MOVE /docs HTTP/1.1\nDestination: /later/docs", null).status());
            Map<String, byte[]> moved = new TreeMap<>();
            files.forEach((path, body) -> moved.put(path.startsWith("/docs/") ? "/later" + path : path, body));
            files.clear();
            files.putAll(moved);
            assertEquals(207, send(server, "PROPPATCH /later/copy.bin HTTP/1.1\nContent-Type: application/xml", """
                    <?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set><D:prop>
                    <Z:colour>blue</Z:colour></D:prop></D:set></D:propertyupdate>""".getBytes()).status());
            assertEquals(200, send(server, "LOCK /later/copy.bin HTTP/1.1\nTimeout: Second-3600", """
                    <?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>
                    <D:locktype><D:write/></D:locktype></D:lockinfo>""".getBytes()).status());
            assertEquals(204, send(server, "DELETE /later/docs/f3.bin HTTP/1.1", null).status());
            files.remove("/later/docs/f3.bin");
            for (String path : files.keySet()) {
                etags.put(path, send(server, "HEAD " + path + " HTTP/1.1", null).header("ETag"));
            }
        }

        String url = TestDatabase.freshSchema();
        Result migrated = run("migrate-db", "--to", url, "--data-dir", data.toString());
        assertEquals(0, migrated.code(), migrated.out() + migrated.err());
        assertTrue(migrated.out().contains("fsck of the copy") && migrated.out().contains("consistent"), migrated.out());

        Map<String, String> onPostgres = new HashMap<>(settings);
        onPostgres.put("database-url", url);
        try (TestServer node = TestServer.start(data, onPostgres)) {
            assertEquals(List.of(), new Fsck(node.attache().db).checkMetadata().problems());
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                RawHttp.Response get = send(node, "GET " + f.getKey() + " HTTP/1.1", null);
                assertEquals(200, get.status(), f.getKey());
                assertArrayEquals(sha(f.getValue()), sha(get.body()), f.getKey());
                assertEquals(etags.get(f.getKey()), get.header("ETag"), f.getKey());
            }
            assertEquals(423, send(node, "PUT /later/copy.bin HTTP/1.1", new byte[1]).status(), "the lock came along");
            assertTrue(send(node, "PROPFIND /later/copy.bin HTTP/1.1\nDepth: 0", null).text().contains("blue"));
            assertEquals(1, node.attache().trash.list("m").size(), "the trash came along");
            assertEquals(50_000_000L, node.attache().users.find("m").orElseThrow().quotaBytes());
            assertEquals(201, send(node, "MKCOL /new HTTP/1.1", null).status(), "new rows take ids after the copied ones");
            assertEquals(201, send(node, "PUT /new/after.bin HTTP/1.1", new byte[100_000]).status());
        }
        try (Database db = Database.open(new Database.Settings(url, null, null, false))) {
            assertEquals(List.of(), new Fsck(db).checkMetadata().problems());
        }
        Result again = run("migrate-db", "--to", url, "--data-dir", data.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("is not empty"), again.err());
        Result notPostgres = run("migrate-db", "--to", "jdbc:sqlite:/tmp/x.db", "--data-dir", data.toString());
        assertEquals(2, notPostgres.code(), notPostgres.err());
        Config check = Config.from(Map.of("data-dir", data.toString()), data);
        assertTrue(check.databaseFile().toFile().exists(), "the SQLite file is left as it was");
    }

    private static byte[] sha(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
