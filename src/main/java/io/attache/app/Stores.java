package io.attache.app;

import io.attache.config.Config;
import io.attache.config.ConfigException;
import io.attache.config.Values;
import io.attache.store.CachingChunkStore;
import io.attache.store.ChunkStore;
import io.attache.store.LimitingChunkStore;
import io.attache.store.MeteredChunkStore;
import io.attache.store.RetryingChunkStore;
import io.attache.store.discord.DiscordChunkStore;
import io.attache.store.discord.DiscordStoreConfig;
import io.attache.store.discord.RateLimitSettings;
import io.attache.store.local.LocalChunkStore;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds the configured chunk store with its wrappers: retries and caps (Discord), then the cache. */
final class Stores {

    private Stores() {
    }

    static ChunkStore open(Config config) throws IOException, ConfigException {
        return open(config, new SimpleMeterRegistry());
    }

    /**
     * The store stack, counted into {@code metrics}: calls and bytes right around the real store
     * (every attempt), retries, Discord's rate limiting, and the cache's hits and misses.
     */
    static ChunkStore open(Config config, MeterRegistry metrics) throws IOException, ConfigException {
        ChunkStore store = switch (config.store()) {
            case LOCAL -> new MeteredChunkStore(new LocalChunkStore(config.localStoreDir(),
                    LocalChunkStore.DEFAULT_MAX_OBJECT_SIZE, config.durableCommits()), metrics);
            case DISCORD -> {
                DiscordStoreConfig discord = discord(config);
                DiscordChunkStore raw = new DiscordChunkStore(discord);
                FunctionCounter.builder("attache.discord.rate.limit.waits", raw, DiscordChunkStore::rateLimitWaits)
                        .description("Discord requests that waited for their rate-limit window").register(metrics);
                FunctionCounter.builder("attache.discord.rate.limited", raw, DiscordChunkStore::rateLimitedAnswers)
                        .description("429 answers from Discord").register(metrics);
                RetryingChunkStore retrying = new RetryingChunkStore(new LimitingChunkStore(
                        new MeteredChunkStore(raw, metrics), discord.uploadConcurrency(), discord.downloadConcurrency()),
                        retryPolicy(config));
                FunctionCounter.builder("attache.store.retries", retrying, RetryingChunkStore::retries)
                        .description("Store calls repeated after a retryable failure").register(metrics);
                FunctionCounter.builder("attache.store.retries.rate.limited", retrying, RetryingChunkStore::rateLimitedRetries)
                        .description("Store calls repeated after a rate limit (429)").register(metrics);
                yield retrying;
            }
        };
        if (config.cacheSize() <= 0) {
            return store;
        }
        CachingChunkStore cache = new CachingChunkStore(store, config.cacheDir(), config.cacheSize());
        FunctionCounter.builder("attache.cache.requests", cache, CachingChunkStore::hits).tag("result", "hit")
                .description("Chunk reads by whether the on-disk cache had the chunk").register(metrics);
        FunctionCounter.builder("attache.cache.requests", cache, CachingChunkStore::misses).tag("result", "miss")
                .register(metrics);
        return cache;
    }

    /** Up to eight attempts of each store operation, backing off from 250 ms, within store-retry-time. */
    static RetryingChunkStore.Policy retryPolicy(Config config) {
        Duration within = config.storeRetryTime();
        Duration max = within.compareTo(Duration.ofSeconds(20)) < 0 ? within : Duration.ofSeconds(20);
        Duration initial = max.compareTo(Duration.ofMillis(250)) < 0 ? max : Duration.ofMillis(250);
        return new RetryingChunkStore.Policy(8, initial, max, within);
    }

    /** The Discord store's settings from the {@code discord-*} keys. */
    static DiscordStoreConfig discord(Config config) throws ConfigException {
        Map<String, String> d = config.discord();
        DiscordStoreConfig.Builder builder = DiscordStoreConfig.builder()
                .botTokens(list(d.get("discord-token")))
                .channels(list(d.get("discord-channels")))
                .webhookUrls(list(d.get("discord-webhooks")))
                .userAgent("DiscordBot (https://attache.invalid, " + Main.version() + ")");
        if (d.containsKey("discord-api-url")) {
            builder.apiBaseUrl(d.get("discord-api-url"));
        }
        if (d.containsKey("discord-max-attachment-size")) {
            builder.maxAttachmentSize(Values.size("discord-max-attachment-size", d.get("discord-max-attachment-size")));
        }
        if (d.containsKey("discord-upload-concurrency")) {
            builder.uploadConcurrency(Values.positiveInt("discord-upload-concurrency", d.get("discord-upload-concurrency")));
        }
        if (d.containsKey("discord-download-concurrency")) {
            builder.downloadConcurrency(Values.positiveInt("discord-download-concurrency", d.get("discord-download-concurrency")));
        }
        if (d.containsKey("discord-global-rate")) {
            builder.rateLimits(RateLimitSettings.defaults()
                    .withGlobalPerSecond(Values.positiveInt("discord-global-rate", d.get("discord-global-rate"))));
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("discord: " + e.getMessage());
        }
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
