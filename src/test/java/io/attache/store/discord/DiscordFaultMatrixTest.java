package io.attache.store.discord;

import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.RetryingChunkStore;
import io.attache.store.StoreException;
import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import io.attache.store.discord.emulator.Fault;
import io.attache.store.discord.emulator.RouteClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every fault of DISCORD.md, injected while chunks go through {@code RetryingChunkStore(
 * DiscordChunkStore)}: every put succeeds with a readable object or fails with a clear
 * exception, every read returns exactly the right bytes or fails, no message is left behind that
 * no locator names, and the client itself never earns a 401, 403 or 429: the emulator's invalid
 * count is exactly what the faults injected, far below its ban threshold.
 */
class DiscordFaultMatrixTest {

    private static final int PUTS = 6;
    private static final int BAN_THRESHOLD = 10_000;

    /**
     * @param inject         switches the fault on
     * @param injectedInvalid how many 401/403/429 answers the fault itself sends (the client may add none)
     * @param wholeReadsOnly a corrupted body can only be caught by the CRC of a whole-object read;
     *                       partial ranges are authenticated by the caller's AEAD segments
     * @param afterPuts      changes the world between the uploads and the reads
     */
    record Case(String name, Consumer<DiscordEmulator> inject, int injectedInvalid, boolean wholeReadsOnly,
                Consumer<DiscordEmulator> afterPuts) {
        Case(String name, Consumer<DiscordEmulator> inject, int injectedInvalid, boolean wholeReadsOnly) {
            this(name, inject, injectedInvalid, wholeReadsOnly, e -> { });
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Case api(Fault fault, RouteClass where, int times, int invalid) {
        return new Case(fault + " x" + times + " on " + (where == null ? "any route" : where),
                e -> e.faults().inject(fault, where, times), invalid, false);
    }

    private static Case cdn(Fault fault, int times) {
        return new Case(fault + " x" + times, e -> e.faults().inject(fault, RouteClass.CDN, times), 0,
                fault == Fault.CDN_CORRUPT);
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                api(Fault.RATE_LIMIT_BUCKET, RouteClass.MESSAGE_CREATE, 5, 5),
                api(Fault.RATE_LIMIT_BUCKET, RouteClass.MESSAGE_GET, 3, 3),
                api(Fault.RATE_LIMIT_GLOBAL, null, 4, 4),
                api(Fault.RATE_LIMIT_SHARED, RouteClass.MESSAGE_CREATE, 5, 0),
                api(Fault.RATE_LIMIT_SHARED, RouteClass.WEBHOOK_EXECUTE, 3, 0),
                api(Fault.RATE_LIMIT_SUBLIMIT, RouteClass.MESSAGE_CREATE, 5, 5),
                api(Fault.CHANGE_BUCKET_HASH, RouteClass.MESSAGE_CREATE, 3, 0),
                new Case("NO_RATE_LIMIT_HEADERS on half of all answers",
                        e -> e.faults().injectRandomly(Fault.NO_RATE_LIMIT_HEADERS, null, 0.5), 0, false),
                api(Fault.DROP_AFTER_CREATE, RouteClass.MESSAGE_CREATE, 3, 0),
                api(Fault.DROP_AFTER_CREATE, RouteClass.WEBHOOK_EXECUTE, 2, 0),
                api(Fault.EMPTY_ATTACHMENTS, RouteClass.WEBHOOK_EXECUTE, 2, 0),
                cdn(Fault.CDN_EXPIRED, 3),
                new Case("URLs expired by Discord's clock after the uploads", e -> { }, 0, false,
                        e -> e.advanceClock(Duration.ofDays(2))),
                cdn(Fault.CDN_IGNORE_RANGE, 4),
                cdn(Fault.CDN_TRUNCATE, 3),
                cdn(Fault.CDN_CORRUPT, 3),
                cdn(Fault.CDN_WRONG_RANGE, 3),
                cdn(Fault.CDN_SHORT_BODY, 3),
                new Case("slow transfers: 1 MB/s and 20 ms latency", e -> e.settings().bandwidth(1_000_000)
                        .latency(Duration.ofMillis(20)), 0, false)));
        for (Fault status : List.of(Fault.STATUS_500, Fault.STATUS_502, Fault.STATUS_503, Fault.STATUS_504,
                Fault.STATUS_524)) {
            cases.add(api(status, RouteClass.MESSAGE_CREATE, 3, 0));
        }
        cases.add(api(Fault.STATUS_503, RouteClass.WEBHOOK_EXECUTE, 2, 0));
        cases.add(api(Fault.STATUS_502, RouteClass.MESSAGE_GET, 2, 0));
        cases.add(new Case("STATUS_500 x2 on REFRESH_URLS (URLs live 5 min, less than the 10 min margin)", e -> {
            e.settings().urlLifetime(Duration.ofMinutes(5));
            e.faults().inject(Fault.STATUS_500, RouteClass.REFRESH_URLS, 2);
        }, 0, false));
        return cases.stream();
    }

