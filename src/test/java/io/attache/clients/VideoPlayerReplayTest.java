package io.attache.clients;

import io.attache.testing.RawHttp.Response;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mobile apps and video players (AVPlayer, VLC, Infuse) streaming from the drive: they probe with
 * {@code bytes=0-} or {@code 0-1}, seek with open and suffix ranges, sometimes ask for several
 * ranges at once, and resume with {@code If-Range}. The file spans four 256 KiB chunks, so ranges
 * cross chunk boundaries (at 262144, 524288 and 786432).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Mobile video players")
class VideoPlayerReplayTest {

    static final int LENGTH = 3 * 262_144 + 12_345;
    static final String MOVIE = "/videos/Big%20Buck%20Bunny.mp4";
    private static final Pattern BOUNDARY = Pattern.compile("multipart/byteranges;\\s*boundary=\"?([^\";]+)\"?");

    @TempDir
    static Path dir;
    TestServer server;
    Wire player;
    byte[] movie;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(dir, Map.of("chunk-size", "256KiB")).user("vic");
        player = Wire.as(server, "vic");
        movie = new byte[LENGTH];
        new Random(42).nextBytes(movie);
        assertEquals(201, player.send("MKCOL /videos/ HTTP/1.1").status());
        assertEquals(201, player.send("PUT " + MOVIE + " HTTP/1.1", movie).status());
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @Nested
    @DisplayName("Range")
    class Ranges {
        @ParameterizedTest(name = "{0} -> bytes {1}-{2}")
        @CsvSource({
                "bytes=0-,                0,      798776",
                "bytes=0-1,               0,      1",
                "bytes=-1000,             797777, 798776",
                "bytes=-5000000,          0,      798776",
                "bytes=262000-,           262000, 798776",
                "bytes=262100-524400,     262100, 524400",
                "bytes=262143-262144,     262143, 262144",
                "bytes=524288-524288,     524288, 524288",
                "bytes=798000-9999999,    798000, 798776",
        })
        void aSatisfiableRangeIs206WithExactlyThoseBytes(String range, int first, int last) throws Exception {
            Response r = player.send("""
                    GET %s HTTP/1.1
                    User-Agent: AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)
                    Accept: */*
                    Range: %s
                    X-Playback-Session-Id: 6C1B8D0E-6D3A-4C8B-9E0A-1F2B3C4D5E6F""".formatted(MOVIE, range));
            assertEquals(206, r.status(), r::toString);
            assertEquals("bytes " + first + "-" + last + "/" + LENGTH, r.header("Content-Range"));
            assertEquals(String.valueOf(last - first + 1), r.header("Content-Length"));
            assertArrayEquals(Arrays.copyOfRange(movie, first, last + 1), r.body());
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"bytes=798777-", "bytes=5000000-6000000"})
        void anUnsatisfiableRangeIs416WithTheLength(String range) throws Exception {
            Response r = player.send("GET " + MOVIE + " HTTP/1.1\nUser-Agent: VLC/3.0.20 LibVLC/3.0.20\nRange: " + range);
            assertEquals(416, r.status(), r::toString);
            assertEquals("bytes */" + LENGTH, r.header("Content-Range"));
        }

        @Test
        @DisplayName("several ranges come back as multipart/byteranges, each part with its Content-Range")
        void multipleRanges() throws Exception {
            Response r = player.send("""
                    GET %s HTTP/1.1
                    User-Agent: VLC/3.0.20 LibVLC/3.0.20
                    Range: bytes=0-99,262100-262200,-50""".formatted(MOVIE));
            assertEquals(206, r.status(), r::toString);
            Matcher boundary = BOUNDARY.matcher(String.valueOf(r.header("Content-Type")));
            assertTrue(boundary.find(), "Content-Type: " + r.header("Content-Type"));
            List<Part> parts = Part.split(r.body(), boundary.group(1));
            assertEquals(3, parts.size(), "parts: " + parts);
            int[][] expected = {{0, 99}, {262_100, 262_200}, {LENGTH - 50, LENGTH - 1}};
            for (int i = 0; i < expected.length; i++) {
                int first = expected[i][0];
                int last = expected[i][1];
                assertEquals("bytes " + first + "-" + last + "/" + LENGTH, parts.get(i).header("Content-Range"), "part " + i);
                assertArrayEquals(Arrays.copyOfRange(movie, first, last + 1), parts.get(i).body(), "part " + i);
            }
        }

