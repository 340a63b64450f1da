package io.attache.store.discord;

import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.RetryingChunkStore;
import io.attache.store.StoreException;
import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import io.attache.store.discord.emulator.Fault;
import io.attache.store.discord.emulator.Limit;
import io.attache.store.discord.emulator.RouteClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How uploads spread over lanes, stay within limits, and fail when they must. */
class DiscordUploadTest {

    private final Random random = new Random(21);
    private DiscordEmulator emulator;

    @AfterEach
    void stop() {
        emulator.close();
    }

    private static String channelOf(Locator locator) {
        try {
            return DiscordLocator.parse(locator).channelId();
        } catch (StoreException.Permanent e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void uploadsGoRoundRobinOverTheChannels() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(3));
        DiscordChunkStore store = new DiscordChunkStore(Emulated.config(emulator).build());
        Map<String, Integer> perChannel = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            perChannel.merge(channelOf(store.put(name(), new byte[16], 0, 16)), 1, Integer::sum);
        }
        assertEquals(Map.of(emulator.channelIds().get(0), 4, emulator.channelIds().get(1), 4,
                emulator.channelIds().get(2), 4), perChannel);
    }

    /**
     * Discord may answer each channel of one route with its own bucket hash. The client learns
     * the hash per channel, so no answer re-maps another channel's bucket, and it sends nothing
     * that a window it already knows is full would refuse.
     */
    @Test
    void perChannelBucketHashesCostNo429() throws Exception {
        // The server's global limit is set above the client's 50/s so that only the buckets are tested.
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(3).hashPerMajor(true)
                .messageCreateLimit(Limit.parse("5/300ms")).globalLimit(Limit.parse("100/1s")));
        DiscordChunkStore store = new DiscordChunkStore(Emulated.config(emulator).build());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Locator>> futures = new ArrayList<>();
            for (int i = 0; i < 128; i++) {
                futures.add(pool.submit(() -> store.put(name(), new byte[64], 0, 64)));
            }
            for (Future<Locator> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(128, emulator.counters().messagesCreated());
        assertEquals(0, emulator.counters().rateLimited("user"), "premature requests answered 429");
    }

    /**
     * Sixteen threads push 90 uploads through 3 channels limited to 5 per 300 ms, with bucket
     * storms on top: everything lands, spread evenly, and the client earns no 429 of its own.
     */
    @Test
    void concurrentUploadsStayWithinEveryLimit() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(3)
                .messageCreateLimit(Limit.parse("5/300ms")).globalLimit(Limit.parse("20/1s")));
        emulator.faults().inject(Fault.RATE_LIMIT_BUCKET, RouteClass.MESSAGE_CREATE, 3);
        ChunkStore store = new RetryingChunkStore(new DiscordChunkStore(Emulated.config(emulator)
                .rateLimits(Emulated.config(emulator).build().rateLimits().withGlobalPerSecond(20)).build()),
                Emulated.retries());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Locator>> futures = new ArrayList<>();
            List<byte[]> payloads = new ArrayList<>();
            for (int i = 0; i < 90; i++) {
                byte[] data = new byte[2_000];
                random.nextBytes(data);
                payloads.add(data);
                String name = name();
                futures.add(pool.submit(() -> store.put(name, data, 0, data.length)));
            }
            Map<String, Integer> perChannel = new HashMap<>();
            for (int i = 0; i < futures.size(); i++) {
                Locator locator = futures.get(i).get(120, TimeUnit.SECONDS);
                perChannel.merge(channelOf(locator), 1, Integer::sum);
                try (InputStream in = store.open(locator, 0, 2_000)) {
                    assertArrayEquals(payloads.get(i), in.readAllBytes());
                }
            }
            assertEquals(90, emulator.messageCount());
            assertEquals(3, emulator.counters().invalidRequests(), "only the injected storm: " + emulator.counters());
            perChannel.values().forEach(n -> assertTrue(n >= 20, "uneven spread " + perChannel));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aChunkLargerThanTheLimitIsRefusedWithoutAsking() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(1));
        DiscordChunkStore store = new DiscordChunkStore(Emulated.config(emulator).maxAttachmentSize(1_000).build());
        assertEquals(1_000, store.properties().maxObjectSize());
        assertThrows(StoreException.Permanent.class, () -> store.put(name(), new byte[1_001], 0, 1_001));
        assertEquals(0, emulator.counters().apiRequests());
        store.put(name(), new byte[1_001], 1, 1_000);
    }

    @Test
    void aServerWithASmallerLimitThanConfiguredFailsThePutPermanently() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(1).maxFileSize(500));
        ChunkStore store = new RetryingChunkStore(new DiscordChunkStore(Emulated.config(emulator).build()),
                Emulated.retries());
        StoreException.Permanent e = assertThrows(StoreException.Permanent.class,
                () -> store.put(name(), new byte[501], 0, 501));
        assertTrue(e.getMessage().contains("413") && e.getMessage().contains("maxAttachmentSize"), e.getMessage());
        assertEquals(1, emulator.counters().requests(RouteClass.MESSAGE_CREATE), "not retried");
    }

    @Test
    void aCloudflareBanStopsAllTrafficAndFailsCallsAtOnce() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(2));
        ChunkStore store = new RetryingChunkStore(new DiscordChunkStore(Emulated.config(emulator).build()),
                Emulated.retries());
        emulator.faults().inject(Fault.CLOUDFLARE_BAN, null, 1);
        StoreException.RetryAfter e = assertThrows(StoreException.RetryAfter.class,
                () -> store.put(name(), new byte[10], 0, 10));
        assertTrue(e.getMessage().contains("banned"), e.getMessage());
        assertEquals(Duration.ofHours(1).toMillis(), e.delayMillis());
        long requests = emulator.counters().apiRequests();
        assertThrows(StoreException.RetryAfter.class, () -> store.put(name(), new byte[10], 0, 10));
        assertEquals(requests, emulator.counters().apiRequests(), "nothing is sent while banned");
    }

    @Test
    void theInvalidRequestBreakerStopsSendingAtItsBudget() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(2));
        emulator.faults().injectRandomly(Fault.RATE_LIMIT_BUCKET, RouteClass.MESSAGE_CREATE, 1.0);
        DiscordStoreConfig config = Emulated.config(emulator)
                .rateLimits(Emulated.config(emulator).build().rateLimits().withInvalidRequestBudget(5)).build();
        ChunkStore store = new RetryingChunkStore(new DiscordChunkStore(config), Emulated.retries());
        StoreException e = assertThrows(StoreException.RetryAfter.class, () -> store.put(name(), new byte[10], 0, 10));
        assertTrue(e.getMessage().contains("invalid-request breaker"), e.getMessage());
        assertEquals(5, emulator.counters().invalidRequests(), "not one invalid request past the budget");
    }

    private String name() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
