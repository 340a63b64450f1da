package io.attache.clients;

import io.attache.testing.ExternalProgram;
import io.attache.testing.ExternalProgram.Result;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The drive mounted with davfs2 (Debian package {@code davfs2}) and used as a file system: files
 * written, read, renamed and deleted through the kernel, then checked over HTTP after unmounting.
 * davfs2 locks every file it opens for writing, so the server's locks are exercised by a real
 * client too. Mounting needs root and {@code /dev/fuse}; where either is missing, or the kernel
 * refuses FUSE mounts (as in unprivileged containers), the test is skipped and says why. This is
 * the only client test that may skip.
 */
@DisplayName("davfs2 mount")
class Davfs2MountTest {

    private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(60);
    /** What mount.davfs says when the kernel, not the server, refuses the mount. */
    private static final Pattern ENVIRONMENT_REFUSAL = Pattern.compile(
            "(?i)fuse|operation not permitted|permission denied.*mount|not permitted to mount");

    @TempDir
    Path data;
    @TempDir
    Path davfs;
    TestServer server;
    Wire wire;
    Path mountPoint;
    boolean mounted;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "skipped: /dev/fuse does not exist here, and davfs2 mounts through FUSE");
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assumeTrue(uid == 0, "skipped: mounting with davfs2 needs root, and the tests run as uid " + uid);
        ExternalProgram.require("mount.davfs", "davfs2");
        server = TestServer.start(data, Map.of("chunk-size", "256KiB")).user("dana");
        wire = Wire.as(server, "dana");
        mountPoint = Files.createDirectory(davfs.resolve("mnt"));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (mounted && isMounted()) {
                ExternalProgram.run(Duration.ofSeconds(30), "umount", "-l", mountPoint.toString());
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    @DisplayName("write, read, rename, delete through the mount; locked while open; all there after unmount")
    void aMountedDrive() throws Exception {
        mount();
        byte[] video = new byte[700_000];
        new Random(9).nextBytes(video);

        Files.writeString(mountPoint.resolve("hello.txt"), "hello through the kernel\n");
        Files.write(mountPoint.resolve("video.bin"), video);
        Path folder = Files.createDirectory(mountPoint.resolve("Ordner mit Ümläut"));
        Files.writeString(folder.resolve("inside.txt"), "inside\n");
        assertEquals("hello through the kernel\n", Files.readString(mountPoint.resolve("hello.txt")));
        Files.move(mountPoint.resolve("hello.txt"), folder.resolve("renamed.txt"));
        Files.writeString(mountPoint.resolve("doomed.txt"), "short-lived\n");
        Files.delete(mountPoint.resolve("doomed.txt"));

        try (OutputStream open = Files.newOutputStream(mountPoint.resolve("open.txt"))) {
            open.write("written while open\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(423, wire.send("PUT /open.txt HTTP/1.1", "another client".getBytes(StandardCharsets.UTF_8)).status(),
                    "davfs2 holds a lock on a file open for writing");
        }
        assertEquals(Set.of("video.bin", "Ordner mit Ümläut", "open.txt"), names(mountPoint));

        unmount();

        assertArrayEquals(video, get("/video.bin"));
        assertEquals("hello through the kernel\n", text(get("/Ordner%20mit%20%C3%9Cml%C3%A4ut/renamed.txt")));
        assertEquals("inside\n", text(get("/Ordner%20mit%20%C3%9Cml%C3%A4ut/inside.txt")));
        assertEquals("written while open\n", text(get("/open.txt")));
        assertEquals(404, wire.send("HEAD /hello.txt HTTP/1.1").status());
        assertEquals(404, wire.send("HEAD /doomed.txt HTTP/1.1").status());
        assertEquals(204, wire.send("PUT /open.txt HTTP/1.1", "after unmount".getBytes(StandardCharsets.UTF_8)).status(),
                "davfs2 released its locks when it unmounted");
    }

    private void mount() throws IOException {
        Path cache = Files.createDirectory(davfs.resolve("cache"));
        // the davfs2 daemon drops root and writes its cache as the davfs2 user
        Files.setPosixFilePermissions(davfs, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path secrets = davfs.resolve("secrets");
        Files.writeString(secrets, server.url() + "/ dana \"" + TestServer.PASSWORD + "\"\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
        Path config = davfs.resolve("davfs2.conf");
        // buf_size 64: davfs2 1.6 fails on kernels 6.16 and newer with the default
        Files.writeString(config, """
                secrets %s
                cache_dir %s
                buf_size 64
                use_locks 1
                delay_upload 0
                ask_auth 0
                dir_refresh 1
                file_refresh 1
                """.formatted(secrets, cache));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));

        ProcessBuilder mount = new ProcessBuilder("mount.davfs", server.url() + "/", mountPoint.toString(), "-o", "conf=" + config)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Result result = ExternalProgram.run(mount, null, MOUNT_TIMEOUT);
        mounted = result.exitCode() == 0;
        if (!mounted) {
            assumeTrue(!ENVIRONMENT_REFUSAL.matcher(result.output()).find(),
                    "skipped: this environment does not allow a FUSE mount: " + result.output().strip());
        }
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(isMounted(), "mount.davfs succeeded but nothing is mounted on " + mountPoint);
    }

    private void unmount() throws IOException {
        Result result = ExternalProgram.run(MOUNT_TIMEOUT, "umount", mountPoint.toString());
        assertEquals(0, result.exitCode(), result::toString);
        mounted = isMounted();
        assertTrue(!mounted, "still mounted after umount");
    }

    private boolean isMounted() throws IOException {
        String target = mountPoint.toRealPath().toString().replace(" ", "\\040");
        return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(line -> line.split(" ")[1].equals(target));
    }

    private static Set<String> names(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lost+found")).collect(Collectors.toSet());
        }
    }

    private byte[] get(String path) throws IOException {
        Response r = wire.send("GET " + path + " HTTP/1.1");
        assertEquals(200, r.status(), path);
        return r.body();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
