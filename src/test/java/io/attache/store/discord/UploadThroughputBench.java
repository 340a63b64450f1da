package io.attache.store.discord;

import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;
import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import io.attache.store.discord.emulator.Limit;
import io.attache.store.discord.emulator.RouteClass;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sustained upload throughput of the standard Discord store stack against the emulator, as a
 * fraction of the rate-limit ceiling (channels x uploads per window x chunk size / window). Not a
 * test: run it with {@code bench/discord/run.sh}.
 *
 * <p>Each run uploads {@code (windows + 1)} windows' worth of chunks with enough workers to fill
 * every window. Uploads complete in bursts, one per window, so the sustained rate is measured from
 * the end of the first burst to the end of the last: {@code windows} full windows of chunks over
 * the time they took. The first burst is excluded because it costs no wait at all and would flatter
 * the figure. The emulator discards upload bodies (it counts them), so memory stays flat.
 */
public final class UploadThroughputBench {

    private UploadThroughputBench() {
    }

    /** The outcome of one run. */
    record Result(int channels, long chunkBytes, int uploads, double sustainedBytesPerSecond, double ceiling,
                  double overallBytesPerSecond, long apiRateLimited, long invalid, Map<String, Integer> perChannel) {
        double fraction() {
            return sustainedBytesPerSecond / ceiling;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> channelCounts = List.of(1, 3, 6);
        long chunk = 10L * 1024 * 1024;
        int windows = 6;
        Limit limit = Limit.parse("5/5s");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--channels" -> channelCounts = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--chunk-bytes" -> chunk = Long.parseLong(args[++i]);
                case "--windows" -> windows = Integer.parseInt(args[++i]);
                case "--limit" -> limit = Limit.parse(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--channels 1,3,6 --chunk-bytes 10485760 --windows 6 --limit 5/5s)");
            }
        }
        System.out.printf(Locale.ROOT, "Discord store upload throughput: chunk %d bytes, limit %s per channel,"
                + " %d measured windows, %d cores%n", chunk, limit, windows, Runtime.getRuntime().availableProcessors());
        // Warm the JIT on a short run so that the first measured run does not pay for it.
        run(2, 1 << 20, 1, Limit.parse("5/500ms"));
        System.out.println("channels  uploads  sustained MiB/s  ceiling MiB/s  fraction  overall MiB/s  429s  per channel");
        List<Result> results = new ArrayList<>();
        for (int channels : channelCounts) {
            Result r = run(channels, (int) chunk, windows, limit);
            results.add(r);
            System.out.printf(Locale.ROOT, "%8d  %7d  %15.2f  %13.2f  %7.1f%%  %13.2f  %4d  %s%n", r.channels(),
                    r.uploads(), mib(r.sustainedBytesPerSecond()), mib(r.ceiling()), 100 * r.fraction(),
                    mib(r.overallBytesPerSecond()), r.apiRateLimited(), r.perChannel().values());
        }
        boolean met = results.stream().allMatch(r -> r.fraction() >= 0.9);
        System.out.println(met ? "target met: every run reached at least 90% of its ceiling"
                : "target MISSED: a run stayed below 90% of its ceiling");
    }

    static Result run(int channels, int chunk, int windows, Limit limit) throws Exception {
        EmulatorSettings settings = new EmulatorSettings().channels(channels).messageCreateLimit(limit)
                .maxFileSize(chunk).storeContent(false);
        try (DiscordEmulator emulator = DiscordEmulator.start(settings)) {
            int perWindow = limit.count() * channels;
            DiscordStoreConfig config = DiscordStoreConfig.builder()
                    .apiBaseUrl(emulator.apiUrl())
                    .botTokens(emulator.tokens())
                    .channels(emulator.channelIds())
                    .maxAttachmentSize(chunk)
                    .uploadConcurrency(perWindow)
                    .build();
            ChunkStore store = DiscordChunkStore.open(config);
            byte[] data = new byte[chunk];
            new Random(1).nextBytes(data);
            int total = perWindow * (windows + 1);
            long[] done = new long[total];
            String[] channelOf = new String[total];
            AtomicInteger next = new AtomicInteger();
            ExecutorService workers = Executors.newFixedThreadPool(perWindow);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < perWindow; w++) {
                futures.add(workers.submit(() -> {
                    Random names = new Random();
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        byte[] name = new byte[16];
                        names.nextBytes(name);
                        Locator locator = store.put(HexFormat.of().formatHex(name), data, 0, chunk);
                        done[i] = System.nanoTime();
                        channelOf[i] = channel(locator);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            workers.shutdown();
            long[] sorted = done.clone();
            Arrays.sort(sorted);
            long firstBurstEnd = sorted[perWindow - 1];
            long last = sorted[total - 1];
            double sustained = (double) (total - perWindow) * chunk / ((last - firstBurstEnd) / 1e9);
            double ceiling = (double) perWindow * chunk / (limit.period().toNanos() / 1e9);
            double overall = (double) total * chunk / ((last - start) / 1e9);
            Map<String, Integer> perChannel = new HashMap<>();
            for (String c : channelOf) {
                perChannel.merge(c, 1, Integer::sum);
            }
            long limited = emulator.counters().answers(RouteClass.MESSAGE_CREATE, 429);
            return new Result(channels, chunk, total, sustained, ceiling, overall, limited,
                    emulator.counters().invalidRequests(), perChannel);
        }
    }

    private static String channel(Locator locator) throws StoreException {
        return DiscordLocator.parse(locator).channelId();
    }

    private static double mib(double bytesPerSecond) {
        return bytesPerSecond / (1024 * 1024);
    }
}
