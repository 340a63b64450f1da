package io.attache.store.discord.emulator;

import java.time.Duration;

/**
 * The emulator's knobs. The defaults are Discord's documented or observed values; tests make the
 * limits fast. Fields are volatile so a running emulator picks up changes (bandwidth, latency,
 * URL lifetime, size limit); the counts of tokens, channels and webhooks apply at start.
 */
public final class EmulatorSettings {

    volatile int port;
    volatile int tokens = 1;
    volatile int channels = 3;
    volatile int webhooks = 0;
    volatile Limit globalLimit = Limit.of(50, Duration.ofSeconds(1));
    volatile Limit messageCreateLimit = Limit.of(5, Duration.ofSeconds(5));
    volatile Limit webhookExecuteLimit = Limit.of(5, Duration.ofSeconds(2));
    volatile Limit webhookChannelLimit = Limit.of(30, Duration.ofMinutes(1));
    volatile Limit deleteLimit = Limit.of(5, Duration.ofSeconds(1));
    volatile Limit oldDeleteLimit = Limit.of(1, Duration.ofSeconds(1));
    volatile Limit bulkDeleteLimit = Limit.of(1, Duration.ofSeconds(1));
    /** GET message, history, pins, refresh-urls, current user, webhook reads. */
    volatile Limit readLimit = Limit.of(10, Duration.ofSeconds(1));
    volatile long maxFileSize = 10L * 1024 * 1024;
    volatile Duration urlLifetime = Duration.ofHours(24);
    volatile Duration nonceWindow = Duration.ofMinutes(5);
    volatile int banThreshold = 10_000;
    volatile Duration banWindow = Duration.ofMinutes(10);
    volatile Duration banDuration = Duration.ofHours(1);
    /** The {@code retry_after} of injected 429s. */
    volatile Duration faultRetryAfter = Duration.ofMillis(300);
    /** Without the MESSAGE_CONTENT intent a bot sees {@code attachments: []} on others' messages. */
    volatile boolean messageContentIntent = false;
    /** Bytes per second per transfer (uploads and CDN), 0 for unlimited. */
    volatile long bandwidth = 0;
    volatile Duration latency = Duration.ZERO;
    /** False for benchmarks: uploads are counted and dropped; the CDN cannot serve them. */
    volatile boolean storeContent = true;
    /** Answer every major parameter (channel, webhook) of a route with its own bucket hash, as Discord may. */
    volatile boolean hashPerMajor = false;
    volatile int maxPins = 50;
    volatile long seed = 4;

    public EmulatorSettings port(int value) {
        port = value;
        return this;
    }

    public EmulatorSettings tokens(int value) {
        tokens = value;
        return this;
    }

    public EmulatorSettings channels(int value) {
        channels = value;
        return this;
    }

    public EmulatorSettings webhooks(int value) {
        webhooks = value;
        return this;
    }

    public EmulatorSettings globalLimit(Limit value) {
        globalLimit = value;
        return this;
    }

    public EmulatorSettings messageCreateLimit(Limit value) {
        messageCreateLimit = value;
        return this;
    }

    public EmulatorSettings webhookExecuteLimit(Limit value) {
        webhookExecuteLimit = value;
        return this;
    }

    public EmulatorSettings webhookChannelLimit(Limit value) {
        webhookChannelLimit = value;
        return this;
    }

    public EmulatorSettings deleteLimit(Limit value) {
        deleteLimit = value;
        return this;
    }

    public EmulatorSettings oldDeleteLimit(Limit value) {
        oldDeleteLimit = value;
        return this;
    }

    public EmulatorSettings bulkDeleteLimit(Limit value) {
        bulkDeleteLimit = value;
        return this;
    }

    public EmulatorSettings readLimit(Limit value) {
        readLimit = value;
        return this;
    }

    public EmulatorSettings maxFileSize(long value) {
        maxFileSize = value;
        return this;
    }

    public EmulatorSettings urlLifetime(Duration value) {
        urlLifetime = value;
        return this;
    }

    public EmulatorSettings nonceWindow(Duration value) {
        nonceWindow = value;
        return this;
    }

    public EmulatorSettings banThreshold(int value) {
        banThreshold = value;
        return this;
    }

    public EmulatorSettings banDuration(Duration value) {
        banDuration = value;
        return this;
    }

    public EmulatorSettings faultRetryAfter(Duration value) {
        faultRetryAfter = value;
        return this;
    }

    public EmulatorSettings messageContentIntent(boolean value) {
        messageContentIntent = value;
        return this;
    }

    public EmulatorSettings bandwidth(long bytesPerSecond) {
        bandwidth = bytesPerSecond;
        return this;
    }

    public EmulatorSettings latency(Duration value) {
        latency = value;
        return this;
    }

    public EmulatorSettings storeContent(boolean value) {
        storeContent = value;
        return this;
    }

    public EmulatorSettings hashPerMajor(boolean value) {
        hashPerMajor = value;
        return this;
    }

    public EmulatorSettings maxPins(int value) {
        maxPins = value;
        return this;
    }

    public EmulatorSettings seed(long value) {
        seed = value;
        return this;
    }

    /** Discord's values with every limit scaled to run fast in unit tests. */
    public static EmulatorSettings fastForTests() {
        return new EmulatorSettings()
                .messageCreateLimit(Limit.parse("5/200ms"))
                .webhookExecuteLimit(Limit.parse("5/100ms"))
                .webhookChannelLimit(Limit.parse("30/1s"))
                .deleteLimit(Limit.parse("5/100ms"))
                .oldDeleteLimit(Limit.parse("1/100ms"))
                .bulkDeleteLimit(Limit.parse("1/100ms"))
                .readLimit(Limit.parse("10/100ms"))
                .globalLimit(Limit.parse("50/1s"))
                .faultRetryAfter(Duration.ofMillis(50));
    }

    @Override
    public String toString() {
        return "tokens=" + tokens + " channels=" + channels + " webhooks=" + webhooks + " global=" + globalLimit
                + " create=" + messageCreateLimit + " webhook=" + webhookExecuteLimit + " webhookChannel="
                + webhookChannelLimit + " read=" + readLimit + " delete=" + deleteLimit + " maxFileSize=" + maxFileSize
                + " urlLifetime=" + urlLifetime + " banThreshold=" + banThreshold + " bandwidth=" + bandwidth
                + " latency=" + latency + " storeContent=" + storeContent + " hashPerMajor=" + hashPerMajor;
    }
}
