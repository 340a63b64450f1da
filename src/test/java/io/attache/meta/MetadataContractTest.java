package io.attache.meta;

import io.attache.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the rest of Attaché relies on from its metadata database, on SQLite and on PostgreSQL
 * alike: migrations, constraints, all-or-nothing transactions, and write transactions that act
 * as if they ran one after another, also when they come from two nodes (two Database objects on
 * one database) at once.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class MetadataContractTest {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    @Test
    void migrationsRunOnceAndANewerSchemaIsRefused() throws Exception {
        Map<String, String> settings = database.settings(dir, Map.of());
        String url = settings.getOrDefault("database-url", "jdbc:sqlite:" + dir.resolve("m.db"));
        Database.Settings where = new Database.Settings(url, null, null, false);
        try (Database db = Database.open(where)) {
            assertEquals(Migrations.latestVersion(), versions(db));
        }
        try (Database db = Database.open(where)) {
            assertEquals(Migrations.latestVersion(), versions(db), "no migration runs twice");
            db.write(c -> c.createStatement().executeUpdate(
                    "INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', 0)"));
        }
        SQLException e = assertThrows(SQLException.class, () -> Database.open(where));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }

    /**
     * Nodes that start at once on an empty database: one migrates, the others find each
     * migration done (on SQLite, processes opening one file; the file exists, in WAL mode, as the
     * first opener leaves it, since SQLite cannot switch a file to WAL under a concurrent opener).
     */
    @Test
    void nodesStartingTogetherMigrateOnce() throws Exception {
        Map<String, String> settings = database.settings(dir, Map.of());
        String url = settings.getOrDefault("database-url", "jdbc:sqlite:" + dir.resolve("together.db"));
        if (database == TestDatabase.SQLITE) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
            }
        }
        List<Callable<Database>> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(() -> Database.open(new Database.Settings(url, null, null, false)));
        }
        List<Database> opened = new ArrayList<>();
        try {
            for (Future<Database> f : all(nodes)) {
                opened.add(f.get(60, TimeUnit.SECONDS));
            }
            assertEquals(Migrations.latestVersion(), versions(opened.get(0)));
        } finally {
            opened.forEach(Database::close);
        }
    }

    @Test
    void aNameIsUniqueAmongFilesAndFoldersOfAFolder() throws Exception {
        try (Database db = database.open(dir)) {
            long root = db.write(c -> {
                User u = Users.insert(c, "u", "hash", null, false, 1);
                return Nodes.root(c, u.id()).orElseThrow().id();
            });
            long owner = db.read(c -> Users.byName(c, "u").orElseThrow().id());
            db.write(c -> Nodes.insertFolder(c, owner, root, "same", 1));
            assertThrows(SQLException.class, () -> db.write(c -> Nodes.insertFolder(c, owner, root, "same", 1)));
            long version = db.write(c -> Versions.insert(c, new byte[16], 0, 65536, new byte[61], 0, null, 1));
            assertThrows(SQLException.class, () -> db.write(c -> Nodes.insertFile(c, owner, root, "same", version, null, 1, 1)));
        }
    }

    @Test
    void aFailedTransactionLeavesNoTrace() throws Exception {
        try (Database db = database.open(dir)) {
            assertThrows(SQLException.class, () -> db.write(c -> {
                Users.insert(c, "ghost", "hash", null, false, 1);
                throw new SQLException("boom");
            }));
            assertTrue(db.read(c -> Users.byName(c, "ghost")).isEmpty());
        }
    }

    @Test
    void aWriteInsideAWriteIsRefusedRatherThanDeadlocking() throws Exception {
        try (Database db = database.open(dir)) {
            assertThrows(IllegalStateException.class, () -> db.write(c -> db.write(c2 -> 1)));
            int seven = db.write(c -> 7);
            assertEquals(7, seven, "writes go on afterwards");
        }
    }

    /**
     * The pattern every operation of fs/Drive follows: look, then insert if absent. From two nodes
     * at once, exactly one inserts, and the others see its row (they never fail for it).
     */
    @Test
    void checkThenInsertFromTwoNodesHasOneWinner() throws Exception {
        Map<String, String> settings = database.settings(dir, Map.of());
        String url = settings.getOrDefault("database-url", "jdbc:sqlite:" + dir.resolve("race.db"));
        try (Database a = Database.open(new Database.Settings(url, null, null, false));
             Database b = Database.open(new Database.Settings(url, null, null, false))) {
            long[] ids = a.write(c -> {
                User u = Users.insert(c, "r", "hash", null, false, 1);
                return new long[]{u.id(), Nodes.root(c, u.id()).orElseThrow().id()};
            });
            for (int round = 0; round < 5; round++) {
                String name = "folder" + round;
                List<Callable<Boolean>> racers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Database node = i % 2 == 0 ? a : b;
                    racers.add(() -> node.write(c -> {
                        if (Nodes.child(c, ids[1], name).isPresent()) {
                            return false;
                        }
                        Nodes.insertFolder(c, ids[0], ids[1], name, 1);
                        return true;
                    }));
                }
                int created = 0;
                for (Future<Boolean> f : all(racers)) {
                    created += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, created, name);
            }
        }
    }

    /** Read-modify-write of one counter from two nodes loses no update, and none fails. */
    @Test
    void concurrentUpdatesOfOneRowLoseNothing() throws Exception {
        Map<String, String> settings = database.settings(dir, Map.of());
        String url = settings.getOrDefault("database-url", "jdbc:sqlite:" + dir.resolve("counter.db"));
        try (Database a = Database.open(new Database.Settings(url, null, null, false));
             Database b = Database.open(new Database.Settings(url, null, null, false))) {
            long user = a.write(c -> Users.insert(c, "n", "hash", null, false, 1).id());
            List<Callable<Void>> writers = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                Database node = i % 2 == 0 ? a : b;
                writers.add(() -> node.write(c -> {
                    long used = Users.byId(c, user).orElseThrow().usedBytes();
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("UPDATE app_user SET used_bytes = " + (used + 1) + " WHERE id = " + user);
                    }
                    return null;
                }));
            }
            for (Future<Void> f : all(writers)) {
                f.get(120, TimeUnit.SECONDS);
            }
            long used = b.read(c -> Users.byId(c, user).orElseThrow().usedBytes());
            assertEquals(120, used);
        }
    }

    /**
     * Write transactions of two nodes take turns: while one is open on node A, one of node B waits,
     * and then sees what A committed.
     */
    @Test
    void writesOfTwoNodesTakeTurns() throws Exception {
        Map<String, String> settings = database.settings(dir, Map.of());
        String url = settings.getOrDefault("database-url", "jdbc:sqlite:" + dir.resolve("turns.db"));
        try (Database a = Database.open(new Database.Settings(url, null, null, false));
             Database b = Database.open(new Database.Settings(url, null, null, false))) {
            CountDownLatch open = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Long> first = pool.submit(() -> a.write(c -> {
                    long id = Users.insert(c, "first", "hash", null, false, 1).id();
                    open.countDown();
                    await(release);
                    return id;
                }));
                assertTrue(open.await(30, TimeUnit.SECONDS));
                Future<Boolean> second = pool.submit(() -> b.write(c -> Users.byName(c, "first").isPresent()));
                Thread.sleep(500);
                assertFalse(second.isDone(), "B's write waits while A's is open");
                release.countDown();
                first.get(30, TimeUnit.SECONDS);
                assertTrue(second.get(30, TimeUnit.SECONDS), "and then sees what A committed");
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
        }
    }

    private static void await(CountDownLatch latch) throws SQLException {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new SQLException(e);
        }
    }

    @Test
    void aJobIsClaimedByOneLiveNodeAndTakenOverFromADeadOne() throws Exception {
        try (Database db = database.open(dir)) {
            long t = 1_000_000;
            long timeout = 30_000;
            db.write(c -> {
                Cluster.register(c, "aaaaaaaa", null, "1", t);
                Cluster.register(c, "bbbbbbbb", null, "2", t);
                return null;
            });
            assertFalse(claim(db, "aaaaaaaa", t, t - timeout),
                    "a job first seen counts as just done");
            long later = t + 60_000;
            db.write(c -> {
                Cluster.heartbeat(c, "aaaaaaaa", "1", later);
                Cluster.heartbeat(c, "bbbbbbbb", "2", later);
                return null;
            });
            assertTrue(claim(db, "aaaaaaaa", later, later - timeout));
            assertFalse(claim(db, "bbbbbbbb", later, later - timeout),
                    "a live node holds it");
            long afterDeath = later + timeout + 1;
            db.write(c -> Cluster.heartbeat(c, "bbbbbbbb", "2", afterDeath));
            assertTrue(claim(db, "bbbbbbbb", afterDeath, afterDeath - timeout),
                    "the holder's heartbeat is older than the timeout: it died");
            db.write(c -> {
                Cluster.release(c, "collect", "bbbbbbbb", afterDeath);
                return null;
            });
            assertFalse(claim(db, "bbbbbbbb", afterDeath + 1, afterDeath + 1 - timeout), "done a moment ago: not due");
            boolean beat = db.write(c -> Cluster.heartbeat(c, "aaaaaaaa", "someone else", afterDeath));
            assertFalse(beat, "another incarnation cannot beat for a node");
        }
    }

    /** A snapshot is an SQLite file with every row, whatever the engine it was taken from. */
    @Test
    void aSnapshotIsAnSqliteCopyThatOpensAlone() throws Exception {
        Path copy = dir.resolve("snapshot.db");
        try (Database db = database.open(dir)) {
            db.write(c -> {
                User u = Users.insert(c, "s", "hash", 5L, false, 1);
                long root = Nodes.root(c, u.id()).orElseThrow().id();
                long folder = Nodes.insertFolder(c, u.id(), root, "later-parent", 2);
                long child = Nodes.insertFolder(c, u.id(), root, "child", 3);
                Nodes.move(c, folder, child, "later-parent");
                return null;
            });
            assertFalse(db.snapshotTo(copy, c -> false), "a condition that does not hold takes no snapshot");
            assertTrue(db.snapshotTo(copy, c -> true));
        }
        try (Database restored = Database.open(copy, false)) {
            assertEquals(5L, restored.read(c -> Users.byName(c, "s")).orElseThrow().quotaBytes());
            int nodes = restored.read(c -> {
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM node")) {
                    r.next();
                    return r.getInt(1);
                }
            });
            assertEquals(3, nodes, "root, and a folder moved under a folder made after it");
            assertEquals(List.of(), restored.read(c -> restored.dialect().integrityProblems(c)));
        }
    }

    /** Node {@code node} asks for the job "collect", done every minute, at {@code now}. */
    private static boolean claim(Database db, String node, long now, long deadBefore) throws SQLException {
        return db.write(c -> Cluster.claim(c, "collect", node, now, now - 60_000, deadBefore));
    }

    private static <T> List<Future<T>> all(List<Callable<T>> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            return futures;
        } finally {
            pool.shutdown();
        }
    }

    private static int versions(Database db) throws SQLException {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM schema_version")) {
                r.next();
                return r.getInt(1);
            }
        });
    }
}
