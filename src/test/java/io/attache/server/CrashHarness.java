package io.attache.server;

import io.attache.app.Attache;
import io.attache.config.Config;
import io.attache.fs.Fsck;
import io.attache.meta.Database;
import io.attache.testing.ForkedServer;
import io.attache.testing.RawHttp;
import io.attache.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
 * The crash harness: a mixed workload (PUT, overwrite, COPY, MOVE, DELETE, MKCOL) from several
 * clients against a forked server that is killed with SIGKILL at a random moment, then
 * restarted, many times over. After every kill SQLite's integrity check and Attaché's fsck must be
 * clean; after every restart each file must hold exactly what a completed request left, or, for
 * a request cut off by the kill, either the old or the new state, never a mix. At the end,
 * {@code attache gc} must leave no chunk that no metadata names.
 */
abstract class CrashHarness {

    static final int KILLS = Integer.getInteger("attache.crash.kills", 50);

    /** How many times the server is killed. */
    int kills() {
        return KILLS;
    }
    static final int CLIENTS = 4;
    static final String ABSENT = "absent";
    static final String FOLDER = "folder";

    /** The server's settings, as ATTACHE_* variables. */
    abstract Map<String, String> env();

    /** The same settings as configuration keys, for opening the data directory in the test. */
    abstract Map<String, String> settings(Path data);

    /** Before the end checks: the last server runs (write-back drains staging here). */
    void beforeTheEnd(ForkedServer last) throws Exception {
    }

    @TempDir
    Path dir;

    /** Acceptable states of each path: one after a completed request, two while one was cut off. */
    final Map<String, Set<String>> expected = new ConcurrentHashMap<>();
    final AtomicInteger committed = new AtomicInteger();
    final AtomicInteger cutOff = new AtomicInteger();

    void run() throws Exception {
        Path data = dir.resolve("data");
        Random random = new Random(Long.getLong("attache.crash.seed", System.nanoTime()));
        int verifiedFiles = 0;
        try (ForkedServer first = ForkedServer.start(data, env())) {
            for (int c = 0; c < CLIENTS; c++) {
                assertEquals(201, request(first, "MKCOL /c" + c, null).status());
                expected.put("/c" + c, Set.of(FOLDER));
            }
        }
        long[] phases = new long[4];
        for (int kill = 1; kill <= kills(); kill++) {
            long t0 = System.nanoTime();
            ForkedServer server = ForkedServer.start(data, env());
            long t1 = System.nanoTime();
            try {
                verifiedFiles += verifyAndSettle(server);
                phases[1] += System.nanoTime() - t1;
                long t2 = System.nanoTime();
                runUntilKilled(server, random.nextLong(), 100 + random.nextInt(1_400));
                phases[2] += System.nanoTime() - t2;
            } finally {
                server.kill();
            }
            long t3 = System.nanoTime();
            checkDatabase(data, kill);
            phases[3] += System.nanoTime() - t3;
            phases[0] += t1 - t0;
        }
        System.out.printf("%s per kill: start %d ms, verify %d ms, run %d ms, check %d ms%n", getClass().getSimpleName(),
                phases[0] / kills() / 1_000_000, phases[1] / kills() / 1_000_000, phases[2] / kills() / 1_000_000,
                phases[3] / kills() / 1_000_000);
        long endStart = System.nanoTime();
        try (ForkedServer last = ForkedServer.start(data, env())) {
            verifiedFiles += verifyAndSettle(last);
            beforeTheEnd(last);
        }
        long gcStart = System.nanoTime();
        ForkedServer.Result gcRun = ForkedServer.command(data, env(), "gc");
        System.out.printf("%s end: last server %d ms, gc %d ms%n", getClass().getSimpleName(),
                (gcStart - endStart) / 1_000_000, (System.nanoTime() - gcStart) / 1_000_000);
        assertEquals(0, gcRun.exitCode(), gcRun.output());
        String gc = gcRun.output();
        int orphansLeft;
        try (Attache attache = Attache.open(Config.from(settings(data), data))) {
            orphansLeft = attache.collector.collectOrphans(attache.backup.snapshotLocators());
            assertEquals(List.of(), new Fsck(attache.db).verifyChunks(attache.reader, 1.0, 1, (d, t) -> { }).problems());
        }
        System.out.printf(getClass().getSimpleName() + ": %d kills, %d requests completed, %d cut off by a kill, %d file checks, "
                + "0 partial or lost; gc: %s; orphans left after gc: %d%n", kills(), committed.get(), cutOff.get(),
                verifiedFiles, gc.replace('\n', ';'), orphansLeft);
        assertEquals(0, orphansLeft);
    }

    /** Checks every path against what is acceptable, then records what it actually holds. */
    int verifyAndSettle(ForkedServer server) throws Exception {
        int files = 0;
        for (Map.Entry<String, Set<String>> e : new HashMap<>(expected).entrySet()) {
            String actual = stateOf(server, e.getKey());
            assertTrue(e.getValue().contains(actual), e.getKey() + " holds " + actual + ", acceptable: " + e.getValue());
            expected.put(e.getKey(), Set.of(actual));
            files += actual.equals(FOLDER) || actual.equals(ABSENT) ? 0 : 1;
        }
        return files;
    }

