package io.attache.server;

import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import io.attache.store.discord.emulator.Fault;
import io.attache.store.discord.emulator.RouteClass;
import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attaché with Discord as its store, against the emulator on loopback. */
class DiscordEndToEndTest {

    @TempDir
    Path dir;

    static Map<String, String> settings(DiscordEmulator discord, Map<String, String> extra) {
        Map<String, String> s = new HashMap<>();
        s.put("store", "discord");
        s.put("discord-api-url", discord.apiUrl());
        s.put("discord-token", String.join(",", discord.tokens()));
        s.put("discord-channels", String.join(",", discord.channelIds()));
        s.put("cache-size", "0");
        s.put("backup-interval", "0");
        s.putAll(extra);
        return s;
    }

    static String auth() {
        return "\nHost: x\nConnection: close\nAuthorization: " + TestServer.basic("d");
    }

    @Test
    void aHundredMebibyteFileRoundTripsSpreadOverThreeChannels() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(3));
             TestServer server = TestServer.start(dir, settings(discord, Map.of())).user("d")) {
            long size = 100L << 20;
            HttpURLConnection put = (HttpURLConnection) URI.create(server.url() + "/movie.mkv").toURL().openConnection();
            put.setRequestMethod("PUT");
            put.setDoOutput(true);
            put.setFixedLengthStreamingMode(size);
            put.setRequestProperty("Authorization", TestServer.basic("d"));
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            Random random = new Random(100);
            try (OutputStream out = put.getOutputStream()) {
                byte[] buffer = new byte[1 << 20];
                for (long written = 0; written < size; written += buffer.length) {
                    random.nextBytes(buffer);
                    sent.update(buffer);
                    out.write(buffer);
                }
            }
            assertEquals(201, put.getResponseCode());

            HttpURLConnection get = (HttpURLConnection) URI.create(server.url() + "/movie.mkv").toURL().openConnection();
            get.setRequestProperty("Authorization", TestServer.basic("d"));
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            try (InputStream in = get.getInputStream()) {
                byte[] buffer = new byte[1 << 16];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received.update(buffer, 0, n);
                }
            }
            assertEquals(HexFormat.of().formatHex(sent.digest()), HexFormat.of().formatHex(received.digest()));
            assertTrue(server.attache().uploader.awaitFlushed(java.time.Duration.ofSeconds(60)), "write-back drained");
            int chunks = 0;
            for (String channel : discord.channelIds()) {
                int messages = discord.messageIds(channel).size();
                assertTrue(messages >= 3, "channel " + channel + " holds " + messages + " chunks");
                chunks += messages;
            }
            assertEquals(11, chunks, "100 MiB in chunks of 10,420,224 bytes");
            assertEquals(0, discord.counters().invalidRequests());
        }
    }

    @Test
    void aRangeInTheMiddleFetchesOnlyItsSegments() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(2));
             TestServer server = TestServer.start(dir, settings(discord, Map.of())).user("d")) {
            byte[] content = new byte[25 << 20];
            new Random(7).nextBytes(content);
            assertEquals(201, RawHttp.exchange(server.port(), "PUT /big.bin HTTP/1.1" + auth() + "\nContent-Length: "
                    + content.length, content).status());
            long before = discord.counters().cdnBytesServed();
            long from = 15_000_000;
            RawHttp.Response r = RawHttp.exchange(server.port(), "GET /big.bin HTTP/1.1" + auth()
                    + "\nRange: bytes=" + from + "-" + (from + 65_535));
            assertEquals(206, r.status());
            assertArrayEquals(Arrays.copyOfRange(content, (int) from, (int) from + 65_536), r.body());
            long fetched = discord.counters().cdnBytesServed() - before;
            assertTrue(fetched <= 65_536 + 2 * 65_564, "fetched " + fetched + " bytes from the CDN for a 64 KiB range");
        }
    }

    /** Packs as Discord sees them: short files share one attachment, and a range costs one CDN request. */
    @Test
    void aRangeInsideAPackedFileFetchesOnlyItsSegmentsInOneCdnRequest() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(1));
             TestServer server = TestServer.start(dir, settings(discord, Map.of("pack-linger", "5s"))).user("d")) {
            byte[][] files = new byte[3][];
            for (int i = 0; i < files.length; i++) {
                files[i] = new byte[(1 << 20) + 1000 * i];
                new Random(i).nextBytes(files[i]);
                assertEquals(201, RawHttp.exchange(server.port(), "PUT /f" + i + ".bin HTTP/1.1" + auth()
                        + "\nContent-Length: " + files[i].length, files[i]).status());
            }
            assertTrue(server.attache().uploader.awaitFlushed(java.time.Duration.ofSeconds(60)), "write-back drained");
            assertEquals(1, discord.messageIds(discord.channelIds().get(0)).size(), "three short files, one attachment");

            long bytesBefore = discord.counters().cdnBytesServed();
            long requestsBefore = discord.counters().requests(RouteClass.CDN);
            int from = 500_000;
            RawHttp.Response r = RawHttp.exchange(server.port(), "GET /f1.bin HTTP/1.1" + auth()
                    + "\nRange: bytes=" + from + "-" + (from + 65_535));
            assertEquals(206, r.status());
            assertArrayEquals(Arrays.copyOfRange(files[1], from, from + 65_536), r.body());
            assertEquals(1, discord.counters().requests(RouteClass.CDN) - requestsBefore, "one CDN request");
            long fetched = discord.counters().cdnBytesServed() - bytesBefore;
            assertTrue(fetched <= 65_536 + 2 * 65_564, "fetched " + fetched + " bytes of a 3 MiB pack for a 64 KiB range");
        }
    }

    /** Write-through (write-back off): a PUT waits for the store, so the store's failures are the PUT's. */
    @Test
    void underFaultsEveryPutIsWholeOrAbsentAndEveryGetIsRightOrAnError() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(2).banThreshold(10_000));
             TestServer server = TestServer.start(dir, settings(discord, Map.of("chunk-size", "256KiB", "store-retry-time", "10s",
                     "write-back", "off"))).user("d")) {
            discord.faults()
                    .injectRandomly(Fault.STATUS_503, RouteClass.MESSAGE_CREATE, 0.15)
                    .injectRandomly(Fault.RATE_LIMIT_BUCKET, RouteClass.MESSAGE_CREATE, 0.1)
                    .injectRandomly(Fault.RATE_LIMIT_GLOBAL, RouteClass.MESSAGE_CREATE, 0.05)
                    .injectRandomly(Fault.RATE_LIMIT_SHARED, RouteClass.MESSAGE_CREATE, 0.05)
                    .injectRandomly(Fault.DROP_AFTER_CREATE, RouteClass.MESSAGE_CREATE, 0.1)
                    .injectRandomly(Fault.STATUS_524, RouteClass.MESSAGE_CREATE, 0.05)
                    .injectRandomly(Fault.CDN_TRUNCATE, RouteClass.CDN, 0.1)
                    .injectRandomly(Fault.CDN_CORRUPT, RouteClass.CDN, 0.1)
                    .injectRandomly(Fault.CDN_IGNORE_RANGE, RouteClass.CDN, 0.1)
                    .injectRandomly(Fault.CDN_EXPIRED, RouteClass.CDN, 0.05);
            Map<String, byte[]> committed = new HashMap<>();
            Random random = new Random(11);
            int failedPuts = 0;
            for (int i = 0; i < 12; i++) {
                String path = "/f" + (i % 5);
                byte[] body = new byte[300_000 + random.nextInt(800_000)];
                random.nextBytes(body);
                RawHttp.Response r = RawHttp.exchange(server.port(), "PUT " + path + " HTTP/1.1" + auth()
                        + "\nContent-Length: " + body.length, body);
                if (r.status() / 100 == 2) {
                    committed.put(path, body);
                } else {
                    failedPuts++;
                    assertEquals(503, r.status(), r::toString);
                }
                for (Map.Entry<String, byte[]> e : committed.entrySet()) {
                    assertRightOrError(server, e.getKey(), e.getValue());
                }
            }
            discord.faults().clear();
            discord.faults().inject(Fault.STATUS_500, RouteClass.MESSAGE_CREATE, 1_000);
            byte[] doomed = new byte[700_000];
            RawHttp.Response refused = RawHttp.exchange(server.port(), "PUT /f0 HTTP/1.1" + auth()
                    + "\nContent-Length: " + doomed.length, doomed);
            assertEquals(503, refused.status(), "a store that keeps failing fails the PUT cleanly");
            discord.faults().clear();
            for (Map.Entry<String, byte[]> e : committed.entrySet()) {
                RawHttp.Response r = RawHttp.exchange(server.port(), "GET " + e.getKey() + " HTTP/1.1" + auth());
                assertEquals(200, r.status());
                assertArrayEquals(e.getValue(), r.body(), e.getKey() + " holds its last committed content");
            }
            assertTrue(committed.size() >= 4, "most writes get through the faults: " + committed.size() + ", failed " + failedPuts);
            long invalid = discord.counters().invalidRequests();
            assertTrue(invalid < 10_000 / 10, "invalid requests " + invalid + " stay far below the ban threshold");
        }
    }

    /** A GET answers the right bytes or an error, never wrong or short bytes passed off as the file. */
    static void assertRightOrError(TestServer server, String path, byte[] expected) throws Exception {
        RawHttp.Response r;
        try {
            r = RawHttp.exchange(server.port(), "GET " + path + " HTTP/1.1" + auth());
        } catch (IOException brokenOff) {
            return;
        }
        if (r.status() == 200) {
            assertArrayEquals(expected, r.body(), path);
        } else {
            assertTrue(r.status() >= 500, path + " -> " + r.status());
        }
    }

    /** Write-through, so that the three files are three packs spread over the three channels. */
    @Test
    void aRevokedTokenOrDeletedChannelLeavesTheOthersWorking() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.start(EmulatorSettings.fastForTests().tokens(2).channels(3));
             TestServer server = TestServer.start(dir, settings(discord, Map.of("write-back", "off"))).user("d")) {
            byte[][] files = new byte[3][];
            for (int i = 0; i < 3; i++) {
                files[i] = new byte[50_000 + i];
                new Random(i).nextBytes(files[i]);
                assertEquals(201, RawHttp.exchange(server.port(), "PUT /before" + i + " HTTP/1.1" + auth()
                        + "\nContent-Length: " + files[i].length, files[i]).status());
            }
            discord.revokeToken(discord.tokens().get(0));
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(files[i], RawHttp.exchange(server.port(), "GET /before" + i + " HTTP/1.1" + auth()).body(),
                        "readable through the remaining token");
            }
            String lost = discord.channelIds().get(1);
            discord.deleteChannel(lost);
            int readable = 0;
            for (int i = 0; i < 3; i++) {
                RawHttp.Response r;
                try {
                    r = RawHttp.exchange(server.port(), "GET /before" + i + " HTTP/1.1" + auth());
                } catch (IOException brokenOff) {
                    continue;
                }
                if (r.status() == 200) {
                    assertArrayEquals(files[i], r.body());
                    readable++;
                } else {
                    assertTrue(r.status() >= 500, "a lost chunk is an error: " + r.status());
                }
            }
            assertEquals(2, readable, "the files in the two remaining channels");
            for (int i = 0; i < 4; i++) {
                byte[] body = ("after " + i).getBytes();
                assertEquals(201, RawHttp.exchange(server.port(), "PUT /after" + i + " HTTP/1.1" + auth()
                        + "\nContent-Length: " + body.length, body).status(), "new files go to the channels that remain");
                assertArrayEquals(body, RawHttp.exchange(server.port(), "GET /after" + i + " HTTP/1.1" + auth()).body());
            }
        }
    }
}
