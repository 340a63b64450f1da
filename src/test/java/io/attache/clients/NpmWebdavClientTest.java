package io.attache.clients;

import io.attache.fs.DavPath;
import io.attache.fs.Drive;
import io.attache.testing.ExternalProgram;
import io.attache.testing.ExternalProgram.Result;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The npm {@code webdav} library, as a Node.js program uses it: a deep listing
 * ({@code getDirectoryContents(path, {deep: true})}, one PROPFIND with Depth: infinity), then a
 * lock, its refresh (the token bare in the If header) and its release. The library is installed
 * by .ci/run with {@code npm install --prefix /opt/attache-ci/npm webdav@5.11.0} (another prefix:
 * {@code -Dattache.npm.prefix=...}); without it the test fails and says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("the npm webdav library")
class NpmWebdavClientTest {

    static final Path NPM_PREFIX = Path.of(System.getProperty("attache.npm.prefix", "/opt/attache-ci/npm"));

    @TempDir
    static Path dir;
    @TempDir
    static Path work;
    TestServer server;
    Path node;
    Path script;
    /** Every path below /deep as the library reports it, with its type and size. */
    final Map<String, String> expected = new TreeMap<>();

    @BeforeAll
    void start() throws Exception {
        node = ExternalProgram.require("node", "nodejs");
        if (!Files.isRegularFile(NPM_PREFIX.resolve("node_modules/webdav/package.json"))) {
            fail("the npm webdav library is not installed in " + NPM_PREFIX + "; these tests need it: npm install --prefix "
                    + NPM_PREFIX + " webdav@5.11.0 (.ci/run installs it)");
        }
        // Node resolves the import from the script's directory upwards.
        script = work.resolve("npm-webdav.mjs");
        try (InputStream in = NpmWebdavClientTest.class.getResourceAsStream("npm-webdav.mjs")) {
            Files.copy(in, script);
        }
        Files.createSymbolicLink(work.resolve("node_modules"), NPM_PREFIX.resolve("node_modules"));

        server = TestServer.start(dir).user("npm");
        Drive drive = server.attache().files.drive(server.attache().users.find("npm").orElseThrow().id());
        drive.mkdir(DavPath.parse("/deep"));
        for (String folder : List.of("/deep/a", "/deep/a/b", "/deep/a/b/c", "/deep/with space", "/deep/ünïcödé", "/deep/empty")) {
            drive.mkdir(DavPath.ofDecoded(folder));
            expected.put(folder, "directory 0");
        }
        for (String file : List.of("/deep/top.txt", "/deep/a/b/c/leaf.txt", "/deep/with space/100% sure.txt",
                "/deep/ünïcödé/日本.md", "/deep/a/back\\slash", "/deep/a/b/#hash&amp")) {
            byte[] content = ("content of " + file).getBytes(StandardCharsets.UTF_8);
            drive.write(DavPath.ofDecoded(file), new ByteArrayInputStream(content), null);
            expected.put(file, "file " + content.length);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("getDirectoryContents(path, {deep: true}) lists the tree; a lock is refreshed and released")
    void deepListingAndLockRefresh() {
        Result run = ExternalProgram.run(ExternalProgram.withEnvironment(
                Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "HOME", work.toString()), work,
                List.of(node.toString(), script.toString(), server.url(), "npm", TestServer.PASSWORD, "/deep", "/deep/top.txt")),
                null, Rclone.TIMEOUT);
        assertEquals(0, run.exitCode(), run::toString);
        Map<String, String> listed = new TreeMap<>();
        for (String line : run.output().lines().filter(l -> l.startsWith("entry ")).toList()) {
            String[] parts = line.split(" ", 4);
            listed.put(URLDecoder.decode(parts[3], StandardCharsets.UTF_8), parts[1] + " " + parts[2]);
        }
        assertEquals(expected, listed, run::toString);

        List<String> lines = run.output().lines().toList();
        String token = lines.stream().filter(l -> l.startsWith("lock ")).findFirst().orElseThrow().substring(5);
        assertTrue(token.startsWith("opaquelocktoken:"), run::toString);
        assertTrue(lines.contains("refresh " + token + " Second-86400"), "the refresh answers with the same lock: " + run);
        assertTrue(lines.contains("unlock ok"), run::toString);
        assertEquals(Set.of(), Set.copyOf(lines.stream().filter(l -> l.contains("Error")).toList()), run::toString);
    }
}
