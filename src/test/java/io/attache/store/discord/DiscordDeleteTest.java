package io.attache.store.discord;

import io.attache.store.Locator;
import io.attache.store.StoreException;
import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import io.attache.store.discord.emulator.RouteClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Single and bulk deletes, and the rules that choose between them. */
class DiscordDeleteTest {

    private final Random random = new Random(5);
    private final MutableClock clock = new MutableClock();
    private DiscordEmulator emulator;
    private DiscordChunkStore store;

    @AfterEach
    void stop() {
        emulator.close();
    }

    private void start(int channels, int webhooks) throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(channels));
        for (int i = 0; i < webhooks; i++) {
            emulator.addWebhook(emulator.channelIds().get(0));
        }
        store = new DiscordChunkStore(Emulated.config(emulator).build(), clock, System::nanoTime);
    }

    private List<Locator> putMany(int n) throws Exception {
        List<Locator> locators = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[32];
            random.nextBytes(data);
            locators.add(store.put(name(), data, 0, data.length));
        }
        return locators;
    }

    @Test
    void youngMessagesAreDeletedInBulkOneRequestPerChannel() throws Exception {
        start(2, 0);
        List<Locator> locators = putMany(10);
        store.deleteAll(locators);
        assertEquals(0, emulator.messageCount());
        assertEquals(2, emulator.counters().requests(RouteClass.BULK_DELETE));
        assertEquals(0, emulator.counters().requests(RouteClass.MESSAGE_DELETE));
        store.deleteAll(locators);
        assertEquals(0, emulator.counters().invalidRequests(), "deleting again is not an error");
    }

    @Test
    void withoutManageMessagesBulkDeleteIsAskedOnceAndSinglesDoTheRest() throws Exception {
        start(1, 0);
        emulator.setManageMessages(emulator.tokens().get(0), false);
        store.deleteAll(putMany(3));
        store.deleteAll(putMany(3));
        assertEquals(0, emulator.messageCount());
        assertEquals(1, emulator.counters().requests(RouteClass.BULK_DELETE), "the refusal is remembered");
        assertEquals(6, emulator.counters().answers(RouteClass.MESSAGE_DELETE, 204));
    }

    @Test
    void messagesOlderThanFourteenDaysAreDeletedOneByOne() throws Exception {
        start(1, 0);
        List<Locator> locators = putMany(4);
        clock.advance(Duration.ofDays(15));
        emulator.advanceClock(Duration.ofDays(15));
        store.deleteAll(locators);
        assertEquals(0, emulator.messageCount());
        assertEquals(0, emulator.counters().requests(RouteClass.BULK_DELETE));
        assertEquals(4, emulator.counters().answers(RouteClass.MESSAGE_DELETE, 204));
    }

    @Test
    void aSingleWebhookMessageIsDeletedThroughItsWebhook() throws Exception {
        start(1, 1);
        List<Locator> locators = putMany(2);
        Locator viaHook = locators.stream().filter(l -> l.value().startsWith("discord:w/")).findFirst().orElseThrow();
        store.delete(viaHook);
        assertEquals(1, emulator.counters().answers(RouteClass.WEBHOOK_MESSAGE_DELETE, 204));
        assertEquals(1, emulator.messageCount());
    }

    @Test
    void aMessageDeletedBehindOurBackIsNotFoundAndDeletingItSucceeds() throws Exception {
        start(1, 0);
        Locator locator = putMany(1).get(0);
        DiscordLocator loc = DiscordLocator.parse(locator);
        emulator.deleteMessage(loc.channelId(), loc.messageId());
        assertThrows(StoreException.NotFound.class, () -> store.stat(locator));
        assertThrows(StoreException.NotFound.class, () -> {
            try (InputStream in = store.open(locator, 0, 32)) {
                in.readAllBytes();
            }
        });
        store.delete(locator);
        store.deleteAll(List.of(locator));
        assertEquals(0, emulator.counters().invalidRequests());
    }

    private String name() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
