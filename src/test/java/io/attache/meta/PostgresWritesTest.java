package io.attache.meta;

import io.attache.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** How write transactions on PostgreSQL end when they lose races: again, then alone. */
class PostgresWritesTest {

    /**
     * A transaction whose row another session changes under it on every attempt loses each race;
     * after {@link PostgresDatabase#ATTEMPTS} it runs alone, once more, and commits. Meanwhile a
     * write on another thread waits for it rather than running beside it.
     */
    @Test
    void aTransactionThatKeepsLosingRunsAloneAndCommits() throws Exception {
        String url = TestDatabase.freshSchema();
        try (Database db = Database.open(new Database.Settings(url, null, null, false));
             Connection other = DriverManager.getConnection(url)) {
            long user = db.write(c -> Users.insert(c, "hot", "hash", null, 1).id());
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch aloneStarted = new CountDownLatch(1);
            CountDownLatch neighbourTried = new CountDownLatch(1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> neighbour = pool.submit(() -> {
                    aloneStarted.await();
                    neighbourTried.countDown();
                    return db.write(c -> 1);
                });
                long used = db.write(c -> {
                    int run = runs.incrementAndGet();
                    long before = Users.byId(c, user).orElseThrow().usedBytes();
                    if (run <= PostgresDatabase.ATTEMPTS) {
                        try (Statement s = other.createStatement()) {
                            s.executeUpdate("UPDATE app_user SET used_bytes = used_bytes + 1000 WHERE id = " + user);
                        }
                    } else {
                        aloneStarted.countDown();
                        pause(neighbourTried);
                        assertFalse(neighbour.isDone(), "no other write runs beside a transaction running alone");
                    }
                    Users.addUsedBytes(c, user, 1);
                    return before + 1;
                });
                assertEquals(PostgresDatabase.ATTEMPTS + 1, runs.get());
                assertEquals(PostgresDatabase.ATTEMPTS * 1000L + 1, used);
                assertEquals(1, neighbour.get(30, TimeUnit.SECONDS), "and it runs once the lone one committed");
                long stored = db.read(c -> Users.byId(c, user).orElseThrow().usedBytes());
                assertEquals(used, stored);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Waits until the other thread has asked to write, and a moment more for its write to start if it could. */
    private static void pause(CountDownLatch asked) throws java.sql.SQLException {
        try {
            asked.await(10, TimeUnit.SECONDS);
            Thread.sleep(300);
        } catch (InterruptedException e) {
            throw new java.sql.SQLException(e);
        }
    }
}