    /** The last {@code lines} lines of {@code text}. */
    static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    static String stateOf(ForkedServer server, String path) throws Exception {
        RawHttp.Response r = request(server, "GET " + path, null);
        if (r.status() == 404) {
            return ABSENT;
        }
        assertEquals(200, r.status(), () -> path + " answered " + r.text() + "\nthe server's log ends:\n" + tail(server.log(), 80));
        if ("text/html;charset=utf-8".equals(r.header("Content-Type")) && RawHttp.exchange(server.port(), "PROPFIND " + path
                + " HTTP/1.1\nHost: x\nDepth: 0\nConnection: close\nAuthorization: " + TestServer.basic(ForkedServer.USER))
                .text().contains("<D:collection/>")) {
            return FOLDER;
        }
        return sha(r.body());
    }

    /** Clients work on their own paths until the server dies under them. */
    void runUntilKilled(ForkedServer server, long seed, int millis) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        AtomicBoolean alive = new AtomicBoolean(true);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    Random random = new Random(seed + client);
                    for (int op = 0; op < 10_000 && alive.get(); op++) {
                        if (!operate(server, client, random)) {
                            break;
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(millis);
            server.kill();
            alive.set(false);
            for (Future<?> f : clients) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** One random request; false once the server is gone. */
    boolean operate(ForkedServer server, int client, Random random) throws Exception {
        String base = "/c" + client;
        String file = base + "/f" + random.nextInt(6);
        String other = base + "/f" + random.nextInt(6);
        String folder = base + "/d" + random.nextInt(3);
        int kind = random.nextInt(10);
        if (kind < 4) {
            byte[] body = content(random);
            return apply(server, "PUT " + file, body, Map.of(file, sha(body)));
        } else if (kind < 6) {
            return apply(server, "DELETE " + file, null, Map.of(file, ABSENT));
        } else if (kind < 7) {
            return apply(server, "COPY " + file + " HTTP/1.1\nDestination: " + other, null, Map.of(other, current(file)));
        } else if (kind < 8) {
            String moved = current(file);
            return file.equals(other) || apply(server, "MOVE " + file + " HTTP/1.1\nDestination: " + other, null,
                    Map.of(file, ABSENT, other, moved));
        } else if (kind < 9) {
            return apply(server, "MKCOL " + folder, null, Map.of(folder, FOLDER));
        }
        return apply(server, "DELETE " + folder, null, Map.of(folder, ABSENT));
    }

    /** The one state a path of this client is known to hold (it owns its paths, so there is one). */
    String current(String path) {
        Set<String> states = expected.getOrDefault(path, Set.of(ABSENT));
        return states.size() == 1 ? states.iterator().next() : states.stream().sorted().findFirst().orElseThrow();
    }

    /**
     * Sends a request that would change {@code after}'s paths. While it is in flight each may hold
     * its old or its new state; a completed answer settles them.
     */
    boolean apply(ForkedServer server, String request, byte[] body, Map<String, String> after) throws Exception {
        if (after.values().stream().anyMatch(s -> !s.equals(ABSENT) && !s.equals(FOLDER) && s.length() != 64)) {
            return true;
        }
        Map<String, Set<String>> before = new HashMap<>();
        for (Map.Entry<String, String> e : after.entrySet()) {
            Set<String> old = expected.getOrDefault(e.getKey(), Set.of(ABSENT));
            before.put(e.getKey(), old);
            Set<String> either = new HashSet<>(old);
            either.add(e.getValue());
            expected.put(e.getKey(), either);
        }
        RawHttp.Response r;
        try {
            r = request(server, request, body);
        } catch (IOException killed) {
            cutOff.incrementAndGet();
            return false;
        }
        boolean success = r.status() / 100 == 2;
        for (Map.Entry<String, String> e : after.entrySet()) {
            expected.put(e.getKey(), success ? Set.of(e.getValue()) : before.get(e.getKey()));
        }
        if (success) {
            committed.incrementAndGet();
        }
        return true;
    }

    static RawHttp.Response request(ForkedServer server, String line, byte[] body) throws IOException {
        String head = (line.contains(" HTTP/1.1") ? line : line + " HTTP/1.1") + "\nHost: x\nConnection: close\nAuthorization: "
                + TestServer.basic(ForkedServer.USER) + "\nContent-Length: " + (body == null ? 0 : body.length);
        return RawHttp.exchange(server.port(), head, body == null ? new byte[0] : body);
    }

    static byte[] content(Random random) {
        int[] sizes = {0, 10, 70_000, 200_000, 330_000};
        byte[] body = new byte[sizes[random.nextInt(sizes.length)]];
        random.nextBytes(body);
        return body;
    }

    static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server's database, opened from the test. */
    Database openDatabase(Path data) throws Exception {
        return Database.open(data.resolve("attache.db"), true);
    }

    /** After a kill, before the restart: the database's integrity checks and Attaché's own are clean. */
    void checkDatabase(Path data, int kill) throws Exception {
        try (Database db = openDatabase(data)) {
            Fsck.Report report = new Fsck(db).checkMetadata();
            assertEquals(List.of(), report.problems(), "after kill " + kill);
        }
    }
}
