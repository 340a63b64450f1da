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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rclone (Debian package {@code rclone}) as a WebDAV client: it uploads a tree in parallel, then
 * {@code check --download} reads every file back and compares the bytes. The tree has the names
 * that go wrong in URL handling: non-ASCII, spaces, {@code %} that looks like an escape, {@code #},
 * {@code &}, and a file spanning several chunks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("rclone as a WebDAV client")
class RcloneClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> FILES = List.of(
            "Ünïcödé dir/日本語/ファイル.txt",
            "Ünïcödé dir/Ελληνικά.md",
            "with space/100% done/50% off & more.txt",
            "with space/notes #1.txt",
            "plain/big file.bin",
            "plain/%41%20literal.txt",
            "plain/empty",
            "deep/a/b/c/leaf.txt");

    @TempDir
    static Path dir;
    @TempDir
    static Path work;
    TestServer server;
    Wire wire;
    Path rclone;
    Path config;
    Path tree;

    @BeforeAll
    void start() throws Exception {
        rclone = ExternalProgram.require("rclone", "rclone");
        server = TestServer.start(dir, Map.of("chunk-size", "256KiB")).user("rc");
        wire = Wire.as(server, "rc");
        String obscured = ExternalProgram.run(TIMEOUT, rclone.toString(), "obscure", TestServer.PASSWORD).output().strip();
        config = work.resolve("rclone.conf");
        Files.writeString(config, """
                [attache]
                type = webdav
                url = %s/
                vendor = other
                user = rc
                pass = %s
                """.formatted(server.url(), obscured));
        tree = work.resolve("tree");
        Random random = new Random(7);
        for (String file : FILES) {
            Path path = tree.resolve(file);
            Files.createDirectories(path.getParent());
            Files.write(path, contentOf(file, random));
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("copy, then check --download finds 0 differences; listing, bytes over HTTP, update and purge agree")
    void copyAndCheck() throws Exception {
        Result copy = rclone("copy", tree.toString(), "attache:backup/tree");
        assertEquals(0, copy.exitCode(), copy::toString);
        assertFalse(copy.output().contains("ERROR"), copy::toString);

        assertChecksClean();

        Result list = rclone("lsf", "-R", "--files-only", "attache:backup/tree");
        assertEquals(0, list.exitCode(), list::toString);
        assertEquals(new TreeSet<>(FILES), new TreeSet<>(list.output().lines().toList()), list::toString);

        assertArrayEquals(Files.readAllBytes(tree.resolve("plain/big file.bin")),
                wire.send("GET /backup/tree/plain/big%20file.bin HTTP/1.1").body(), "the multi-chunk file over HTTP");
        assertArrayEquals(Files.readAllBytes(tree.resolve("with space/100% done/50% off & more.txt")),
                wire.send("GET " + encode("/backup/tree/with space/100% done/50% off & more.txt") + " HTTP/1.1").body());

        Files.writeString(tree.resolve("with space/notes #1.txt"), "edited, and longer than before\n");
        Result update = rclone("copy", tree.toString(), "attache:backup/tree");
        assertEquals(0, update.exitCode(), update::toString);
        assertChecksClean();

        Result purge = rclone("purge", "attache:backup/tree/with space");
        assertEquals(0, purge.exitCode(), purge::toString);
        assertEquals(404, wire.send("PROPFIND " + encode("/backup/tree/with space/") + " HTTP/1.1\nDepth: 0").status());
        Response rest = wire.send("PROPFIND /backup/tree/ HTTP/1.1\nDepth: 1");
        assertEquals(Set.of("/backup/tree/", "/backup/tree/Ünïcödé dir/", "/backup/tree/plain/", "/backup/tree/deep/"),
                DavXml.responses(rest).keySet());
    }

    private void assertChecksClean() throws IOException {
        Result check = rclone("check", "--download", tree.toString(), "attache:backup/tree");
        assertEquals(0, check.exitCode(), check::toString);
        assertTrue(check.output().contains(": 0 differences found"), check::toString);
        long files;
        try (Stream<Path> walk = Files.walk(tree)) {
            files = walk.filter(Files::isRegularFile).count();
        }
        assertTrue(check.output().contains(": " + files + " matching files"), check::toString);
    }

    private Result rclone(String... args) {
        List<String> command = new ArrayList<>(List.of(rclone.toString(), "--config", config.toString(),
                "--retries", "1", "--low-level-retries", "2", "--contimeout", "10s", "--timeout", "30s"));
        command.addAll(List.of(args));
        ProcessBuilder builder = ExternalProgram.withEnvironment(
                Map.of("HOME", work.toString(), "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "LANG", "C.UTF-8"),
                work, command);
        return ExternalProgram.run(builder, null, TIMEOUT);
    }

    /** 700,000 random bytes (three chunks) for the .bin file, nothing for "empty", a line of text for the rest. */
    private static byte[] contentOf(String file, Random random) {
        if (file.endsWith(".bin")) {
            byte[] content = new byte[700_000];
            random.nextBytes(content);
            return content;
        }
        return file.endsWith("empty") ? new byte[0] : ("content of " + file + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Percent-encodes each segment of a path the way clients do. */
    private static String encode(String path) {
        return Stream.of(path.split("/", -1))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }
}
