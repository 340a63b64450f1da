package io.attache.clients;

import io.attache.testing.ExternalProgram.Result;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rclone as sync tools use it: {@code test info} over its whole character set, {@code bisync} in
 * owncloud mode, which needs modification times the server keeps (X-OC-Mtime), and {@code check}
 * by hash without downloading, which needs the server's checksums (oc:checksums).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("rclone: names, modification times and hashes")
class RcloneSyncTest {

    private static final Pattern NEEDS_ESCAPING = Pattern.compile("stringNeedsEscaping = \\[]rune\\{\\s*(.*?)\\s*}", Pattern.DOTALL);

    @TempDir
    static Path dir;
    @TempDir
    static Path work;
    TestServer server;
    Rclone rclone;
    Wire wire;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir).user("sync");
        rclone = Rclone.configure(server, "sync", work);
        wire = Wire.as(server, "sync");
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /**
     * rclone writes, reads and lists a name with each of 129 test strings (every ASCII character
     * but NUL and '/', NBSP, the full-width backslash, and the bytes \xBF and \xFE) at the start,
     * in the middle and at the end. Name lengths ({@code --check-length}) are left to NameRuleTest:
     * rclone sleeps a second after every refused upload, and finding a limit takes 14 of them.
     */
    @Test
    @DisplayName("test info: every printable and every control character but NUL is usable")
    void everyCharacterIsUsable() {
        Result info = rclone.run("test", "info", "--check-control", "attache:info");
        assertEquals(0, info.exitCode(), info::toString);
        Matcher m = NEEDS_ESCAPING.matcher(info.output());
        assertTrue(m.find(), info::toString);
        // '/' and NUL rclone never tries; \xBF and \xFE alone are not UTF-8, so not characters (400, "not valid UTF-8").
        assertEquals(Set.of("'/'", "'\\x00'", "'\\xbf'", "'\\xfe'"), new TreeSet<>(List.of(m.group(1).split(",\\s*"))),
                info::toString);
    }

    @Test
    @DisplayName("bisync in owncloud mode: a round trip both ways keeps every modification time")
    void bisyncKeepsModificationTimes() throws Exception {
        Path local = work.resolve("bisync");
        Path state = work.resolve("bisync-state");
        write(local.resolve("a.txt"), "one", "2020-01-02T03:04:05Z");
        write(local.resolve("sub/b.txt"), "two", "2021-05-06T07:08:09Z");
        write(local.resolve("sub/deeper/c d.txt"), "three", "2015-10-21T16:29:00Z");
        assertOk(rclone.run("mkdir", "owncloud:bisync"));
        assertOk(rclone.run("bisync", local.toString(), "owncloud:bisync", "--resync", "--workdir", state.toString()));
        assertEquals(listing(local.toString()), listing("owncloud:bisync"));
        Response head = wire.send("HEAD /bisync/sub/deeper/c%20d.txt HTTP/1.1");
        assertEquals("Wed, 21 Oct 2015 16:29:00 GMT", head.header("Last-Modified"), "the server keeps the time rclone sent");

        write(local.resolve("a.txt"), "changed here", "2022-02-02T02:02:02Z");
        write(local.resolve("sub/new here.txt"), "new here", "2018-08-08T08:08:08Z");
        Path remoteNew = work.resolve("remote-new.txt");
        write(remoteNew, "new there", "2019-09-09T09:09:09Z");
        assertOk(rclone.run("copyto", remoteNew.toString(), "owncloud:bisync/sub/new there.txt"));
        assertOk(rclone.run("deletefile", "owncloud:bisync/sub/b.txt"));

        Result sync = rclone.run("bisync", "-v", local.toString(), "owncloud:bisync", "--workdir", state.toString());
        assertOk(sync);
        assertTrue(sync.output().contains("Bisync successful"), sync::toString);
        Map<String, String> after = listing(local.toString());
        assertEquals(after, listing("owncloud:bisync"));
        assertEquals(Set.of("a.txt", "sub/deeper/c d.txt", "sub/new here.txt", "sub/new there.txt"), after.keySet());
        assertEquals("12 2022-02-02 02:02:02.000000000", after.get("a.txt"));
        assertEquals("9 2019-09-09 09:09:09.000000000", after.get("sub/new there.txt"), "brought here with its time");
        assertEquals("8 2018-08-08 08:08:08.000000000", after.get("sub/new here.txt"), "taken there with its time");
    }

    @Test
    @DisplayName("check by hash without --download in owncloud mode: the server's checksums tell equal sizes apart")
    void checkByHash() throws Exception {
        Path local = work.resolve("hashed");
        Random random = new Random(5);
        Map<String, String> md5 = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            byte[] content = new byte[random.nextInt(300_000)];
            random.nextBytes(content);
            String name = "f" + i + (i % 3 == 0 ? " with space" : "") + ".bin";
            Files.createDirectories(local);
            Files.write(local.resolve(name), content);
            md5.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)));
        }
        assertOk(rclone.run("copy", local.toString(), "owncloud:hashed"));
        Result check = rclone.run("check", "-v", local.toString(), "owncloud:hashed");
        assertOk(check);
        assertTrue(check.output().contains("Using md5 for hash comparisons"), check::toString);
        assertTrue(check.output().contains(": 0 differences found") && check.output().contains(": 20 matching files"), check::toString);
        Map<String, String> remote = new TreeMap<>();
        for (String line : rclone.run("md5sum", "owncloud:hashed").output().lines().toList()) {
            if (line.matches("[0-9a-f]{32}  .*")) {
                remote.put(line.substring(34), line.substring(0, 32));
            }
        }
        assertEquals(md5, remote, "the MD5s the server computed as the uploads streamed");

        Path victim = local.resolve("f1.bin");
        byte[] same = Files.readAllBytes(victim);
        same[same.length / 2] ^= 1;
        FileTime time = Files.getLastModifiedTime(victim);
        Files.write(victim, same);
        Files.setLastModifiedTime(victim, time);
        Result differs = rclone.run("check", local.toString(), "owncloud:hashed");
        assertNotEquals(0, differs.exitCode(), differs::toString);
        assertTrue(differs.output().contains(": 1 differences found"), "same size and time, another hash: " + differs);
    }

    private static void write(Path file, String content, String modified) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse(modified)));
    }

    /** rclone lsl of a tree: path -> "size date time". */
    private Map<String, String> listing(String remote) {
        Result lsl = rclone.run("lsl", remote);
        assertOk(lsl);
        Map<String, String> out = new TreeMap<>();
        for (String line : lsl.output().lines().toList()) {
            Matcher m = Pattern.compile("\\s*(\\d+) (\\S+ \\S+) (.+)").matcher(line);
            if (m.matches()) {
                out.put(m.group(3), m.group(1) + " " + m.group(2));
            }
        }
        return out;
    }

    private static void assertOk(Result result) {
        assertEquals(0, result.exitCode(), result::toString);
    }
}
