package io.attache.store.discord;

import io.attache.store.RetryingChunkStore;
import io.attache.store.discord.emulator.DiscordEmulator;

import java.time.Duration;
import java.util.List;

/** Store configurations for tests against the emulator: fast backoff, short waits. */
final class Emulated {

    private Emulated() {
    }

    static DiscordStoreConfig.Builder config(DiscordEmulator emulator) {
        return config(emulator, emulator.channelIds());
    }

    /** Every token and webhook of the emulator, but only the given channels. */
    static DiscordStoreConfig.Builder config(DiscordEmulator emulator, List<String> channels) {
        return DiscordStoreConfig.builder()
                .apiBaseUrl(emulator.apiUrl())
                .botTokens(emulator.tokens())
                .channels(channels)
                .webhookUrls(emulator.webhookUrls())
                .rateLimits(RateLimitSettings.defaults()
                        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(400))
                        .withMaxWait(Duration.ofSeconds(10)))
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(20));
    }

    /** Retries for fault tests: many quick attempts, bounded in time. */
    static RetryingChunkStore.Policy retries() {
        return new RetryingChunkStore.Policy(12, Duration.ofMillis(20), Duration.ofMillis(400), Duration.ofSeconds(60));
    }
}
