package io.attache.app;

import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 'attache discord check' reports which credentials and channels work, from the environment's settings. */
class DiscordCheckCommandTest {

    @TempDir
    Path dir;

    int run(Map<String, String> env, ByteArrayOutputStream out) {
        return new Main(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), env)
                .run(new String[]{"discord", "check", "--data-dir", dir.toString()});
    }

    @Test
    void reportsUsableAndRetiredCredentials() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.start(EmulatorSettings.fastForTests().tokens(1).channels(2))) {
            Map<String, String> env = Map.of("HOME", dir.toString(), "ATTACHE_STORE", "discord",
                    "ATTACHE_DISCORD_API_URL", discord.apiUrl(),
                    "ATTACHE_DISCORD_TOKEN", discord.tokens().get(0),
                    "ATTACHE_DISCORD_CHANNELS", String.join(",", discord.channelIds()));
            ByteArrayOutputStream good = new ByteArrayOutputStream();
            assertEquals(0, run(env, good), good::toString);
            String report = good.toString(StandardCharsets.UTF_8);
            for (String channel : discord.channelIds()) {
                assertTrue(report.contains(channel), report);
            }
            assertEquals(0, discord.messageCount(), "the probes were deleted again");

            discord.revokeToken(discord.tokens().get(0));
            ByteArrayOutputStream bad = new ByteArrayOutputStream();
            assertEquals(1, run(env, bad), "nothing is usable with a revoked token");
        }
    }

    @Test
    void aMalformedDiscordSettingIsAConfigurationError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("HOME", dir.toString(), "ATTACHE_DISCORD_CHANNELS", "not-a-snowflake",
                "ATTACHE_DISCORD_TOKEN", "abcdefghijklmnopqrstuvwxyz");
        assertEquals(2, run(env, out));
    }
}
