package io.attache.store.discord;

import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.RetryingChunkStore;
import io.attache.store.StoreException;
import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import io.attache.store.discord.emulator.RouteClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A revoked token, a deleted channel or webhook, a refused channel: a clear error, the credential
 * retired with one log line, and what was stored through the others stays readable.
 */
class DiscordRetirementTest {

    private final Random random = new Random(3);
    private DiscordEmulator emulator;
    private DiscordChunkStore discord;
    private ChunkStore store;

    @AfterEach
    void stop() {
        emulator.close();
    }

    private void start(EmulatorSettings settings, int webhooks) throws Exception {
        emulator = DiscordEmulator.start(settings);
        for (int i = 0; i < webhooks; i++) {
            emulator.addWebhook(emulator.channelIds().get(0));
        }
        discord = new DiscordChunkStore(Emulated.config(emulator).build());
        store = new RetryingChunkStore(discord, Emulated.retries());
    }

    private Map<Locator, byte[]> putSome(int n) throws Exception {
        Map<Locator, byte[]> stored = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[500 + random.nextInt(5_000)];
            random.nextBytes(data);
            stored.put(store.put(name(), data, 0, data.length), data);
        }
        return stored;
    }

    private byte[] read(Locator locator, int length) throws Exception {
        try (InputStream in = store.open(locator, 0, length)) {
            return in.readAllBytes();
        }
    }

    private static String channelOf(Locator locator) {
        try {
            return DiscordLocator.parse(locator).channelId();
        } catch (StoreException.Permanent e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRevokedTokenIsRetiredAndTheOtherTokensObjectsStayReadable() throws Exception {
        start(EmulatorSettings.fastForTests().channels(2).tokens(2), 0);
        Map<Locator, byte[]> before = putSome(4);
        String revokedChannel = emulator.channelIds().get(0);
        emulator.revokeToken(emulator.tokens().get(0));
        Map<Locator, byte[]> after = putSome(4);
        assertEquals("rejected by Discord (401 Unauthorized)", discord.retirements().get("bot token #1"));
        assertTrue(after.keySet().stream().anyMatch(l -> channelOf(l).equals(revokedChannel)),
                "token #2 stands in for token #1 in its channel");
        discord.forgetUrls();
        for (Map.Entry<Locator, byte[]> e : after.entrySet()) {
            assertArrayEquals(e.getValue(), read(e.getKey(), e.getValue().length));
        }
        for (Map.Entry<Locator, byte[]> e : before.entrySet()) {
            if (channelOf(e.getKey()).equals(revokedChannel)) {
                // Posted by the revoked bot: another bot without the MESSAGE_CONTENT intent cannot see it.
                StoreException.Permanent error = assertThrows(StoreException.Permanent.class,
                        () -> read(e.getKey(), e.getValue().length));
                assertTrue(error.getMessage().contains("MESSAGE_CONTENT"), error.getMessage());
            } else {
                assertArrayEquals(e.getValue(), read(e.getKey(), e.getValue().length));
            }
        }
        assertEquals(1, emulator.counters().invalidRequests(), "one 401, then the token is never used again");
        Map<String, Object> status = new java.util.LinkedHashMap<>();
        discord.status(status);
        assertEquals("discord", status.get("store"));
        assertEquals("2 of 2", status.get("upload lanes usable"), "token #2 serves both channels");
        assertEquals(Map.of("bot token #1", "rejected by Discord (401 Unauthorized)"), status.get("retired"),
                "what the admin pages show");
    }

    @Test
    void withTheContentIntentAnotherBotReadsWhatARevokedBotStored() throws Exception {
        start(EmulatorSettings.fastForTests().channels(2).tokens(2).messageContentIntent(true), 0);
        Map<Locator, byte[]> before = putSome(4);
        emulator.revokeToken(emulator.tokens().get(0));
        discord.forgetUrls();
        for (Map.Entry<Locator, byte[]> e : before.entrySet()) {
            assertArrayEquals(e.getValue(), read(e.getKey(), e.getValue().length));
        }
    }

    @Test
    void aDeletedChannelIsRetiredItsObjectsAreGoneAndTheRestStayReadable() throws Exception {
        start(EmulatorSettings.fastForTests().channels(3), 0);
        Map<Locator, byte[]> before = putSome(6);
        String gone = emulator.channelIds().get(1);
        emulator.deleteChannel(gone);
        Map<Locator, byte[]> after = putSome(6);
        assertTrue(discord.retirements().get("channel " + gone).contains("10003"));
        assertFalse(after.keySet().stream().anyMatch(l -> channelOf(l).equals(gone)));
        discord.forgetUrls();
        for (Map.Entry<Locator, byte[]> e : before.entrySet()) {
            if (channelOf(e.getKey()).equals(gone)) {
                assertThrows(StoreException.NotFound.class, () -> read(e.getKey(), e.getValue().length));
                store.delete(e.getKey());
            } else {
                assertArrayEquals(e.getValue(), read(e.getKey(), e.getValue().length));
            }
        }
        assertEquals(0, emulator.counters().invalidRequests());
    }

    @Test
    void aDeletedWebhookIsRetiredAndItsMessagesAreReadThroughABotWithTheIntent() throws Exception {
        start(EmulatorSettings.fastForTests().channels(1).messageContentIntent(true), 1);
        Map<Locator, byte[]> before = putSome(4);
        assertTrue(before.keySet().stream().anyMatch(l -> l.value().startsWith("discord:w/")));
        emulator.deleteWebhook(emulator.webhookIds().get(0));
        Map<Locator, byte[]> after = putSome(2);
        assertTrue(after.keySet().stream().allMatch(l -> l.value().startsWith("discord:c/")));
        assertTrue(discord.retirements().get("webhook " + emulator.webhookIds().get(0)).contains("10015"));
        discord.forgetUrls();
        for (Map.Entry<Locator, byte[]> e : before.entrySet()) {
            assertArrayEquals(e.getValue(), read(e.getKey(), e.getValue().length));
        }
        store.deleteAll(new ArrayList<>(before.keySet()));
        assertEquals(2, emulator.messageCount());
    }

    @Test
    void aTokenRefusedInOneChannelKeepsServingTheOthers() throws Exception {
        start(EmulatorSettings.fastForTests().channels(2).tokens(2), 0);
        emulator.denyAccess(emulator.tokens().get(0), emulator.channelIds().get(0));
        Map<Locator, byte[]> stored = putSome(6);
        assertEquals(3, stored.keySet().stream().filter(l -> channelOf(l).equals(emulator.channelIds().get(0))).count(),
                "token #2 now posts in channel 1 as well");
        assertTrue(discord.retirements().containsKey("bot token #1 in channel " + emulator.channelIds().get(0)));
        assertEquals(1, emulator.counters().invalidRequests());
        assertEquals(0, emulator.counters().answers(RouteClass.MESSAGE_CREATE, 401));
    }

    @Test
    void whenNothingIsLeftAPutFailsPermanentlyAndSaysWhy() throws Exception {
        start(EmulatorSettings.fastForTests().channels(2), 0);
        emulator.revokeToken(emulator.tokens().get(0));
        StoreException.Permanent e = assertThrows(StoreException.Permanent.class,
                () -> store.put(name(), new byte[10], 0, 10));
        assertTrue(e.getMessage().contains("bot token #1 rejected by Discord (401 Unauthorized)"), e.getMessage());
        long requests = emulator.counters().apiRequests();
        assertThrows(StoreException.Permanent.class, () -> store.put(name(), new byte[10], 0, 10));
        assertEquals(requests, emulator.counters().apiRequests(), "a retired token is never used again");
    }

    private String name() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

}
