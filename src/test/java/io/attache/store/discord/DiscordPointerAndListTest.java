package io.attache.store.discord;

import io.attache.store.Locator;
import io.attache.store.RetryingChunkStore;
import io.attache.store.StoreException;
import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import io.attache.store.discord.emulator.Fault;
import io.attache.store.discord.emulator.RouteClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The disaster-recovery pointer, and listing as the garbage collector uses it. */
class DiscordPointerAndListTest {

    private final Random random = new Random(9);
    private DiscordEmulator emulator;

    @AfterEach
    void stop() {
        emulator.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPointerIsFoundAgainWithNothingButTheConfiguration() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(2));
        DiscordStoreConfig config = Emulated.config(emulator).build();
        new DiscordChunkStore(config).putPointer("metadata", bytes("snapshot-17"));
        DiscordChunkStore fresh = new DiscordChunkStore(config);
        assertArrayEquals(bytes("snapshot-17"), fresh.getPointer("metadata").orElseThrow());
        assertEquals(1, emulator.messageCount());
    }

    @Test
    void whenTheOldPointerCannotBeRemovedTheNewestStillWinsAndTheNextWriteCleansUp() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(1));
        DiscordChunkStore store = new DiscordChunkStore(Emulated.config(emulator).build());
        store.putPointer("metadata", bytes("one"));
        emulator.faults().inject(Fault.STATUS_500, RouteClass.UNPIN, 1);
        store.putPointer("metadata", bytes("two"));
        assertEquals(2, emulator.messageCount(), "the old record is still there, pinned");
        assertArrayEquals(bytes("two"), store.getPointer("metadata").orElseThrow());
        store.putPointer("metadata", bytes("three"));
        assertArrayEquals(bytes("three"), store.getPointer("metadata").orElseThrow());
        assertEquals(1, emulator.messageCount());
    }

    @Test
    void aFailedPinLeavesTheOldPointerReadable() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(1));
        DiscordChunkStore store = new DiscordChunkStore(Emulated.config(emulator).build());
        store.putPointer("metadata", bytes("old"));
        emulator.faults().inject(Fault.STATUS_503, RouteClass.PIN, 1);
        assertThrows(StoreException.Retryable.class, () -> store.putPointer("metadata", bytes("new")));
        assertArrayEquals(bytes("old"), store.getPointer("metadata").orElseThrow());
        new RetryingChunkStore(store, Emulated.retries()).putPointer("metadata", bytes("new"));
        assertArrayEquals(bytes("new"), store.getPointer("metadata").orElseThrow());
    }

    @Test
    void pointerRecordsAreNotListedAsChunks() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(1));
        DiscordChunkStore store = new DiscordChunkStore(Emulated.config(emulator).build());
        store.putPointer("metadata", bytes("x"));
        Locator chunk = store.put(name(), new byte[10], 0, 10);
        Set<Locator> listed = new HashSet<>();
        store.list(listed::add);
        assertEquals(Set.of(chunk), listed);
    }

    @Test
    void aWebhookOnlyStoreCannotListOrHoldPointers() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(1).tokens(1));
        emulator.addWebhook(emulator.channelIds().get(0));
        DiscordStoreConfig config = DiscordStoreConfig.builder().apiBaseUrl(emulator.apiUrl())
                .webhookUrls(emulator.webhookUrls()).build();
        DiscordChunkStore store = new DiscordChunkStore(config);
        Locator locator = store.put(name(), new byte[10], 0, 10);
        assertEquals(10, store.stat(locator));
        assertFalse(store.properties().listable());
        assertThrows(UnsupportedOperationException.class, () -> store.list(l -> { }));
        StoreException.Permanent e = assertThrows(StoreException.Permanent.class,
                () -> store.putPointer("metadata", bytes("x")));
        assertTrue(e.getMessage().contains("need a bot token"), e.getMessage());
    }

    /**
     * A webhook upload whose answer was lost, and whose duplicate the store could not clean up at
     * once (the history read failed): the duplicate is listed, so the collector can delete it.
     */
    @Test
    void aWebhookDuplicateThatCouldNotBeRemovedIsListedForCollection() throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(1));
        emulator.addWebhook(emulator.channelIds().get(0));
        DiscordStoreConfig config = DiscordStoreConfig.builder().apiBaseUrl(emulator.apiUrl())
                .botTokens(emulator.tokens()).webhookUrls(emulator.webhookUrls())
                .rateLimits(Emulated.config(emulator).build().rateLimits()).build();
        RetryingChunkStore store = new RetryingChunkStore(new DiscordChunkStore(config), Emulated.retries());
        emulator.faults().inject(Fault.DROP_AFTER_CREATE, RouteClass.WEBHOOK_EXECUTE, 1)
                .inject(Fault.STATUS_500, RouteClass.HISTORY, 1);
        byte[] data = new byte[1_000];
        random.nextBytes(data);
        Locator kept = store.put(name(), data, 0, data.length);
        assertEquals(2, emulator.messageCount(), "the lost answer's message is still there");
        Set<Locator> listed = new HashSet<>();
        store.list(listed::add);
        assertEquals(2, listed.size());
        assertTrue(listed.contains(kept));
        listed.remove(kept);
        store.deleteAll(List.copyOf(listed));
        assertEquals(1, emulator.messageCount());
        assertEquals(1_000, store.stat(kept));
    }

    private String name() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
