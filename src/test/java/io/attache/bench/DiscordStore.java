package io.attache.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Attaché with the Discord emulator as its store, writing through ({@code write-back = off}) and
 * with no chunk cache, so that every PUT waits for the store and every read below really goes to
 * the "CDN".
 *
 * <p>Upload: after a PUT that lets the client learn the buckets, a PUT of one window's worth of
 * chunks (channels × 5) takes t1 (nothing waits for the limit); after the window has reset, a PUT
 * of (windows + 1) windows' worth takes t2. The extra windows cannot go faster than 5 s each, so
 * the fraction of the ceiling is windows × 5 s / (t2 − t1).
 *
 * <p>Seek: time to first byte of 64 KiB ranges at random offsets of the big file (curl), beside
 * the time a plain fetch of one segment straight from the emulator's CDN takes (a signed URL read
 * from the API), and the CDN bytes each seek cost (the emulator counts them).
 */
final class DiscordStore {

    /** The figures; times in seconds unless the name says otherwise. */
    record Figures(int channels, int chunksPerWindow, int bigChunks, double t1, double t2, double fractionPercent,
                   double sustainedMegabytesPerSecond, double ceilingMegabytesPerSecond, long rateLimited,
                   double getMegabytesPerSecond, double seekP50Millis, double seekP90Millis, double plainP50Millis,
                   long cdnBytesPerSeek, double cdnRequestsPerSeek, int seeks) {

        double seekRatio() {
            return Stats.ratio(seekP50Millis, plainP50Millis);
        }
    }

    /** chunk-size auto: 159 segments of 65,536 bytes. */
    static final long PLAIN_CHUNK = 10_420_224;
    /** A segment on the store: nonce + 65,536 bytes + tag. */
    static final int SEGMENT_CIPHER = 65_564;
    private static final int SEEK = 65_536;
    private static final Pattern URL = Pattern.compile("\"url\"\\s*:\\s*\"([^\"]*)\"");

    private final Knobs knobs;
    private final Servers servers;
    private final Curl curl;
    private final Path work;

    DiscordStore(Knobs knobs, Servers servers, Curl curl, Path work) {
        this.knobs = knobs;
        this.servers = servers;
        this.curl = curl;
        this.work = work;
    }

    Figures run() throws IOException {
        int channels = knobs.discordChannels();
        int perWindow = channels * 5;
        int bigChunks = perWindow * (knobs.discordWindows() + 1);
        Path source = work.resolve("discord.bin");
        Bench.say("Discord emulator: " + channels + " channels, 5 uploads per 5 s each, " + knobs.discordLatencyMs()
                + " ms latency, " + knobs.discordBandwidth() + " B/s per transfer");
        BenchData.generate(source, bigChunks * PLAIN_CHUNK, knobs.seed() + 3);
        Emulator emulator = servers.emulator(knobs);
        Server server = null;
        try {
            Map<String, String> settings = new HashMap<>(emulator.environment());
            settings.putAll(Map.of("ATTACHE_STORE", "discord", "ATTACHE_CACHE_SIZE", "0", "ATTACHE_WRITE_BACK", "off"));
            server = servers.attache("discord", "Attaché on the Discord emulator", knobs.jar(), knobs.xmx(), settings);

            // One chunk per channel first, so that both timed PUTs find every bucket's limits known.
            PeerComparison.expect(server, "first PUT", curl.putPrefix(server, "learn.bin", source, channels * PLAIN_CHUNK), 201);
            Servers.pause(6000);
            Curl.Transfer window = curl.putPrefix(server, "window.bin", source, perWindow * PLAIN_CHUNK);
            PeerComparison.expect(server, "PUT of one window", window, 201);
            Servers.pause(6000);
            Curl.Transfer big = curl.put(server, "big.bin", source);
            PeerComparison.expect(server, "PUT of " + bigChunks + " chunks", big, 201);
            double t1 = window.seconds();
            double t2 = big.seconds();
            long limited = emulator.counter("rateLimited");
            double fraction = 100.0 * knobs.discordWindows() * 5 / (t2 - t1);
            double sustained = knobs.discordWindows() * perWindow * PLAIN_CHUNK / (t2 - t1) / 1e6;
            double ceiling = perWindow * PLAIN_CHUNK / 5.0 / 1e6;
            Bench.say(String.format("Discord upload: %.1f%% (%.1f of %.1f MB/s; t1 %.2f s, t2 %.2f s; %d answers 429)",
                    fraction, sustained, ceiling, t1, t2, limited));

            Path copy = work.resolve("discord.get");
            Curl.Transfer get = curl.get(server, "big.bin", copy);
            if (get.status() != 200 || Files.mismatch(source, copy) != -1) {
                throw new IOException("Discord: GET of big.bin: status " + get.status() + " or bytes differ");
            }
            Files.delete(copy);
            double getRate = Stats.megabytesPerSecond(Files.size(source), get.seconds());
            Bench.say(String.format("Discord GET: %.1f MB/s, bytes identical", getRate));

            long bytes0 = emulator.counter("cdnBytes");
            long requests0 = emulator.counter("cdnRequests");
            List<Double> ttfb = seeks(server, source);
            long seekBytes = (emulator.counter("cdnBytes") - bytes0) / knobs.discordSeeks();
            double seekRequests = (double) (emulator.counter("cdnRequests") - requests0) / knobs.discordSeeks();
            List<Double> plain = plainFetches(emulator);
            Figures f = new Figures(channels, perWindow, bigChunks, t1, t2, fraction, sustained, ceiling, limited, getRate,
                    Stats.percentile(ttfb, 50), Stats.percentile(ttfb, 90), Stats.percentile(plain, 50), seekBytes,
                    seekRequests, knobs.discordSeeks());
            Bench.say(String.format("Discord seek: p50 %.1f ms, p90 %.1f ms; plain CDN fetch %.1f ms; %d CDN bytes, "
                    + "%.1f requests per seek", f.seekP50Millis(), f.seekP90Millis(), f.plainP50Millis(), seekBytes, seekRequests));
            return f;
        } finally {
            if (server != null) {
                servers.stop(server);
                BenchData.deleteTree(server.dir());
            }
            servers.stop(emulator);
            Files.deleteIfExists(source);
        }
    }

