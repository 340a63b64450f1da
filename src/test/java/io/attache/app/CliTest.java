package io.attache.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a user types it: output, errors and exit codes. */
class CliTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result run(String stdin, String... args) {
        return runWith(Map.of("HOME", dir.toString()), stdin, args);
    }

    Result runWith(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    String data() {
        return dir.resolve("data").toString();
    }

    @Test
    void helpAndVersion() {
        Result help = run("", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("serve") && help.out().contains("user add NAME"), help.out());
        Result version = run("", "--version");
        assertEquals(0, version.code());
        assertTrue(version.out().matches("attache \\d+\\.\\d+\\.\\d+.*\\s*"), version.out());
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, run("").code());
        assertEquals(2, run("", "frobnicate").code());
        assertEquals(2, run("", "serve", "--bogus").code());
        Result missing = run("", "user", "add");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("usage: attache user add"), missing.err());
    }

    @Test
    void userLifecycle() {
        Result add = run("a long password\n", "user", "add", "carol", "--password-stdin", "--data-dir", data());
        assertEquals(0, add.code(), add.err());
        Result again = run("another password\n", "user", "add", "carol", "--password-stdin", "--data-dir", data());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already exists"), again.err());
        assertEquals(0, run("", "user", "quota", "carol", "5GiB", "--data-dir", data()).code());
        Result list = run("", "user", "list", "--data-dir", data());
        assertTrue(list.out().contains("carol") && list.out().contains(Long.toString(5L << 30)), list.out());
        assertEquals(0, run("a new password\n", "user", "passwd", "carol", "--password-stdin", "--data-dir", data()).code());
        assertEquals(1, run("pw pw pw pw\n", "user", "passwd", "nobody", "--password-stdin", "--data-dir", data()).code());
        assertEquals(0, run("", "user", "remove", "carol", "--yes", "--purge", "--data-dir", data()).code());
        assertTrue(!run("", "user", "list", "--data-dir", data()).out().contains("carol"));
        assertEquals(1, run("", "user", "remove", "carol", "--yes", "--data-dir", data()).code());
    }

    @Test
    void badInputIsExplainedAndChangesNothing() {
        Result shortPassword = run("short\n", "user", "add", "dave", "--password-stdin", "--data-dir", data());
        assertEquals(1, shortPassword.code());
        assertTrue(shortPassword.err().contains("at least 8"), shortPassword.err());
        Result badName = run("a long password\n", "user", "add", "../root", "--password-stdin", "--data-dir", data());
        assertEquals(1, badName.code());
        assertTrue(!run("", "user", "list", "--data-dir", data()).out().contains("dave"));
        Result noTerminal = run("", "user", "add", "erin", "--data-dir", data());
        assertEquals(2, noTerminal.code());
        assertTrue(noTerminal.err().contains("--password-stdin"), noTerminal.err());
    }

    @Test
    void aConfigurationErrorNamesTheSetting() throws Exception {
        Path conf = dir.resolve("bad.conf");
        java.nio.file.Files.writeString(conf, "chunk-size = 1000\n");
        Result r = run("", "user", "list", "--config", conf.toString(), "--data-dir", data());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("chunk-size"), r.err());
    }

    @Test
    void startUpErrorsNameThePathOrSettingAndTheReason() throws Exception {
        Result noFile = run("", "user", "list", "--config", dir.resolve("missing.conf").toString());
        assertEquals(2, noFile.code());
        assertTrue(noFile.err().contains("cannot read config file " + dir.resolve("missing.conf") + ": no such file"), noFile.err());

        Result typo = runWith(Map.of("HOME", dir.toString(), "ATTACHE_LISTN", "0.0.0.0:80"), "", "user", "list", "--data-dir", data());
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("unknown environment variable ATTACHE_LISTN"), typo.err());
        Result documented = runWith(Map.of("HOME", dir.toString(), "ATTACHE_CONFIG", dir.resolve("none").toString(),
                "ATTACHE_PASSPHRASE_FILE", dir.resolve("none").toString()), "", "user", "list");
        assertTrue(!documented.err().contains("unknown environment variable"), documented.err());

        java.nio.file.Files.writeString(dir.resolve("file"), "not a folder");
        Result notADirectory = run("", "user", "list", "--data-dir", dir.resolve("file").toString());
        assertEquals(1, notADirectory.code());
        assertTrue(notADirectory.err().contains("data directory " + dir.resolve("file") + " is not a directory"), notADirectory.err());

        java.nio.file.Path junk = java.nio.file.Files.createDirectories(dir.resolve("junk"));
        java.nio.file.Files.write(junk.resolve("attache.db"), new byte[4096]);
        java.nio.file.Files.writeString(junk.resolve("attache.db"), "this is not a database at all", java.nio.file.StandardOpenOption.APPEND);
        Result notADatabase = run("", "user", "list", "--data-dir", junk.toString());
        assertEquals(1, notADatabase.code());
        assertTrue(notADatabase.err().contains("cannot open the database " + junk.resolve("attache.db") + ": it is not an SQLite database"),
                notADatabase.err());

        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Result busy = run("", "serve", "--data-dir", data(), "--listen", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(1, busy.code());
            assertTrue(busy.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (setting 'listen'): address already in use"),
                    busy.err());
            // The web app's address taken (another server's, say): the message names that setting and address.
            int free;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                free = probe.getLocalPort();
            }
            Result webBusy = runWith(Map.of("ATTACHE_WEB_LISTEN", "127.0.0.1:" + taken.getLocalPort()), "", "serve",
                    "--data-dir", data(), "--listen", "127.0.0.1:" + free);
            assertEquals(1, webBusy.code());
            assertTrue(webBusy.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + " (setting 'web-listen'): address already in use"), webBusy.err());
        }
    }

    @Test
    void fsckSampleNeedsVerifyChunks() {
        Result r = run("", "fsck", "--sample", "5", "--data-dir", data());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--verify-chunks"), r.err());
    }

    @Test
    void trashRestoreTakesSeveralIds() throws Exception {
        java.util.List<Long> ids = new java.util.ArrayList<>();
        try (io.attache.testing.TestServer server = io.attache.testing.TestServer.start(Path.of(data())).user("tess")) {
            io.attache.fs.Drive drive = server.attache().files.drive(server.attache().users.find("tess").orElseThrow().id());
            for (String name : new String[]{"/one", "/two", "/three"}) {
                drive.write(io.attache.fs.DavPath.parse(name), new ByteArrayInputStream(name.getBytes(StandardCharsets.UTF_8)), null);
                drive.delete(io.attache.fs.DavPath.parse(name));
            }
            server.attache().trash.list("tess").forEach(e -> ids.add(e.id()));
        }
        Result r = run("", "trash", "restore", ids.get(0).toString(), ids.get(2).toString(), "99999", "--data-dir", data());
        assertEquals(1, r.code(), "one id named nothing");
        assertTrue(r.out().contains("restored item " + ids.get(0) + " to /one"), r.out());
        assertTrue(r.out().contains("restored item " + ids.get(2) + " to /three"), r.out());
        assertTrue(r.err().contains("item 99999: no trash item 99999"), r.err());
        Result list = run("", "trash", "list", "--data-dir", data());
        assertTrue(list.out().contains("/two") && !list.out().contains("/one") && !list.out().contains("/three"), list.out());
    }

    @Test
    void removingAUserKeepsTheirFilesRestorableUntilTheRetention() throws Exception {
        String auth = io.attache.testing.TestServer.basic("rita");
        try (io.attache.testing.TestServer server = io.attache.testing.TestServer.start(Path.of(data())).user("rita")) {
            for (String name : new String[]{"/report.txt", "/photos/"}) {
                io.attache.testing.RawHttp.exchange(server.port(), (name.endsWith("/") ? "MKCOL " : "PUT ") + name
                        + " HTTP/1.1\nHost: x\nAuthorization: " + auth, name.endsWith("/") ? "" : "quarterly");
            }
            String propfind = "PROPFIND / HTTP/1.1\nHost: x\nDepth: 1\nAuthorization: " + auth;
            assertEquals(207, io.attache.testing.RawHttp.exchange(server.port(), propfind).status());

            Result unconfirmed = run("rtia\n", "user", "remove", "rita", "--data-dir", data());
            assertEquals(1, unconfirmed.code());
            assertTrue(unconfirmed.err().contains("Type the user name again") && unconfirmed.err().contains("unchanged"),
                    unconfirmed.err());
            assertEquals(207, io.attache.testing.RawHttp.exchange(server.port(), propfind).status(), "nothing changed");

            Result removed = run("rita\n", "user", "remove", "rita", "--data-dir", data());
            assertEquals(0, removed.code(), removed.err());
            assertTrue(removed.out().contains("stay in their trash until"), removed.out());
            assertEquals(401, io.attache.testing.RawHttp.exchange(server.port(), propfind).status(), "the login stops at once");
            assertTrue(run("", "user", "list", "--data-dir", data()).out().contains("removed, deleted after"));
            Result trash = run("", "trash", "list", "--user", "rita", "--data-dir", data());
            assertTrue(trash.out().contains("/report.txt") && trash.out().contains("/photos/"), trash.out());

            Result readd = run("a long password\n", "user", "add", "rita", "--password-stdin", "--data-dir", data());
            assertEquals(1, readd.code(), "a new person with the same name must not inherit the files");
            assertTrue(readd.err().contains("was removed on") && readd.err().contains("--purge"), readd.err());

            Result back = run(io.attache.testing.TestServer.PASSWORD + "\n", "user", "passwd", "rita", "--password-stdin",
                    "--data-dir", data());
            assertEquals(0, back.code(), back.err());
            assertTrue(back.out().contains("active again"), back.out());
            for (io.attache.fs.TrashBin.Entry e : server.attache().trash.list("rita")) {
                assertEquals(0, run("", "trash", "restore", Long.toString(e.id()), "--data-dir", data()).code());
            }
            assertEquals("quarterly", io.attache.testing.RawHttp.exchange(server.port(),
                    "GET /report.txt HTTP/1.1\nHost: x\nAuthorization: " + auth).text());

            assertEquals(0, run("", "user", "remove", "rita", "--yes", "--purge", "--data-dir", data()).code());
            assertTrue(server.attache().trash.list(null).isEmpty());
            assertTrue(!run("", "user", "list", "--data-dir", data()).out().contains("rita"));
            assertEquals(java.util.List.of(), new io.attache.fs.Fsck(server.attache().db).checkMetadata().problems());
        }
    }

    @Test
    void aRemovedAccountIsDeletedAfterTheRetention() throws Exception {
        try (io.attache.testing.TestServer server = io.attache.testing.TestServer.start(Path.of(data()),
                Map.of("trash-retention", "1s")).user("brief")) {
            assertEquals(io.attache.fs.UserService.Removal.KEPT, server.attache().users.remove("brief", false));
            assertEquals(0, server.attache().users.purgeRemoved(), "kept for the retention");
            Thread.sleep(1_100);
            assertEquals(1, server.attache().users.purgeRemoved());
            assertTrue(server.attache().users.find("brief").isEmpty());
        }
    }
}
