package io.attache.clients;

import io.attache.testing.ExternalProgram;
import io.attache.testing.ExternalProgram.Result;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * restic (Debian package {@code restic}) backing up into Attaché through rclone's WebDAV backend
 * ({@code -r rclone:attache:...}, restic runs {@code rclone serve restic --stdio}): init, a
 * backup of 2,500 small files, a second backup after changes, {@code diff} between the two,
 * {@code check --read-data} (every pack downloaded and verified), and a restore compared byte for
 * byte with the source.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("restic through rclone")
class ResticRcloneTest {

    private static final int FILES = 2_500;

    @TempDir
    static Path dir;
    @TempDir
    static Path work;
    TestServer server;
    Rclone rclone;
    Path restic;

    @BeforeAll
    void start() throws Exception {
        restic = ExternalProgram.require("restic", "restic");
        server = TestServer.start(dir).user("backup");
        rclone = Rclone.configure(server, "backup", work);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("init, backup, backup again, diff, check --read-data, restore")
    void backupCheckRestore() throws Exception {
        Path source = work.resolve("source");
        Random random = new Random(3);
        for (int i = 0; i < FILES; i++) {
            Path file = source.resolve("d" + (i % 50)).resolve("file " + i + ".dat");
            Files.createDirectories(file.getParent());
            byte[] content = new byte[random.nextInt(4_096)];
            random.nextBytes(content);
            Files.write(file, content);
        }
        assertOk(restic("init"));
        Result first = restic("backup", "--host", "test", "source");
        assertOk(first);
        assertTrue(first.output().contains("processed " + FILES + " files"), first::toString);

        Files.writeString(source.resolve("d1/file 1.dat"), "changed");
        Files.delete(source.resolve("d2/file 2.dat"));
        Files.writeString(source.resolve("d3/added.txt"), "added");
        assertOk(restic("backup", "--host", "test", "source"));
        Result snapshots = restic("snapshots", "--compact");
        assertOk(snapshots);
        List<String> ids = snapshots.output().lines().filter(l -> l.matches("[0-9a-f]{8} .*")).map(l -> l.substring(0, 8)).toList();
        assertEquals(2, ids.size(), snapshots::toString);
        Result diff = restic("diff", ids.get(0), ids.get(1));
        assertOk(diff);
        assertTrue(diff.output().contains("M    /source/d1/file 1.dat"), diff::toString);
        assertTrue(diff.output().contains("-    /source/d2/file 2.dat"), diff::toString);
        assertTrue(diff.output().contains("+    /source/d3/added.txt"), diff::toString);

        Result check = restic("check", "--read-data");
        assertOk(check);
        assertTrue(check.output().contains("no errors were found"), check::toString);

        Path target = work.resolve("restored");
        assertOk(restic("restore", "latest", "--target", target.toString()));
        assertEquals(contents(source), contents(target.resolve("source")));
    }

    private Result restic(String... args) {
        List<String> command = new ArrayList<>(List.of(restic.toString(), "--repo", "rclone:attache:restic",
                "--option", "rclone.program=" + rclone.program(), "--no-cache"));
        command.addAll(List.of(args));
        Map<String, String> environment = new HashMap<>(rclone.environment());
        environment.put("RESTIC_PASSWORD", "correct horse battery restic");
        return ExternalProgram.run(ExternalProgram.withEnvironment(environment, work, command), null, Rclone.TIMEOUT);
    }

    /** Relative path to content, for every file below {@code root}. */
    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(file).toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(file)));
            }
        }
        assertTrue(out.size() >= FILES, "walked " + out.size() + " files in " + root);
        return out;
    }

    private static void assertOk(Result result) {
        assertEquals(0, result.exitCode(), result::toString);
    }
}
