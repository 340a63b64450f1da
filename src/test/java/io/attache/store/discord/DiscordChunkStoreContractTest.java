package io.attache.store.discord;

import io.attache.store.ChunkStore;
import io.attache.store.ChunkStoreContractTest;
import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;

/** The chunk store contract, against the emulator: two bot tokens serving three channels. */
class DiscordChunkStoreContractTest extends ChunkStoreContractTest {

    private DiscordEmulator emulator;

    @Override
    protected ChunkStore createStore(Path dir) throws Exception {
        emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(3).tokens(2));
        return new DiscordChunkStore(Emulated.config(emulator).build());
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }
}
