package io.attache.clients;

import io.attache.testing.ExternalProgram;
import io.attache.testing.ExternalProgram.Result;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * git over WebDAV (Debian package {@code git}): a bare repository on the server, pushed to with
 * {@code git http-push} (which git runs for a server without the smart protocol: it LOCKs each
 * ref and info/refs, PUTs and MOVEs loose objects, and rewrites info/refs), then cloned and
 * fetched over dumb HTTP. A ref another client holds a lock on cannot be pushed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("git http-push, clone and fetch")
class GitHttpPushTest {

    @TempDir
    static Path dir;
    @TempDir
    static Path work;
    TestServer server;
    Wire wire;
    Path git;
    String remote;

    @BeforeAll
    void start() throws Exception {
        git = ExternalProgram.require("git", "git");
        String execPath = run(work, "--exec-path").output().strip();
        ExternalProgram.require(execPath + "/git-http-push", "git");
        server = TestServer.start(dir).user("git");
        wire = Wire.as(server, "git");
        remote = "http://git:" + TestServer.PASSWORD.replace(" ", "%20") + "@127.0.0.1:" + server.port() + "/repo.git/";

        // A dumb-HTTP repository is a bare repository whose info/refs lists the refs: made locally, then uploaded.
        Path bare = work.resolve("bare.git");
        assertOk(run(work, "init", "--quiet", "--bare", "--initial-branch=main", bare.toString()));
        assertOk(run(work, "--git-dir=" + bare, "update-server-info"));
        upload(bare, "/repo.git");
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("push with locking, clone, push again and fetch; a locked ref refuses the push")
    void pushCloneFetch() throws Exception {
        Path origin = work.resolve("origin");
        assertOk(run(work, "init", "--quiet", "--initial-branch=main", origin.toString()));
        byte[] binary = new byte[100_000];
        new Random(9).nextBytes(binary);
        Files.write(origin.resolve("data.bin"), binary);
        Files.createDirectories(origin.resolve("docs/with space"));
        Files.writeString(origin.resolve("docs/with space/read me.md"), "# hello\n");
        commit(origin, "first");

        Result push = run(origin, Map.of("GIT_TRACE_CURL", "1", "GIT_TRACE_CURL_NO_DATA", "1"), "push", remote, "main");
        assertOk(push);
        for (String method : List.of("LOCK /repo.git/info/refs", "LOCK /repo.git/refs/heads/main", "UNLOCK /repo.git/info/refs",
                "PUT /repo.git/objects/", "MOVE /repo.git/objects/")) {
            assertTrue(push.output().contains("Send header: " + method), method + " in\n" + push);
        }
        assertFalse(wire.send("PROPFIND /repo.git/info/refs HTTP/1.1\nDepth: 0").text().contains("opaquelocktoken"),
                "every lock was released");

        Path clone = work.resolve("clone");
        assertOk(run(work, "clone", "--quiet", remote, clone.toString()));
        assertArrayEquals(binary, Files.readAllBytes(clone.resolve("data.bin")));
        assertEquals("# hello\n", Files.readString(clone.resolve("docs/with space/read me.md")));
        assertOk(run(clone, "fsck", "--strict"));

        Files.writeString(origin.resolve("docs/with space/read me.md"), "# hello again\n");
        commit(origin, "second");
        assertOk(run(origin, "push", remote, "main"));
        assertOk(run(clone, "fetch", "--quiet"));
        assertEquals(head(origin), run(clone, "rev-parse", "origin/main").output().strip());

        Response lock = wire.send("LOCK /repo.git/refs/heads/main HTTP/1.1\nTimeout: Second-600\n\n" + """
                <D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>\
                <D:owner>another client</D:owner></D:lockinfo>""");
        assertEquals(200, lock.status(), lock::toString);
        Files.writeString(origin.resolve("third.txt"), "3\n");
        commit(origin, "third");
        Result refused = run(origin, "push", remote, "main");
        assertNotEquals(0, refused.exitCode(), refused::toString);
        assertTrue(refused.output().contains("lock error"), refused::toString);
        assertEquals(204, wire.send("UNLOCK /repo.git/refs/heads/main HTTP/1.1\nLock-Token: " + lock.header("Lock-Token")).status());
        assertOk(run(origin, "push", remote, "main"));
        assertOk(run(clone, "pull", "--quiet", "--ff-only"));
        assertEquals("3\n", Files.readString(clone.resolve("third.txt")));
    }

    private void commit(Path repository, String message) {
        assertOk(run(repository, "add", "--all"));
        assertOk(run(repository, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", message));
    }

    private String head(Path repository) {
        return run(repository, "rev-parse", "HEAD").output().strip();
    }

    /** Uploads a local folder with MKCOL and PUT, empty folders included (git needs objects/ and refs/heads/). */
    private void upload(Path local, String path) throws IOException {
        assertEquals(201, wire.send("MKCOL " + path + "/ HTTP/1.1").status());
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(local)) {
            entries = walk.filter(p -> !p.equals(local)).sorted().toList();
        }
        for (Path entry : entries) {
            String target = path + "/" + local.relativize(entry).toString().replace(" ", "%20");
            Response r = Files.isDirectory(entry) ? wire.send("MKCOL " + target + "/ HTTP/1.1")
                    : wire.send("PUT " + target + " HTTP/1.1", Files.readAllBytes(entry));
            assertEquals(201, r.status(), target + ": " + r);
        }
    }

    private Result run(Path directory, String... args) {
        return run(directory, Map.of(), args);
    }

    private Result run(Path directory, Map<String, String> extra, String... args) {
        List<String> command = new ArrayList<>(List.of(git.toString()));
        command.addAll(List.of(args));
        Map<String, String> environment = new java.util.HashMap<>(Map.of("HOME", work.toString(),
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "LANG", "C.UTF-8",
                "GIT_TERMINAL_PROMPT", "0", "GIT_CONFIG_NOSYSTEM", "1"));
        environment.putAll(extra);
        return ExternalProgram.run(ExternalProgram.withEnvironment(environment, directory, command), null, Rclone.TIMEOUT);
    }

    private static void assertOk(Result result) {
        assertEquals(0, result.exitCode(), result::toString);
    }
}
