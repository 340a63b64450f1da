package io.attache.server;

import io.attache.app.Attache;
import io.attache.config.Config;
import io.attache.fs.Fsck;
import io.attache.meta.Cluster;
import io.attache.meta.Database;
import io.attache.meta.DeleteQueue;
import io.attache.store.discord.emulator.DiscordEmulator;
import io.attache.store.discord.emulator.EmulatorSettings;
import io.attache.store.discord.emulator.Limit;
import io.attache.testing.ForkedServer;
import io.attache.testing.RawHttp;
import io.attache.testing.TestDatabase;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two forked nodes on one PostgreSQL database and one (emulated) Discord store. Node A is killed
 * with SIGKILL while it holds the delete-queue collector's claim, with uploads of its own under
 * way, and while B serves a steady load. B carries on: every write that either node acknowledged
 * reads back through B; once A's heartbeat is older than the node timeout, B takes the collector
 * over and gives up A's interrupted uploads; the queue drains; no message is deleted twice, not
 * even one of the batch A was deleting when it died; and after gc, fsck finds every remaining
 * message named and every named one intact.
 */
class ClusterKillTest {

    @TempDir
    Path dir;

    @Test
    void nodeBTakesOverWhenNodeADiesAndNothingAcknowledgedIsLost() throws Exception {
        String url = TestDatabase.freshSchema();
        try (DiscordEmulator discord = DiscordEmulator.start(EmulatorSettings.fastForTests().channels(2)
                .deleteLimit(Limit.parse("4/1s")));
             Database db = Database.open(new Database.Settings(url, null, null, false))) {
            // One message per deletion, rate-limited: collecting the queue takes seconds, so A dies holding it.
            discord.tokens().forEach(token -> discord.setManageMessages(token, false));
            Map<String, String> env = env(url, discord);
            env.put("ATTACHE_KEY_FILE", dir.resolve("master.key").toString());
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            Path dataA = dir.resolve("a");
            Path dataB = dir.resolve("b");
            ForkedServer a = ForkedServer.start(dataA, env);
            ForkedServer b = null;
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                for (int i = 0; i < 40; i++) {
                    put(a, "/doomed" + i, content(i), acknowledged);
                }
                for (int i = 0; i < 40; i++) {
                    assertEquals(204, request(a, "DELETE /doomed" + i, null).status());
                    acknowledged.remove("/doomed" + i);
                }
                String idA = Files.readString(dataA.resolve("node-id")).strip();
                awaitHolder(db, "collect", idA);

                b = ForkedServer.start(dataB, env);
                ForkedServer nodeB = b;
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger servedByB = new AtomicInteger();
                List<Future<?>> load = new ArrayList<>();
                for (int client = 0; client < 2; client++) {
                    int c = client;
                    load.add(pool.submit(() -> {
                        for (int n = 0; running.get() && n < 10_000; n++) {
                            String path = "/b" + c + "-" + n;
                            put(nodeB, path, content(1_000 + c * 10_000 + n), acknowledged);
                            assertEquals(sha(content(1_000 + c * 10_000 + n)), sha(request(nodeB, "GET " + path, null).body()));
                            servedByB.incrementAndGet();
                        }
                        return null;
                    }));
                }
                // Uploads through A that its death cuts off: their blobs are A's interrupted writes.
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    pool.submit(() -> {
                        try {
                            put(a, "/cut" + n, content(500 + n, 900_000), acknowledged);
                        } catch (IOException killed) {
                            // the answer never came; the file may exist or not
                        }
                        return null;
                    });
                }
                Thread.sleep(700);
                assertEquals(Optional.of(idA), holder(db, "collect"), "A holds the collector as it dies");
                a.kill();
                long killedAt = System.nanoTime();

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (db.read(DeleteQueue::size) > 0 || pendingOf(db, idA) > 0) {
                    assertTrue(System.nanoTime() < deadline, "B collects the queue and gives up A's uploads: "
                            + db.read(DeleteQueue::size) + " queued, " + pendingOf(db, idA) + " pending of A");
                    Thread.sleep(100);
                }
                long takeover = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                running.set(false);
                for (Future<?> f : load) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertTrue(servedByB.get() > 0);
                for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                    if (!e.getKey().startsWith("/cut")) {
                        assertEquals(e.getValue(), sha(request(b, "GET " + e.getKey(), null).body()), e.getKey());
                    }
                }
                for (int i = 0; i < 3; i++) {
                    RawHttp.Response cut = request(b, "GET /cut" + i, null);
                    assertTrue(cut.status() == 404 || sha(cut.body()).equals(sha(content(500 + i, 900_000))),
                            "a cut-off upload is all there or not there: " + cut.status());
                }
                System.out.printf("ClusterKillTest: B served %d writes and reads; the queue drained and A's uploads were "
                        + "given up %d ms after the kill; %d deletions named a message already gone; B found: %s%n",
                        servedByB.get(), takeover, discord.deletesOfMissingMessages(), b.log().lines()
                                .filter(l -> l.contains("stopped before recording") || l.contains("stopped with their node"))
                                .map(l -> l.substring(l.indexOf(" - ") + 3)).toList());
                assertEquals(0, discord.deletesOfMissingMessages(), "no message deleted twice, not even those of the "
                        + "batch A was deleting when it died (B asked the store which of them were gone)");
            } finally {
                pool.shutdownNow();
                a.kill();
                if (b != null) {
                    b.close();
                }
            }
            ForkedServer.Result gc = ForkedServer.command(dataB, env, "gc");
            assertEquals(0, gc.exitCode(), gc.output());
            Map<String, String> settings = new HashMap<>();
            env.forEach((k, v) -> settings.put(k.substring("ATTACHE_".length()).toLowerCase().replace('_', '-'), v));
            settings.put("data-dir", dataB.toString());
            try (Attache attache = Attache.open(Config.from(settings, dataB))) {
                assertEquals(List.of(), new Fsck(attache.db).checkMetadata().problems());
                assertEquals(List.of(), new Fsck(attache.db).verifyChunks(attache.reader, 1.0, 1, (d, t) -> { }).problems());
                assertEquals(0, attache.collector.collectOrphans(attache.backup.snapshotLocators()), "gc left no orphan");
            }
        }
    }

    static Map<String, String> env(String url, DiscordEmulator discord) {
        Map<String, String> env = new HashMap<>();
        env.put("ATTACHE_DATABASE_URL", url);
        env.put("ATTACHE_STORE", "discord");
        env.put("ATTACHE_DISCORD_API_URL", discord.apiUrl());
        env.put("ATTACHE_DISCORD_TOKEN", String.join(",", discord.tokens()));
        env.put("ATTACHE_DISCORD_CHANNELS", String.join(",", discord.channelIds()));
        env.put("ATTACHE_WRITE_BACK", "off");
        env.put("ATTACHE_CHUNK_SIZE", "64KiB");
        env.put("ATTACHE_CACHE_SIZE", "0");
        env.put("ATTACHE_BACKUP_INTERVAL", "0");
        env.put("ATTACHE_GC_INTERVAL", "300ms");
        env.put("ATTACHE_GC_GRACE", "0s");
        env.put("ATTACHE_TRASH_RETENTION", "0");
        env.put("ATTACHE_NODE_TIMEOUT", "3s");
        env.put("ATTACHE_STORE_RETRY_TIME", "20s");
        return env;
    }

    private void awaitHolder(Database db, String job, String node) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!holder(db, job).equals(Optional.of(node))) {
            assertTrue(System.nanoTime() < deadline, job + " is claimed by " + node);
            Thread.sleep(20);
        }
    }

    private static Optional<String> holder(Database db, String job) throws Exception {
        for (String[] row : db.read(Cluster::jobs)) {
            if (row[0].equals(job)) {
                return Optional.ofNullable(row[1]);
            }
        }
        return Optional.empty();
    }

    private static long pendingOf(Database db, String node) throws Exception {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM pending_blob WHERE node_id = ?")) {
                p.setString(1, node);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    static void put(ForkedServer node, String path, byte[] body, Map<String, String> acknowledged) throws IOException {
        RawHttp.Response r = request(node, "PUT " + path, body);
        if (r.status() / 100 == 2) {
            acknowledged.put(path, sha(body));
        } else {
            throw new AssertionError("PUT " + path + ": " + r);
        }
    }

    static RawHttp.Response request(ForkedServer node, String line, byte[] body) throws IOException {
        return RawHttp.exchange(node.port(), line + " HTTP/1.1\nHost: x\nConnection: close\nAuthorization: "
                + TestServer.basic(ForkedServer.USER) + "\nContent-Length: " + (body == null ? 0 : body.length),
                body == null ? new byte[0] : body);
    }

    static byte[] content(int seed) {
        return content(seed, 70_000 + seed % 1_000);
    }

    static byte[] content(int seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha(byte[] bytes) {
        return CrashHarness.sha(bytes);
    }
}