    private DiscordEmulator emulator;
    private DiscordChunkStore discord;
    private final Random random = new Random(77);

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    /** Two bot channels and a webhook in a third: lanes alternate channel, webhook, channel. */
    private ChunkStore startStore() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(3).banThreshold(BAN_THRESHOLD));
        emulator.addWebhook(emulator.channelIds().get(2));
        discord = new DiscordChunkStore(Emulated.config(emulator, emulator.channelIds().subList(0, 2)).build());
        return new RetryingChunkStore(discord, Emulated.retries());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyPutIsReadableOrFailsCleanlyAndEveryReadIsExact(Case c) throws Exception {
        ChunkStore store = startStore();
        c.inject().accept(emulator);
        Map<Locator, byte[]> stored = new LinkedHashMap<>();
        for (int i = 0; i < PUTS; i++) {
            byte[] data = new byte[1_000 + random.nextInt(60_000)];
            random.nextBytes(data);
            try {
                stored.put(store.put(name(), data, 0, data.length), data);
            } catch (StoreException e) {
                assertNotNull(e.getMessage());
                fail("a transient fault must not fail a put with retries: " + e);
            }
        }
        c.afterPuts().accept(emulator);
        for (Map.Entry<Locator, byte[]> e : stored.entrySet()) {
            checkReads(store, e.getKey(), e.getValue(), c.wholeReadsOnly());
        }
        discord.forgetUrls();
        for (Map.Entry<Locator, byte[]> e : stored.entrySet()) {
            checkReads(store, e.getKey(), e.getValue(), c.wholeReadsOnly());
        }
        if (!c.name().startsWith("NO_RATE_LIMIT_HEADERS")) {
            assertFalse(emulator.faults().pending(), "the fault never fired: " + emulator.counters());
        }
        assertEquals(stored.size(), emulator.messageCount(),
                "every message is named by a locator (no duplicates left): " + emulator.counters());
        assertEquals(c.injectedInvalid(), emulator.counters().invalidRequests(),
                "the client earned 401/403/429s of its own: " + emulator.counters());
        assertTrue(emulator.counters().invalidRequests() < BAN_THRESHOLD / 100);
    }

    /**
     * Whole and partial reads give exactly the bytes or an exception; trying again (as a caller
     * does after an exception) gives the bytes once the fault has passed.
     */
    private void checkReads(ChunkStore store, Locator locator, byte[] data, boolean wholeOnly) throws Exception {
        long[][] ranges = wholeOnly ? new long[][]{{0, data.length}}
                : new long[][]{{0, data.length}, {1, data.length - 1}, {data.length / 3, data.length / 3}, {data.length - 7, 7}};
        for (long[] range : ranges) {
            byte[] expected = Arrays.copyOfRange(data, (int) range[0], (int) (range[0] + range[1]));
            byte[] read = null;
            for (int attempt = 0; attempt < 5 && read == null; attempt++) {
                read = readOrNull(store, locator, range[0], range[1]);
                if (read != null) {
                    assertArrayEquals(expected, read, "range " + range[0] + "+" + range[1] + " of " + locator);
                }
            }
            assertNotNull(read, "range " + range[0] + "+" + range[1] + " of " + locator + " never read");
        }
    }

    /** The bytes, or null when the read failed with an exception (never short or wrong). */
    private static byte[] readOrNull(ChunkStore store, Locator locator, long offset, long length) {
        try (InputStream in = store.open(locator, offset, length)) {
            byte[] bytes = in.readAllBytes();
            assertEquals(length, bytes.length, "a read must never end short without an error");
            return bytes;
        } catch (IOException e) {
            return null;
        }
    }

    private String name() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
