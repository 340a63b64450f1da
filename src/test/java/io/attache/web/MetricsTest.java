package io.attache.web;

import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /metrics scraped as Prometheus would, parsed, and read for what the server did; the request log. */
class MetricsTest {

    private static final String TOKEN = "a-long-enough-metrics-token";
    /** One sample of the text format: name{labels} value. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

    @TempDir
    Path dir;

    @Test
    void metricsNeedTheTokenOrTheirOwnAddressAndCountWhatHappened() throws Exception {
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        Path requestLog = dir.resolve("requests.log");
        try (TestServer server = TestServer.start(dir.resolve("data"), Map.of("metrics-token", TOKEN,
                "metrics-listen", "127.0.0.1:" + metricsPort, "request-log", requestLog.toString())).user("mia")) {
            HttpClient http = HttpClient.newHttpClient();
            URI onWeb = URI.create(server.webUrl() + "/metrics");
            assertEquals(401, http.send(HttpRequest.newBuilder(onWeb).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, http.send(HttpRequest.newBuilder(onWeb).header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            Map<String, Double> before = scrape(http, onWeb);

            byte[] body = new byte[1_000_000];
            RawHttp.Response put = RawHttp.exchange(server.port(), "PUT /m.bin HTTP/1.1\nHost: x\nContent-Length: "
                    + body.length + "\nAuthorization: " + TestServer.basic("mia"), body);
            assertEquals(201, put.status());
            assertEquals(401, RawHttp.exchange(server.port(), "GET /m.bin HTTP/1.1\nHost: x\nAuthorization: "
                    + TestServer.basic("mia", "wrong password")).status());
            assertEquals(206, RawHttp.exchange(server.port(), "GET /m.bin HTTP/1.1\nHost: x\nRange: bytes=0-9\nAuthorization: "
                    + TestServer.basic("mia")).status());

            Map<String, Double> after = scrape(http, URI.create("http://127.0.0.1:" + metricsPort + "/metrics"));
            assertEquals(1.0, delta(before, after, "jetty_server_requests_seconds_count{face=\"dav\",method=\"PUT\",outcome=\"SUCCESS\",status=\"201\"}"));
            assertEquals(1.0, delta(before, after, "jetty_server_requests_seconds_count{face=\"dav\",method=\"GET\",outcome=\"SUCCESS\",status=\"206\"}"));
            assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("jetty_server_requests_seconds_bucket{")),
                    "a latency histogram");
            assertEquals(1.0, delta(before, after, "attache_logins_failed_total"));
            assertTrue(delta(before, after, "attache_store_bytes_total{direction=\"up\"}") > body.length,
                    "the encrypted chunk went to the store");
            assertTrue(delta(before, after, "attache_store_operations_seconds_count{operation=\"put\",outcome=\"ok\"}") >= 1);
            assertEquals(1.0, delta(before, after, "attache_packs_stored_total"), "a file shorter than a chunk goes into a pack");
            assertTrue(delta(before, after, "attache_packs_stored_bytes_total") > body.length);
            assertTrue(after.get("attache_packs_fill") > 0 && after.get("attache_packs_fill") <= 1, "fill " + after.get("attache_packs_fill"));
            for (String family : new String[]{"jvm_memory_used_bytes", "jetty_threads_busy", "hikaricp_connections_active",
                    "attache_uploads_receiving", "attache_uploads_pending_files", "attache_uploads_rate_bytes", "attache_logins_bans_total",
                    "process_uptime_seconds"}) {
                assertTrue(after.keySet().stream().anyMatch(k -> k.equals(family) || k.startsWith(family + "{")), family);
            }
        }
        String log = Files.readString(requestLog, StandardCharsets.UTF_8);
        assertTrue(log.lines().anyMatch(l -> l.matches("127\\.0\\.0\\.1 - mia \\[.*] \"PUT /m\\.bin HTTP/1\\.1\" 201 .*")
                || l.matches("127\\.0\\.0\\.1 - - \\[.*] \"PUT /m\\.bin HTTP/1\\.1\" 201 .*")), log);
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
        assertTrue(after.containsKey(key), key + " in " + after.keySet());
        return after.get(key) - before.getOrDefault(key, 0.0);
    }

    /** Parses every sample line; fails on a line that is neither a comment nor a sample. */
    static Map<String, Double> scrape(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a Prometheus sample: " + line);
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return samples;
    }
}
