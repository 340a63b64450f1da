package io.attache.server;

import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import io.attache.store.discord.emulator.Fault;
import io.attache.store.discord.emulator.RouteClass;
import io.attache.testing.ForkedServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crash harness (see {@link CrashHarness}) with write-back on the Discord emulator: the
 * server acknowledges from staging while the uploader drains it into packs through injected
 * 429s, 5xx answers and connections dropped after the message was created, and is killed in
 * the middle of all that. After every restart every acknowledged file reads back; at the end
 * staging drains to empty, fsck is clean and gc leaves no orphan in the store.
 */
class WriteBackCrashHarnessTest extends CrashHarness {

    private DiscordEmulator discord;

    @Override
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        settings(null).forEach((key, value) -> env.put("ATTACHE_" + key.toUpperCase().replace('-', '_'), value));
        return env;
    }

    @Override
    Map<String, String> settings(Path data) {
        Map<String, String> s = new HashMap<>();
        if (data != null) {
            s.put("data-dir", data.toString());
        }
        s.put("store", "discord");
        s.put("discord-api-url", discord.apiUrl());
        s.put("discord-token", String.join(",", discord.tokens()));
        s.put("discord-channels", String.join(",", discord.channelIds()));
        s.put("write-back", "on");
        s.put("chunk-size", "64KiB");
        s.put("pack-linger", "300ms");
        s.put("cache-size", "0");
        s.put("backup-interval", "0");
        s.put("store-retry-time", "20s");
        return s;
    }

    @Override
    void beforeTheEnd(ForkedServer last) throws Exception {
        discord.faults().clear();
        Path data = dir.resolve("data");
        ForkedServer.Result flushed = ForkedServer.command(data, env(), "flush", "--timeout", "120s");
        assertEquals(0, flushed.exitCode(), flushed.output());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (stagedFiles(data.resolve("staging")) > 0) {
            assertTrue(System.nanoTime() < deadline, () -> "staging drains to empty; left: " + listing(data.resolve("staging"))
                    + "\nuploads: " + uploads(data) + "\nthe server's log ends:\n" + tail(last.log(), 80));
            Thread.sleep(50);
        }
        System.out.printf("write-back harness: %d messages created, %d upload bytes, %d answers 429, %d 503%n",
                discord.counters().messagesCreated(), discord.counters().uploadBytesReceived(),
                discord.counters().answers(RouteClass.MESSAGE_CREATE, 429),
                discord.counters().answers(RouteClass.MESSAGE_CREATE, 503));
    }

    /** What is left in staging, for the failure message: names, sizes and ages. */
    private static String listing(Path staging) {
        try (Stream<Path> files = Files.list(staging)) {
            long now = System.currentTimeMillis();
            return files.map(f -> {
                try {
                    return f.getFileName() + " (" + Files.size(f) + " bytes, "
                            + (now - Files.getLastModifiedTime(f).toMillis()) + " ms old)";
                } catch (java.io.IOException e) {
                    return f.getFileName() + " (" + e + ")";
                }
            }).toList().toString();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** What {@code attache uploads} says is pending, for the failure message. */
    private String uploads(Path data) {
        try {
            return ForkedServer.command(data, env(), "uploads").output();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static long stagedFiles(Path staging) throws Exception {
        try (Stream<Path> files = Files.list(staging)) {
            return files.count();
        }
    }

    @Test
    void everyAcknowledgedFileSurvivesEveryKillWhileStagingDrains() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(3))) {
            discord = emulator;
            emulator.faults()
                    .injectRandomly(Fault.RATE_LIMIT_BUCKET, RouteClass.MESSAGE_CREATE, 0.05)
                    .injectRandomly(Fault.STATUS_503, RouteClass.MESSAGE_CREATE, 0.05)
                    .injectRandomly(Fault.STATUS_502, RouteClass.MESSAGE_CREATE, 0.03)
                    .injectRandomly(Fault.DROP_AFTER_CREATE, RouteClass.MESSAGE_CREATE, 0.05);
            run();
            assertEquals(0, emulator.counters().bannedAnswers());
        }
    }
}
