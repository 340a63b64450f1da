package io.attache.clients;

import io.attache.testing.ExternalProgram;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * cadaver (Debian package {@code cadaver}), the neon-based command-line client, typed at one
 * command at a time. cadaver exits 0 whatever happens, so every command's own output is checked
 * for its success message and against failure messages, and the result is checked over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("cadaver")
class CadaverClientTest {

    private static final String PROPERTIES_NS = "http://webdav.org/cadaver/custom-properties/";
    private static final List<String> FAILURES = List.of("failed", "Could not", "can only be used when connected",
            "Unrecognised command", "Authentication");

    @TempDir
    static Path dir;
    @TempDir
    static Path home;
    TestServer server;
    Wire wire;
    Path cadaver;
    byte[] big;

    @BeforeAll
    void start() throws Exception {
        cadaver = ExternalProgram.require("cadaver", "cadaver");
        server = TestServer.start(dir, Map.of("chunk-size", "256KiB")).user("carol");
        wire = Wire.as(server, "carol");
        Path netrc = home.resolve(".netrc");
        Files.writeString(netrc, "machine 127.0.0.1\nlogin carol\npassword \"" + TestServer.PASSWORD + "\"\n");
        Files.setPosixFilePermissions(netrc, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(home.resolve("notes.txt"), "meeting notes\n");
        Files.writeString(home.resolve("edited.txt"), "meeting notes, edited under a lock\n");
        Files.writeString(home.resolve("Grüße aus Köln.txt"), "Grüße\n");
        big = new byte[700_000];
        new Random(3).nextBytes(big);
        Files.write(home.resolve("big.bin"), big);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("mkcol, put, ls, get, copy, move, propset, propget, cat, rmcol, delete")
    void classOneCommands() throws Exception {
        try (Session dav = new Session()) {
            dav.expect("mkcol project", "Creating `project': succeeded.");
            dav.expect("cd project", "");
            dav.expect("put notes.txt", "succeeded.");
            dav.expect("put big.bin", "succeeded.");
            dav.expect("put \"Grüße aus Köln.txt\"", "succeeded.");
            String listing = dav.expect("ls", "Listing collection `/project/': succeeded.");
            assertTrue(listing.contains("notes.txt") && listing.contains("Grüße aus Köln.txt"), listing);
            assertTrue(Pattern.compile("big\\.bin\\s+700000\\s").matcher(listing).find(), listing);
            dav.expect("get notes.txt fetched.txt", "succeeded.");
            dav.expect("copy notes.txt copy.txt", "succeeded.");
            dav.expect("move copy.txt \"renamed copy.txt\"", "succeeded.");
            dav.expect("propset notes.txt color green", "Setting property on `notes.txt': succeeded.");
            dav.expect("propget notes.txt color", "Value of color is: green");
            dav.expect("mkcol sub", "succeeded.");
            dav.expect("rmcol sub", "Deleting collection `sub': succeeded.");
            dav.expect("cat \"renamed copy.txt\"", "meeting notes");
            dav.expect("delete \"renamed copy.txt\"", "Deleting `renamed copy.txt': succeeded.");
        }

        assertArrayEquals(bytes("meeting notes\n"), get("/project/notes.txt"));
        assertArrayEquals(big, get("/project/big.bin"));
        assertArrayEquals(bytes("Grüße\n"), get("/project/Gr%C3%BC%C3%9Fe%20aus%20K%C3%B6ln.txt"));
        assertArrayEquals(bytes("meeting notes\n"), Files.readAllBytes(home.resolve("fetched.txt")));
        assertEquals(404, wire.send("HEAD /project/renamed%20copy.txt HTTP/1.1").status());
        assertEquals(404, wire.send("HEAD /project/copy.txt HTTP/1.1").status());
        assertEquals(404, wire.send("PROPFIND /project/sub/ HTTP/1.1\nDepth: 0").status());
        Response props = wire.send("PROPFIND /project/notes.txt HTTP/1.1\nDepth: 0");
        assertEquals("green", DavXml.prop(props, "/project/notes.txt", PROPERTIES_NS, "color").text());
    }

    @Test
    @DisplayName("lock, put with the lock, showlocks, discover, unlock; other sessions get 423 meanwhile")
    void locking() throws Exception {
        try (Session dav = new Session()) {
            dav.expect("mkcol locking", "succeeded.");
            dav.expect("cd locking", "");
            dav.expect("put notes.txt", "succeeded.");
            dav.expect("lock notes.txt", "Locking `notes.txt': succeeded.");
            assertEquals(423, put("/locking/notes.txt", "from another session").status());

            dav.expect("put edited.txt notes.txt", "succeeded.");
            String owned = dav.expect("showlocks", "");
            assertFalse(owned.contains("No owned locks"), owned);
            String discovered = dav.expect("discover notes.txt", "Discovering locks on `notes.txt'");
            assertFalse(discovered.contains("no locks found"), discovered);
            dav.expect("unlock notes.txt", "Unlocking `notes.txt': succeeded.");
            assertArrayEquals(bytes("meeting notes, edited under a lock\n"), get("/locking/notes.txt"));
            assertEquals(204, put("/locking/notes.txt", "from another session").status(), "unlocked");

            dav.expect("mkcol folder", "succeeded.");
            dav.expect("lock folder", "Locking collection `folder': succeeded.");
            assertEquals(423, put("/locking/folder/new.txt", "from another session").status(), "inside a locked folder");
            dav.expect("put notes.txt folder/notes.txt", "succeeded.");
            dav.expect("unlock folder", "Unlocking `folder': succeeded.");
            assertEquals(201, put("/locking/folder/new.txt", "from another session").status());
        }
    }

    private Response put(String path, String content) throws IOException {
        return wire.send("PUT " + path + " HTTP/1.1", bytes(content));
    }

    private byte[] get(String path) throws IOException {
        Response r = wire.send("GET " + path + " HTTP/1.1");
        assertEquals(200, r.status(), path);
        return r.body();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A cadaver process connected to the server's root, fed one command at a time. */
    private final class Session implements AutoCloseable {
        private static final Pattern PROMPT = Pattern.compile("(?s)(?:.*\\n)?dav:[^\\n]*[>?] $");
        private static final Pattern ASKS = Pattern.compile("(?s).*(Username|Password|Enter locktoken)[^\\n]*: ?$");
        private static final long COMMAND_TIMEOUT_MS = 30_000;

        private final Process process;
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        private final OutputStream input;

        Session() throws IOException {
            ProcessBuilder builder = ExternalProgram.withEnvironment(
                    Map.of("HOME", home.toString(), "PATH", "/usr/bin:/bin", "LANG", "C.UTF-8"),
                    home, List.of(cadaver.toString(), server.url() + "/"));
            process = builder.redirectErrorStream(true).start();
            input = process.getOutputStream();
            Thread reader = new Thread(() -> pump(process.getInputStream()), "cadaver output");
            reader.setDaemon(true);
            reader.start();
            String banner = awaitPrompt(0);
            for (String failure : FAILURES) {
                assertFalse(banner.contains(failure), "cadaver did not connect: " + banner);
            }
        }

        /**
         * Types {@code command}; its output must contain {@code success} and none of the failure
         * messages. Returns the command's output.
         */
        String expect(String command, String success) throws IOException {
            int start = size();
            input.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            input.flush();
            String out = awaitPrompt(start);
            for (String failure : FAILURES) {
                assertFalse(out.contains(failure), () -> "cadaver> " + command + "\n" + out);
            }
            assertTrue(out.contains(success), () -> "cadaver> " + command + " did not say \"" + success + "\":\n" + out);
            return out;
        }

        private String awaitPrompt(int start) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COMMAND_TIMEOUT_MS);
            while (true) {
                String out = since(start);
                if (PROMPT.matcher(out).matches()) {
                    return out.substring(0, out.lastIndexOf("dav:"));
                }
                if (ASKS.matcher(out).matches() || !process.isAlive() || System.nanoTime() > deadline) {
                    fail("cadaver stopped at a question, exited or hung:\n" + out);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail("interrupted");
                }
            }
        }

        private void pump(InputStream in) {
            byte[] buffer = new byte[4096];
            try (in) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    synchronized (output) {
                        output.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        private int size() {
            synchronized (output) {
                return output.size();
            }
        }

        private String since(int start) {
            byte[] all;
            synchronized (output) {
                all = output.toByteArray();
            }
            return new String(all, start, all.length - start, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws Exception {
            try {
                input.write("quit\n".getBytes(StandardCharsets.UTF_8));
                input.close();
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
