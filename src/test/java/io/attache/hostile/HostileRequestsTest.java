package io.attache.hostile;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.attache.fs.Fsck;
import io.attache.testing.RawHttp;
import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile requests against a real server on loopback, one kind per test. The attacker "eve" and
 * the other user "vic" share the server; after each case vic's file is served intact and fsck
 * finds the metadata consistent. Limits are lowered where a case needs them to bite quickly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("hostile requests")
class HostileRequestsTest {

    @TempDir
    static Path dir;
    TestServer server;
    int port;
    final String eve = TestServer.basic("eve");
    final String vic = TestServer.basic("vic");
    final byte[] vicsFile = "vic's file\n".repeat(100).getBytes(StandardCharsets.UTF_8);
    final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir, Map.of("max-connections-per-address", "16", "min-data-rate", "64KiB",
                "min-data-rate-grace", "1s", "login-delay-after", "1000", "login-ban-after", "1000",
                "login-user-ban-after", "1000")).user("eve").user("vic").user("tight");
        server.attache().users.setQuota("tight", 1L << 20);
        port = server.port();
        assertEquals(201, send(vic, "PUT /vic.txt HTTP/1.1", vicsFile).status());
        log.start();
        ((Logger) LoggerFactory.getLogger("io.attache")).addAppender(log);
    }

    @AfterAll
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger("io.attache")).detachAppender(log);
        server.close();
    }

    @AfterEach
    void theOtherUserIsServedAndNothingStoredChanged() throws Exception {
        Response r = send(vic, "GET /vic.txt HTTP/1.1", null);
        assertEquals(200, r.status());
        assertArrayEquals(vicsFile, r.body());
        assertEquals(List.of(), new Fsck(server.attache().db).checkMetadata().problems());
    }

    Response send(String auth, String head, byte[] body) throws IOException {
        String h = head.strip() + "\nHost: x\nAuthorization: " + auth;
        return body == null ? RawHttp.exchange(port, h) : RawHttp.exchange(port, h + "\nContent-Length: " + body.length, body);
    }

    @Test
    @DisplayName("active content is served with nosniff and sandboxed; a client cannot make a text file HTML")
    void activeContent() throws Exception {
        String script = "<script>alert(document.domain)</script>";
        assertEquals(201, send(eve, "PUT /evil.html HTTP/1.1\nContent-Type: text/html", script.getBytes()).status());
        assertEquals(201, send(eve, "PUT /evil.svg HTTP/1.1\nContent-Type: image/svg+xml",
                ("<svg xmlns=\"http://www.w3.org/2000/svg\">" + script + "</svg>").getBytes()).status());
        assertEquals(201, send(eve, "PUT /notes.txt HTTP/1.1\nContent-Type: text/html", script.getBytes()).status());
        assertEquals(201, send(eve, "PUT /photo.jpg HTTP/1.1\nContent-Type: image/jpeg", new byte[10]).status());
        for (String path : new String[]{"/evil.html", "/evil.svg"}) {
            for (String method : new String[]{"GET", "HEAD"}) {
                Response r = send(eve, method + " " + path + " HTTP/1.1", null);
                assertEquals("nosniff", r.header("X-Content-Type-Options"), method + " " + path);
                assertEquals("sandbox", r.header("Content-Security-Policy"), method + " " + path);
            }
        }
        Response notes = send(eve, "GET /notes.txt HTTP/1.1", null);
        assertEquals("text/plain", notes.header("Content-Type"), "the client's text/html was not stored");
        assertEquals("nosniff", notes.header("X-Content-Type-Options"));
        Response photo = send(eve, "GET /photo.jpg HTTP/1.1", null);
        assertEquals("image/jpeg", photo.header("Content-Type"));
        assertEquals("nosniff", photo.header("X-Content-Type-Options"));
        assertNull(photo.header("Content-Security-Policy"), "harmless types are not sandboxed");
        Response parts = send(eve, "GET /evil.html HTTP/1.1\nRange: bytes=0-1,30-35", null);
        assertEquals(206, parts.status());
        assertEquals("sandbox", parts.header("Content-Security-Policy"));
    }

    @Test
    @DisplayName("64 overlapping whole-file ranges serve the file once")
    void overlappingRanges() throws Exception {
        byte[] file = new byte[1 << 20];
        new Random(3).nextBytes(file);
        assertEquals(201, send(eve, "PUT /ranges.bin HTTP/1.1", file).status());
        String all = String.join(",", Collections.nCopies(64, "0-"));
        Response r = send(eve, "GET /ranges.bin HTTP/1.1\nRange: bytes=" + all, null);
        System.out.printf("overlapping ranges: 64 x '0-' on %,d bytes served %,d bytes (%d)%n", file.length, r.body().length, r.status());
        assertEquals(206, r.status());
        assertEquals("bytes 0-1048575/1048576", r.header("Content-Range"));
        assertArrayEquals(file, r.body());
        Response mixed = send(eve, "GET /ranges.bin HTTP/1.1\nRange: bytes=0-99,50-149,1000-1099,-100,0-9", null);
        assertEquals(206, mixed.status());
        assertTrue(mixed.header("Content-Type").startsWith("multipart/byteranges"), mixed.header("Content-Type"));
        assertTrue(mixed.body().length < 350 + 3 * 200, "three parts of 150, 100 and 100 bytes: " + mixed.body().length);
    }

    @Test
    @DisplayName("a malformed chunked body is a 400 and stores nothing")
    void malformedChunkedBody() throws Exception {
        Response r = RawHttp.exchange(port, "PUT /chunked.bin HTTP/1.1\nHost: x\nAuthorization: " + eve
                + "\nTransfer-Encoding: chunked", "zz\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(400, r.status(), r::toString);
        assertEquals(404, send(eve, "GET /chunked.bin HTTP/1.1", null).status());
    }

    @Test
    @DisplayName("Expect: 100-continue over the quota is answered 507 before any body is sent")
    void expectOverQuota() throws Exception {
        try (Socket s = Hostile.connect("127.0.0.1", port, 0)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("PUT /huge.bin HTTP/1.1\r\nHost: x\r\nAuthorization: " + TestServer.basic("tight")
                    + "\r\nContent-Length: 104857600\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 507", answer, "no 100 Continue: the body is never asked for");
        }
        assertEquals(404, send(TestServer.basic("tight"), "GET /huge.bin HTTP/1.1", null).status());
    }

    @Test
    @DisplayName("connections beyond the cap of one address are closed; other addresses are served")
    void connectionCaps() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                sockets.add(Hostile.connect("127.0.0.7", port, 0));
            }
            int served = 0;
            for (Socket s : sockets) {
                s.setSoTimeout(2_000);
                try {
                    s.getOutputStream().write("OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    if (s.getInputStream().read() == 'H') {
                        served++;
                    }
                } catch (IOException e) {
                    // closed by the server
                }
            }
            System.out.println("connection caps: " + served + " of 40 connections from one address served (cap 16)");
            assertTrue(served >= 1 && served <= 16, served + " served");
            assertEquals(200, Hostile.status("127.0.0.1", port, "GET /vic.txt HTTP/1.1\nHost: x\nAuthorization: " + vic, null, 5_000));
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        int status = 0;
        for (int i = 0; i < 50 && status != 200; i++) {
            Thread.sleep(20);
            status = Hostile.status("127.0.0.7", port, "OPTIONS / HTTP/1.1\nHost: x", null, 2_000);
        }
        assertEquals(200, status, "closed connections no longer count");
    }

    @Test
    @DisplayName("a forged log line in a user name is escaped")
    void logForging() throws Exception {
        String forged = "x\r\n2026-01-01T00:00:00.000Z INFO  [attache-http-1] LoginDefence - Failed login for 'root' from 6.6.6.6";
        Response r = RawHttp.exchange(port, "GET / HTTP/1.1\nHost: x\nAuthorization: " + TestServer.basic(forged, "pw pw pw pw"));
        assertEquals(401, r.status());
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : new ArrayList<>(log.list)) {
            lines.addAll(List.of(e.getFormattedMessage().split("\n", -1)));
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("Failed login for 'x\\r\\n2026-01-01")), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("2026-01-01")), "no line of the client's making: " + lines);
    }

    @Test
    @DisplayName("an If header with 300 tagged lists is refused at once")
    void ifHeaderFlood() throws Exception {
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            header.append("<http://x/a").append(i).append("> (<opaquelocktoken:").append(UUID.randomUUID()).append(">) ");
        }
        long start = System.nanoTime();
        Response r = send(eve, "PUT /if.txt HTTP/1.1\nIf: " + header, "x".getBytes());
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("If header with 300 lists: " + r.status() + " in " + millis + " ms");
        assertEquals(400, r.status());
        assertTrue(r.text().contains("more than"), r.text());
        assertEquals(404, send(eve, "GET /if.txt HTTP/1.1", null).status());
    }

    @Test
    @DisplayName("a reader that stops reading is cut off, which frees its thread")
    void aStalledReaderIsCut() throws Exception {
        byte[] file = new byte[8 << 20];
        assertEquals(201, send(eve, "PUT /stall.bin HTTP/1.1", file).status());
        try (Socket s = Hostile.connect("127.0.0.1", port, 4096)) {
            s.getOutputStream().write(("GET /stall.bin HTTP/1.1\r\nHost: x\r\nAuthorization: " + eve + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(4_000); // min-data-rate 64 KiB/s, 1 s of grace: cut after 1-2 s of stalling
            s.setSoTimeout(10_000);
            long received = drain(s.getInputStream());
            assertTrue(received < file.length, "the download was cut: " + received + " of " + file.length);
        }
    }

    @Test
    @DisplayName("an upload that trickles is cut off and stores nothing")
    void aTricklingUploadIsCut() throws Exception {
        try (Socket s = Hostile.connect("127.0.0.1", port, 0)) {
            s.getOutputStream().write(("PUT /trickle.bin HTTP/1.1\r\nHost: x\r\nAuthorization: " + eve
                    + "\r\nContent-Length: 1048576\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            boolean cut = false;
            for (int i = 0; i < 100 && !cut; i++) {
                try {
                    s.getOutputStream().write('x');
                    Thread.sleep(100);
                } catch (IOException e) {
                    cut = true;
                }
            }
            assertTrue(cut, "the server closed the connection within 10 s");
        }
        assertEquals(404, send(eve, "GET /trickle.bin HTTP/1.1", null).status());
    }

    @Test
    @DisplayName("an unknown user takes as long to refuse as a wrong password")
    void unknownUsersCostTheSameAsWrongPasswords() throws Exception {
        List<Long> unknown = new ArrayList<>();
        List<Long> wrong = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int n = i;
            unknown.add(Hostile.time(1, 401, () -> Hostile.status("127.0.0.1", port, "GET / HTTP/1.1\nHost: x\nAuthorization: "
                    + TestServer.basic("nobody" + n, "wrong password"), null, 10_000)).millis().get(0));
            wrong.add(Hostile.time(1, 401, () -> Hostile.status("127.0.0.1", port, "GET / HTTP/1.1\nHost: x\nAuthorization: "
                    + TestServer.basic("vic", "wrong password " + n), null, 10_000)).millis().get(0));
        }
        long u = new Hostile.Timings(unknown).percentile(50);
        long w = new Hostile.Timings(wrong).percentile(50);
        System.out.printf("login timing: unknown user p50 %d ms, wrong password p50 %d ms%n", u, w);
        assertTrue(Math.abs(u - w) <= 0.2 * Math.max(u, w), "unknown " + unknown + " vs wrong " + wrong);
    }

    private static long drain(InputStream in) {
        long total = 0;
        byte[] buffer = new byte[65536];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
        } catch (IOException e) {
            // reset by the server
        }
        return total;
    }
}
