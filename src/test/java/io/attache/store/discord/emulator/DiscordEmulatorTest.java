package io.attache.store.discord.emulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emulator answers like DISCORD.md says Discord does: shapes, statuses, headers, CDN. */
class DiscordEmulatorTest {

    private static final String BOUNDARY = "emulator-test-boundary";

    private DiscordEmulator emulator;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String token;
    private String channel;

    @BeforeEach
    void start() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests()
                .messageCreateLimit(Limit.parse("3/10s")).channels(2).webhooks(1).maxFileSize(1000)
                .urlLifetime(Duration.ofHours(1)));
        token = emulator.tokens().get(0);
        channel = emulator.channelIds().get(0);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private static byte[] multipart(String payloadJson, String filename, byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + payloadJson + "\r\n--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"files[0]\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private HttpResponse<String> post(String path, String auth, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulator.apiUrl() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth != null) {
            b.header("Authorization", "Bot " + auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> upload(String nonce, boolean enforce, byte[] file) throws Exception {
        String payload = nonce == null ? "{\"attachments\":[{\"id\":0,\"filename\":\"chunk-1\"}]}"
                : "{\"nonce\":\"" + nonce + "\",\"enforce_nonce\":" + enforce
                + ",\"attachments\":[{\"id\":0,\"filename\":\"chunk-1\"}]}";
        return post("/channels/" + channel + "/messages", token, "multipart/form-data; boundary=" + BOUNDARY,
                multipart(payload, "ignored-name", file));
    }

    private HttpResponse<String> send(String method, String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulator.apiUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            b.header("Authorization", "Bot " + auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> cdn(String url, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Map<String, Object> firstAttachment(HttpResponse<String> response) {
        return EmulatorJson.asObject(EmulatorJson.array(EmulatorJson.parseObject(response.body()), "attachments").get(0), "attachment");
    }

    @Test
    void aBotUploadAnswersWithTheMessageAndEveryRateLimitHeader() throws Exception {
        byte[] file = "ciphertext".getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> r = upload(null, false, file);
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> message = EmulatorJson.parseObject(r.body());
        assertEquals(channel, EmulatorJson.string(message, "channel_id"));
        assertEquals(emulator.userIdOf(token), EmulatorJson.string(EmulatorJson.asObject(message.get("author"), "author"), "id"));
        Map<String, Object> attachment = firstAttachment(r);
        assertEquals("chunk-1", EmulatorJson.string(attachment, "filename"), "the payload's filename wins");
        assertEquals(10L, EmulatorJson.longValue(attachment, "size"));
        assertTrue(EmulatorJson.string(attachment, "url").matches(".*/attachments/" + channel + "/\\d+/chunk-1\\?ex=[0-9a-f]+&is=[0-9a-f]+&hm=[0-9a-f]{64}"));
        assertEquals("3", r.headers().firstValue("X-RateLimit-Limit").orElseThrow());
        assertEquals("2", r.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        double resetAfter = Double.parseDouble(r.headers().firstValue("X-RateLimit-Reset-After").orElseThrow());
        assertTrue(resetAfter > 9 && resetAfter <= 10, "reset after " + resetAfter);
        assertTrue(r.headers().firstValue("X-RateLimit-Reset").orElseThrow().matches("\\d+\\.\\d{3}"));
        assertTrue(r.headers().firstValue("X-RateLimit-Bucket").orElseThrow().matches("[0-9a-f]{32}"));
        assertEquals("1.1 google", r.headers().firstValue("Via").orElseThrow());
        assertArrayEquals(file, cdn(EmulatorJson.string(attachment, "url"), null).body());
    }

    @Test
    void resetAfterCountsFromTheAnswerNotFromTheRequestHeaders() throws Exception {
        byte[] body = multipart("{\"attachments\":[{\"id\":0,\"filename\":\"slow\"}]}", "slow", new byte[]{1, 2, 3});
        URI uri = URI.create(emulator.apiUrl() + "/channels/" + channel + "/messages");
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\nAuthorization: Bot "
                    + token + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length - 10);
            out.flush();
            // The body's last bytes come 1.5 s after the headers, like a large upload on a slow link.
            Thread.sleep(1500);
            out.write(body, body.length - 10, 10);
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            Matcher m = Pattern.compile("(?im)^X-RateLimit-Reset-After: ([0-9.]+)$").matcher(answer);
            assertTrue(m.find(), answer);
            double resetAfter = Double.parseDouble(m.group(1));
            assertTrue(resetAfter <= 8.6, "the window opened with the headers, 1.5 s before this answer: reset after " + resetAfter);
        }
    }

    @Test
    void theFourthUploadInTheWindowIsRateLimitedAsAnInvalidRequest() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, upload(null, false, new byte[]{(byte) i}).statusCode());
        }
        HttpResponse<String> r = upload(null, false, new byte[]{9});
        assertEquals(429, r.statusCode());
        assertEquals("user", r.headers().firstValue("X-RateLimit-Scope").orElseThrow());
        assertEquals("0", r.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        assertEquals("10", r.headers().firstValue("Retry-After").orElseThrow());
        Map<String, Object> body = EmulatorJson.parseObject(r.body());
        assertEquals(Boolean.FALSE, body.get("global"));
        assertTrue(EmulatorJson.number(body, "retry_after", 0) > 9);
        assertEquals(1, emulator.counters().invalidRequests());
        assertEquals(3, emulator.messageCount());
    }

    @Test
    void anEnforcedNonceReturnsTheMessageAlreadyCreated() throws Exception {
        HttpResponse<String> first = upload("0123456789abcdef012345678", true, new byte[]{1});
        HttpResponse<String> again = upload("0123456789abcdef012345678", true, new byte[]{1});
        assertEquals(EmulatorJson.string(EmulatorJson.parseObject(first.body()), "id"), EmulatorJson.string(EmulatorJson.parseObject(again.body()), "id"));
        assertEquals(1, emulator.messageCount());
        assertEquals(1, emulator.counters().messagesCreated(), "the answer to a matched nonce creates nothing");
        upload("0123456789abcdef012345678", false, new byte[]{1});
        assertEquals(2, emulator.messageCount(), "without enforce_nonce a nonce does not deduplicate");
        assertEquals(2, emulator.counters().messagesCreated());
    }

    @Test
    void anOversizeFileIsRefusedWith40005() throws Exception {
        HttpResponse<String> r = upload(null, false, new byte[1001]);
        assertEquals(413, r.statusCode());
        assertEquals(40005L, EmulatorJson.longValue(EmulatorJson.parseObject(r.body()), "code"));
        assertEquals(200, upload(null, false, new byte[1000]).statusCode());
    }

    @Test
    void theCdnServesRangesAndRefusesTamperedOrExpiredUrls() throws Exception {
        byte[] file = new byte[1000];
        Arrays.fill(file, (byte) 7);
        file[500] = 1;
        String url = EmulatorJson.string(firstAttachment(upload(null, false, file)), "url");
        HttpResponse<byte[]> partial = cdn(url, "bytes=500-599");
        assertEquals(206, partial.statusCode());
        assertEquals("bytes 500-599/1000", partial.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(file, 500, 600), partial.body());
        assertEquals(416, cdn(url, "bytes=1000-1001").statusCode());
        assertEquals(100, emulator.counters().cdnBytesServed());
        String counters = http.send(HttpRequest.newBuilder(URI.create(emulator.apiUrl().replaceFirst("/api/v\\d+$", "")
                + DiscordEmulator.COUNTERS_PATH)).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(counters.contains("cdnBytes=100\n") && counters.contains("cdnRequests=2\n")
                && counters.contains("messagesCreated=1\n"), counters);
        int hm = url.indexOf("hm=") + 3;
        char flipped = url.charAt(hm) == '0' ? '1' : '0';
        assertEquals(404, cdn(url.substring(0, hm) + flipped + url.substring(hm + 1), null).statusCode());
        assertEquals(404, cdn(url.replaceAll("ex=[0-9a-f]+", "ex=ffffffff"), null).statusCode());
        emulator.advanceClock(Duration.ofHours(2));
        assertEquals(404, cdn(url, null).statusCode(), "expired");
        HttpResponse<String> refreshed = post("/attachments/refresh-urls", token, "application/json",
                EmulatorJson.write(EmulatorJson.obj("attachment_urls", List.of(url))).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> pair = EmulatorJson.asObject(EmulatorJson.array(EmulatorJson.parseObject(refreshed.body()), "refreshed_urls").get(0), "pair");
        assertEquals(url, EmulatorJson.string(pair, "original"));
        assertArrayEquals(file, cdn(EmulatorJson.string(pair, "refreshed"), null).body());
    }

    @Test
    void webhookMessagesHideTheirAttachmentsFromABotWithoutTheContentIntent() throws Exception {
        String hook = emulator.webhookIds().get(0);
        String hookUrl = emulator.webhookUrls().get(0).replace("https://discord.com/api", "");
        HttpResponse<String> r = post(hookUrl + "?wait=true", null, "multipart/form-data; boundary=" + BOUNDARY,
                multipart("{}", "via-hook", new byte[]{1, 2, 3}));
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> message = EmulatorJson.parseObject(r.body());
        assertEquals(hook, EmulatorJson.string(message, "webhook_id"));
        String id = EmulatorJson.string(message, "id");
        String hookChannel = emulator.webhookChannel(hook);
        HttpResponse<String> asBot = send("GET", "/channels/" + hookChannel + "/messages/" + id, token);
        assertEquals(List.of(), EmulatorJson.array(EmulatorJson.parseObject(asBot.body()), "attachments"));
        HttpResponse<String> asHook = send("GET", hookUrl + "/messages/" + id, null);
        assertEquals("via-hook", EmulatorJson.string(firstAttachment(asHook), "filename"));
        assertEquals(204, post(hookUrl, null, "multipart/form-data; boundary=" + BOUNDARY,
                multipart("{}", "no-wait", new byte[]{4})).statusCode());
    }

    @Test
    void bulkDeleteFollowsDiscordsRules() throws Exception {
        emulator.settings().bulkDeleteLimit(Limit.parse("10/1s"));
        String a = EmulatorJson.string(EmulatorJson.parseObject(upload(null, false, new byte[]{1}).body()), "id");
        String b = EmulatorJson.string(EmulatorJson.parseObject(upload(null, false, new byte[]{2}).body()), "id");
        String path = "/channels/" + channel + "/messages/bulk-delete";
        byte[] one = EmulatorJson.write(EmulatorJson.obj("messages", List.of(a))).getBytes(StandardCharsets.UTF_8);
        assertEquals(50016L, EmulatorJson.longValue(EmulatorJson.parseObject(post(path, token, "application/json", one).body()), "code"));
        byte[] both = EmulatorJson.write(EmulatorJson.obj("messages", List.of(a, b))).getBytes(StandardCharsets.UTF_8);
        emulator.setManageMessages(token, false);
        assertEquals(403, post(path, token, "application/json", both).statusCode());
        emulator.setManageMessages(token, true);
        emulator.advanceClock(Duration.ofDays(15));
        HttpResponse<String> old = post(path, token, "application/json", both);
        assertEquals(50034L, EmulatorJson.longValue(EmulatorJson.parseObject(old.body()), "code"));
        emulator.advanceClock(Duration.ofDays(-15));
        assertEquals(204, post(path, token, "application/json", both).statusCode());
        assertEquals(0, emulator.messageCount());
    }

    @Test
    void credentialsChannelsAndWebhooksFailWithDiscordsCodes() throws Exception {
        assertEquals(401, send("GET", "/users/@me", "emu.not-a-token-at-all-really").statusCode());
        assertEquals(200, send("GET", "/users/@me", token).statusCode());
        emulator.deleteChannel(emulator.channelIds().get(1));
        HttpResponse<String> gone = send("GET", "/channels/" + emulator.channelIds().get(1) + "/messages/1", token);
        assertEquals(10003L, EmulatorJson.longValue(EmulatorJson.parseObject(gone.body()), "code"));
        HttpResponse<String> missing = send("GET", "/channels/" + channel + "/messages/1", token);
        assertEquals(10008L, EmulatorJson.longValue(EmulatorJson.parseObject(missing.body()), "code"));
        String hookUrl = emulator.webhookUrls().get(0).replace("https://discord.com/api", "");
        emulator.deleteWebhook(emulator.webhookIds().get(0));
        assertEquals(10015L, EmulatorJson.longValue(EmulatorJson.parseObject(send("GET", hookUrl, null).body()), "code"));
        emulator.revokeToken(token);
        assertEquals(401, send("GET", "/users/@me", token).statusCode());
        assertEquals(2, emulator.counters().invalidRequests());
    }

    @Test
    void tooManyInvalidRequestsEarnACloudflareBan() throws Exception {
        emulator.settings().banThreshold(3);
        for (int i = 0; i < 3; i++) {
            send("GET", "/users/@me", "emu.wrong-token-" + i + "-xxxxxxxxxxxx");
        }
        HttpResponse<String> banned = send("GET", "/users/@me", token);
        assertEquals(429, banned.statusCode());
        assertTrue(banned.headers().firstValue("Via").isEmpty());
        assertTrue(banned.body().contains("You are being blocked"));
        assertTrue(banned.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    }

    @Test
    void injectedFaultsFireAsManyTimesAsAsked() throws Exception {
        emulator.faults().inject(Fault.STATUS_503, RouteClass.CURRENT_USER, 2)
                .inject(Fault.RATE_LIMIT_GLOBAL, RouteClass.MESSAGE_GET, 1)
                .inject(Fault.NO_RATE_LIMIT_HEADERS, RouteClass.CURRENT_USER, 1)
                .inject(Fault.CHANGE_BUCKET_HASH, RouteClass.CURRENT_USER, 1);
        assertEquals(503, send("GET", "/users/@me", token).statusCode());
        assertEquals(503, send("GET", "/users/@me", token).statusCode());
        HttpResponse<String> ok = send("GET", "/users/@me", token);
        assertEquals(200, ok.statusCode());
        assertTrue(ok.headers().firstValue("X-RateLimit-Bucket").isEmpty());
        HttpResponse<String> after = send("GET", "/users/@me", token);
        assertTrue(after.headers().firstValue("X-RateLimit-Bucket").isPresent());
        HttpResponse<String> global = send("GET", "/channels/" + channel + "/messages/1", token);
        assertEquals(429, global.statusCode());
        assertEquals("true", global.headers().firstValue("X-RateLimit-Global").orElseThrow());
        assertFalse(emulator.faults().pending());
    }

    @Test
    void aDroppedConnectionStillCreatesTheMessage() throws Exception {
        emulator.faults().inject(Fault.DROP_AFTER_CREATE, RouteClass.MESSAGE_CREATE, 1);
        assertThrows(IOException.class, () -> upload("nonce-1", true, new byte[]{5}));
        assertEquals(1, emulator.messageCount());
        HttpResponse<String> retry = upload("nonce-1", true, new byte[]{5});
        assertEquals(200, retry.statusCode());
        assertEquals(1, emulator.messageCount());
    }

    @Test
    void cdnFaultsBreakTheTransferTheWayTheySay() throws Exception {
        byte[] file = new byte[1000];
        new java.util.Random(1).nextBytes(file);
        String url = EmulatorJson.string(firstAttachment(upload(null, false, file)), "url");
        emulator.faults().inject(Fault.CDN_TRUNCATE, null, 1);
        assertThrows(IOException.class, () -> cdn(url, null));
        emulator.faults().inject(Fault.CDN_IGNORE_RANGE, null, 1);
        HttpResponse<byte[]> whole = cdn(url, "bytes=10-19");
        assertEquals(200, whole.statusCode());
        assertArrayEquals(file, whole.body());
        emulator.faults().inject(Fault.CDN_CORRUPT, null, 1);
        HttpResponse<byte[]> corrupt = cdn(url, null);
        assertEquals(1000, corrupt.body().length);
        assertFalse(Arrays.equals(file, corrupt.body()));
        emulator.faults().inject(Fault.CDN_WRONG_RANGE, null, 1);
        assertEquals("bytes 11-20/1000", cdn(url, "bytes=10-19").headers().firstValue("Content-Range").orElseThrow());
        emulator.faults().inject(Fault.CDN_EXPIRED, null, 1);
        assertEquals(404, cdn(url, null).statusCode());
        emulator.settings().bandwidth(200_000);
        assertArrayEquals(file, cdn(url, null).body(), "shaped, not changed");
    }

    @Test
    void historyAndPinsPage() throws Exception {
        String a = EmulatorJson.string(EmulatorJson.parseObject(upload(null, false, new byte[]{1}).body()), "id");
        String b = EmulatorJson.string(EmulatorJson.parseObject(upload(null, false, new byte[]{2}).body()), "id");
        List<Object> newest = EmulatorJson.asArray(EmulatorJson.parse(send("GET", "/channels/" + channel + "/messages?limit=1", token).body()), "page");
        assertEquals(b, EmulatorJson.string(EmulatorJson.asObject(newest.get(0), "m"), "id"));
        List<Object> older = EmulatorJson.asArray(EmulatorJson.parse(send("GET", "/channels/" + channel + "/messages?limit=100&before=" + b, token).body()), "page");
        assertEquals(1, older.size());
        assertEquals(204, send("PUT", "/channels/" + channel + "/messages/pins/" + a, token).statusCode());
        Map<String, Object> pins = EmulatorJson.parseObject(send("GET", "/channels/" + channel + "/messages/pins", token).body());
        Map<String, Object> item = EmulatorJson.asObject(EmulatorJson.array(pins, "items").get(0), "item");
        assertEquals(a, EmulatorJson.string(EmulatorJson.asObject(item.get("message"), "message"), "id"));
        assertEquals(Boolean.FALSE, pins.get("has_more"));
        assertNotEquals(null, EmulatorJson.string(item, "pinned_at"));
    }
}
