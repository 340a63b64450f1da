package io.attache.store.discord;

import io.attache.store.Locator;
import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import io.attache.store.discord.emulator.Fault;
import io.attache.store.discord.emulator.RouteClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a read costs: CDN bytes for a range, API calls for URLs. */
class DiscordReadTest {

    private final Random random = new Random(11);
    private final MutableClock clock = new MutableClock();
    private DiscordEmulator emulator;
    private DiscordChunkStore store;

    @AfterEach
    void stop() {
        emulator.close();
    }

    private void start(EmulatorSettings settings) throws Exception {
        emulator = DiscordEmulator.start(settings);
        store = new DiscordChunkStore(Emulated.config(emulator).build(), clock, System::nanoTime);
    }

    private byte[] read(Locator locator, long offset, int length) throws Exception {
        try (InputStream in = store.open(locator, offset, length)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aRangeInTheMiddleOfALargeObjectTransfersOnlyThatRange() throws Exception {
        start(EmulatorSettings.fastForTests().channels(1));
        byte[] data = new byte[8 << 20];
        random.nextBytes(data);
        Locator locator = store.put(name(), data, 0, data.length);
        long before = emulator.counters().cdnBytesServed();
        int offset = (4 << 20) + 12_345;
        byte[] range = read(locator, offset, 65_536);
        assertArrayEquals(Arrays.copyOfRange(data, offset, offset + 65_536), range);
        assertEquals(65_536, emulator.counters().cdnBytesServed() - before, "only the range crossed the wire");
        assertEquals(1, emulator.counters().answers(RouteClass.CDN, 206));
    }

    @Test
    void whenTheCdnIgnoresRangeTheWholeAnswerIsSlicedLocally() throws Exception {
        start(EmulatorSettings.fastForTests().channels(1));
        byte[] data = new byte[300_000];
        random.nextBytes(data);
        Locator locator = store.put(name(), data, 0, data.length);
        emulator.faults().inject(Fault.CDN_IGNORE_RANGE, RouteClass.CDN, 1);
        assertArrayEquals(Arrays.copyOfRange(data, 123_456, 123_456 + 65_536), read(locator, 123_456, 65_536));
        assertEquals(1, emulator.counters().answers(RouteClass.CDN, 200));
    }

    @Test
    void cachedUrlsCostNoApiCallUntilTheyNearExpiry() throws Exception {
        start(EmulatorSettings.fastForTests().channels(2).urlLifetime(Duration.ofHours(24)));
        List<Locator> locators = putMany(4);
        long api = emulator.counters().apiRequests();
        for (Locator l : locators) {
            read(l, 0, 10);
        }
        assertEquals(api, emulator.counters().apiRequests(), "the URLs from the uploads serve the reads");
        passTime(Duration.ofHours(24).minusMinutes(5));
        for (Locator l : locators) {
            read(l, 0, 10);
        }
        assertEquals(1, emulator.counters().requests(RouteClass.REFRESH_URLS), "one refresh call for all four");
        assertEquals(0, emulator.counters().requests(RouteClass.MESSAGE_GET));
    }

    @Test
    void refreshesGoInBatchesOfAtMostFifty() throws Exception {
        start(EmulatorSettings.fastForTests().channels(3).messageCreateLimit(
                io.attache.store.discord.emulator.Limit.parse("20/100ms")));
        List<Locator> locators = putMany(60);
        passTime(Duration.ofHours(24));
        for (Locator l : locators) {
            read(l, 0, 1);
        }
        assertEquals(2, emulator.counters().requests(RouteClass.REFRESH_URLS), "50 in the first call, 10 in the next");
        assertEquals(0, emulator.counters().requests(RouteClass.MESSAGE_GET));
    }

    @Test
    void aUrlTheCdnRefusesIsSignedAgainByReadingTheMessage() throws Exception {
        start(EmulatorSettings.fastForTests().channels(1).urlLifetime(Duration.ofHours(1)));
        byte[] data = new byte[5_000];
        random.nextBytes(data);
        Locator locator = store.put(name(), data, 0, data.length);
        emulator.advanceClock(Duration.ofHours(2));
        assertArrayEquals(data, read(locator, 0, data.length));
        assertEquals(1, emulator.counters().answers(RouteClass.CDN, 404));
        assertEquals(1, emulator.counters().requests(RouteClass.MESSAGE_GET));
    }

    @Test
    void aZeroLengthReadTouchesNothing() throws Exception {
        start(EmulatorSettings.fastForTests().channels(1));
        Locator locator = store.put(name(), new byte[100], 0, 100);
        long api = emulator.counters().apiRequests();
        assertEquals(0, read(locator, 100, 0).length);
        assertEquals(api, emulator.counters().apiRequests());
        assertEquals(0, emulator.counters().requests(RouteClass.CDN));
    }

    /** Both sides see the same time pass: Discord signs refreshed URLs from its own clock. */
    private void passTime(Duration duration) {
        clock.advance(duration);
        emulator.advanceClock(duration);
    }

    private List<Locator> putMany(int n) throws Exception {
        List<Locator> locators = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[64];
            random.nextBytes(data);
            locators.add(store.put(name(), data, 0, data.length));
        }
        assertTrue(emulator.counters().invalidRequests() == 0);
        return locators;
    }

    private String name() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
