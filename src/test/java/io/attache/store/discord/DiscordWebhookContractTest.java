package io.attache.store.discord;

import io.attache.store.ChunkStore;
import io.attache.store.ChunkStoreContractTest;
import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;
import java.util.List;

/**
 * The chunk store contract with uploads alternating between one bot channel and two webhooks in
 * other channels; the bot (without the MESSAGE_CONTENT intent) lists and holds the pointer.
 */
class DiscordWebhookContractTest extends ChunkStoreContractTest {

    private DiscordEmulator emulator;

    @Override
    protected ChunkStore createStore(Path dir) throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(3));
        emulator.addWebhook(emulator.channelIds().get(1));
        emulator.addWebhook(emulator.channelIds().get(2));
        return new DiscordChunkStore(Emulated.config(emulator, List.of(emulator.channelIds().get(0))).build());
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }
}
