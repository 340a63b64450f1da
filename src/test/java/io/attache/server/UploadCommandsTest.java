package io.attache.server;

import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import io.attache.store.discord.emulator.Fault;
import io.attache.store.discord.emulator.RouteClass;
import io.attache.testing.ForkedServer;
import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code attache uploads} and {@code attache flush} beside a running server on the Discord
 * emulator: what is pending and why, a flush that times out while the store fails (non-zero), and
 * one that completes once it recovers; and flush with no server running.
 */
class UploadCommandsTest {

    @TempDir
    Path dir;

    static Map<String, String> env(DiscordEmulator discord) {
        Map<String, String> env = new HashMap<>();
        env.put("ATTACHE_STORE", "discord");
        env.put("ATTACHE_DISCORD_API_URL", discord.apiUrl());
        env.put("ATTACHE_DISCORD_TOKEN", String.join(",", discord.tokens()));
        env.put("ATTACHE_DISCORD_CHANNELS", String.join(",", discord.channelIds()));
        env.put("ATTACHE_CACHE_SIZE", "0");
        env.put("ATTACHE_BACKUP_INTERVAL", "0");
        env.put("ATTACHE_PACK_LINGER", "1h");
        env.put("ATTACHE_STORE_RETRY_TIME", "1s");
        return env;
    }

    static int put(ForkedServer server, String path, byte[] body) throws Exception {
        return RawHttp.exchange(server.port(), "PUT " + path + " HTTP/1.1\nHost: x\nConnection: close\nAuthorization: "
                + TestServer.basic(ForkedServer.USER) + "\nContent-Length: " + body.length, body).status();
    }

    @Test
    void pendingUploadsAreListedAndFlushWaitsForThem() throws Exception {
        Path data = dir.resolve("data");
        try (DiscordEmulator discord = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(2))) {
            Map<String, String> env = env(discord);
            byte[][] bodies = new byte[3][];
            try (ForkedServer server = ForkedServer.start(data, env)) {
                for (int i = 0; i < 3; i++) {
                    bodies[i] = new byte[10_000 + i];
                    new Random(i).nextBytes(bodies[i]);
                    assertEquals(201, put(server, "/f" + i, bodies[i]));
                }
                ForkedServer.Result listed = ForkedServer.command(data, env, "uploads");
                assertEquals(0, listed.exitCode(), listed.output());
                assertTrue(listed.output().contains("pending:   3 files"), listed.output());
                assertEquals(0, discord.counters().messagesCreated(), "lingering for more blobs");

                discord.faults().inject(Fault.STATUS_500, RouteClass.MESSAGE_CREATE, 1_000_000);
                ForkedServer.Result timedOut = ForkedServer.command(data, env, "flush", "--timeout", "3s");
                assertEquals(1, timedOut.exitCode(), timedOut.output());
                assertTrue(timedOut.output().contains("still pending"), timedOut.output());
                ForkedServer.Result failing = ForkedServer.command(data, env, "uploads");
                assertTrue(failing.output().contains("failing:") && failing.output().contains("500"), failing.output());

                discord.faults().clear();
                ForkedServer.Result flushed = ForkedServer.command(data, env, "flush", "--timeout", "60s");
                assertEquals(0, flushed.exitCode(), flushed.output());
                assertTrue(flushed.output().contains("flushed:"), flushed.output());
                assertEquals(1, discord.counters().messagesCreated(), () -> "the three files in one pack; the server's log:\n"
                        + server.log());
                assertTrue(ForkedServer.command(data, env, "uploads").output().contains("pending:   0 files"));
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(bodies[i], RawHttp.exchange(server.port(), "GET /f" + i + " HTTP/1.1\nHost: x\n"
                            + "Connection: close\nAuthorization: " + TestServer.basic(ForkedServer.USER)).body());
                }

                assertEquals(201, put(server, "/later", new byte[777]));
                server.kill();
            }
            ForkedServer.Result alone = ForkedServer.command(data, env, "flush", "--timeout", "60s");
            assertEquals(0, alone.exitCode(), alone.output());
            assertEquals(2, discord.counters().messagesCreated(), "flush uploads by itself when no server runs");
        }
    }
}