        @Test
        @DisplayName("parallel range requests, as AVPlayer issues them, each get their own bytes")
        void parallelRanges() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    int first = i * 45_000;
                    int last = first + 65_535;
                    results.add(pool.submit(() -> {
                        Response r = player.send("GET " + MOVIE + " HTTP/1.1\nRange: bytes=" + first + "-" + last);
                        boolean right = r.status() == 206 && Arrays.equals(Arrays.copyOfRange(movie, first, last + 1), r.body());
                        return right ? "" : "bytes=" + first + "-" + last + " answered " + r.status() + " " + r.headers();
                    }));
                }
                for (Future<String> result : results) {
                    assertEquals("", result.get(60, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("If-Range")
    class IfRange {
        @Test
        void theCurrentStrongEtagKeepsTheRange() throws Exception {
            String etag = player.send("HEAD " + MOVIE + " HTTP/1.1").header("ETag");
            Response r = player.send("GET %s HTTP/1.1\nRange: bytes=100-199\nIf-Range: %s".formatted(MOVIE, etag));
            assertEquals(206, r.status(), r::toString);
            assertArrayEquals(Arrays.copyOfRange(movie, 100, 200), r.body());
        }

        @Test
        void aStaleEtagGetsTheWholeNewFile() throws Exception {
            String file = "/videos/resumed.mp4";
            byte[] before = new byte[300_000];
            new Random(1).nextBytes(before);
            byte[] after = new byte[300_000];
            new Random(2).nextBytes(after);
            player.send("PUT " + file + " HTTP/1.1", before);
            String stale = player.send("HEAD " + file + " HTTP/1.1").header("ETag");
            assertEquals(204, player.send("PUT " + file + " HTTP/1.1", after).status());

            Response r = player.send("GET %s HTTP/1.1\nRange: bytes=100-199\nIf-Range: %s".formatted(file, stale));
            assertEquals(200, r.status(), "the file changed: the whole new version, not a piece of it");
            assertArrayEquals(after, r.body());
        }

        @Test
        void aWeakEtagNeverMatches() throws Exception {
            String etag = player.send("HEAD " + MOVIE + " HTTP/1.1").header("ETag");
            Response r = player.send("GET %s HTTP/1.1\nRange: bytes=100-199\nIf-Range: W/%s".formatted(MOVIE, etag));
            assertEquals(200, r.status(), "RFC 9110 13.1.5: If-Range needs a strong comparison");
            assertEquals(LENGTH, r.body().length);
        }
    }

    @Nested
    @DisplayName("HEAD and PROPFIND")
    class Metadata {
        @Test
        void headOnAFileHasEverythingAPlayerNeedsToSeek() throws Exception {
            Response r = player.send("HEAD " + MOVIE + " HTTP/1.1\nUser-Agent: Infuse/7.6.4");
            assertEquals(200, r.status());
            assertEquals(String.valueOf(LENGTH), r.header("Content-Length"));
            assertEquals("bytes", r.header("Accept-Ranges"));
            assertEquals("video/mp4", r.header("Content-Type"));
            String etag = r.header("ETag");
            assertNotNull(etag);
            assertTrue(etag.startsWith("\"") && etag.endsWith("\""), "strong, or If-Range cannot use it: " + etag);
            ZonedDateTime.parse(r.header("Last-Modified"), DateTimeFormatter.RFC_1123_DATE_TIME);
        }

        @Test
        void headOnAFolderIs200() throws Exception {
            assertEquals(200, player.send("HEAD /videos/ HTTP/1.1\nUser-Agent: Infuse/7.6.4").status());
            assertEquals(200, player.send("HEAD /videos HTTP/1.1\nUser-Agent: Infuse/7.6.4").status());
        }

        @Test
        void anEmptyPropfindIsAllprop() throws Exception {
            Response r = player.send("""
                    PROPFIND /videos/ HTTP/1.1
                    User-Agent: Documents/8.9 CFNetwork/1474 Darwin/23.0.0
                    Depth: 1
                    Content-Length: 0""");
            String file = "/videos/Big Buck Bunny.mp4";
            assertEquals(String.valueOf(LENGTH), DavXml.prop(r, file, DavXml.DAV, "getcontentlength").text());
            assertEquals("video/mp4", DavXml.prop(r, file, DavXml.DAV, "getcontenttype").text());
            for (String name : List.of("getetag", "getlastmodified", "creationdate", "resourcetype")) {
                assertEquals(200, DavXml.prop(r, file, DavXml.DAV, name).status(), name);
            }
            assertTrue(DavXml.prop(r, "/videos/", DavXml.DAV, "resourcetype").has(DavXml.DAV, "collection"));
        }
    }

    /** One part of a multipart/byteranges body. */
    record Part(String headers, byte[] body) {
        String header(String name) {
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return headers.replace("\r\n", "; ") + " (" + body.length + " bytes)";
        }

        static List<Part> split(byte[] body, String boundary) {
            byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
            List<Part> parts = new ArrayList<>();
            int at = indexOf(body, delimiter, 0);
            while (at >= 0) {
                int lineEnd = indexOf(body, bytes("\r\n"), at);
                if (lineEnd < 0 || body[at + delimiter.length] == '-') {
                    break;
                }
                int headersEnd = indexOf(body, bytes("\r\n\r\n"), lineEnd);
                int next = indexOf(body, concat(bytes("\r\n"), delimiter), headersEnd + 4);
                if (headersEnd < 0 || next < 0) {
                    throw new AssertionError("malformed multipart body after byte " + at);
                }
                String headers = new String(body, lineEnd + 2, headersEnd - lineEnd - 2, StandardCharsets.ISO_8859_1);
                parts.add(new Part(headers, Arrays.copyOfRange(body, headersEnd + 4, next)));
                at = next + 2;
            }
            return parts;
        }

        private static int indexOf(byte[] haystack, byte[] needle, int from) {
            outer:
            for (int i = Math.max(from, 0); i <= haystack.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] both = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            return both;
        }
    }
}