    /** 64 KiB ranges at seeded random offsets; each checked against the source; time to first byte in ms. */
    private List<Double> seeks(Server server, Path source) throws IOException {
        List<Double> ttfb = new ArrayList<>();
        Path out = work.resolve("seek.bin");
        SplittableRandom random = new SplittableRandom(knobs.seed());
        try (FileChannel file = FileChannel.open(source)) {
            long size = file.size();
            for (int i = 0; i < knobs.discordSeeks(); i++) {
                long offset = random.nextLong(size - SEEK);
                Curl.Transfer t = curl.range(server, "big.bin", offset, offset + SEEK - 1, out);
                PeerComparison.expect(server, "range read at " + offset, t, 206);
                ByteBuffer expected = ByteBuffer.allocate(SEEK);
                while (expected.hasRemaining() && file.read(expected, offset + expected.position()) >= 0) {
                    // a regular file returns the whole range within a few reads
                }
                if (!Arrays.equals(Files.readAllBytes(out), expected.array())) {
                    throw new IOException("Discord: range read at " + offset + ": bytes differ");
                }
                ttfb.add(t.firstByteSeconds() * 1000);
            }
        } finally {
            Files.deleteIfExists(out);
        }
        return ttfb;
    }

    /**
     * A chunk of the big file, by its signed URL from the channel's history, fetched directly ten
     * times: the first attachment that has a whole segment after the format byte.
     */
    private List<Double> plainFetches(Emulator emulator) throws IOException {
        String api = emulator.environment().get("ATTACHE_DISCORD_API_URL");
        String token = emulator.environment().get("ATTACHE_DISCORD_TOKEN").split(",")[0];
        String channel = emulator.environment().get("ATTACHE_DISCORD_CHANNELS").split(",")[0];
        HttpURLConnection history = (HttpURLConnection) URI.create(api + "/channels/" + channel + "/messages?limit=50")
                .toURL().openConnection();
        history.setConnectTimeout(5_000);
        history.setReadTimeout(10_000);
        history.setRequestProperty("Authorization", "Bot " + token);
        String json;
        try (InputStream in = history.getInputStream()) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        URI url = null;
        Matcher m = URL.matcher(json);
        while (url == null && m.find()) {
            URI candidate = URI.create(m.group(1).replace("\\u0026", "&").replace("\\/", "/"));
            if (curl.plainRange(candidate, 1, SEGMENT_CIPHER).status() == 206) {
                url = candidate;
            }
        }
        if (url == null) {
            throw new IOException("Discord: no CDN URL of a whole chunk in the channel's history");
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Curl.Transfer t = curl.plainRange(url, 1, SEGMENT_CIPHER);
            if (t.status() != 206) {
                throw new IOException("Discord: CDN range fetch: status " + t.status());
            }
            millis.add(t.seconds() * 1000);
        }
        return millis;
    }
}
