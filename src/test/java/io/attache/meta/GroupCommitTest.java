package io.attache.meta;

import io.attache.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrent write transactions commit together, and each still succeeds or fails alone. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class GroupCommitTest {

    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    @Test
    void aFailingTransactionInABatchLeavesTheOthersCommitted() throws Exception {
        try (Database db = database.open(dir)) {
            int writers = 40;
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    int n = i;
                    futures.add(pool.submit(() -> {
                        go.await();
                        return db.write(c -> {
                            Users.insert(c, "user" + n, "hash", null, false, 1);
                            if (n % 5 == 0) {
                                throw new SQLException("refused " + n);
                            }
                            return n;
                        });
                    }));
                }
                go.countDown();
                int failed = 0;
                for (int i = 0; i < writers; i++) {
                    try {
                        futures.get(i).get(30, TimeUnit.SECONDS);
                        assertTrue(i % 5 != 0);
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertTrue(e.getCause() instanceof SQLException && e.getCause().getMessage().equals("refused " + i));
                        failed++;
                    }
                }
                assertEquals(8, failed);
            } finally {
                pool.shutdownNow();
            }
            List<User> users = db.read(Users::all);
            assertEquals(32, users.size(), "every transaction that returned was committed, no failed one");
            assertTrue(users.stream().noneMatch(u -> Integer.parseInt(u.name().substring(4)) % 5 == 0));
        }
    }

    @Test
    void aWriteQueuedAfterAnUnwaitedOneSeesItAndAFailureReachesOnlyItsOwnFuture() throws Exception {
        try (Database db = database.open(dir)) {
            for (int round = 0; round < 200; round++) {
                String name = "queued" + round;
                java.util.concurrent.CompletableFuture<User> queued = db.queueRelaxed(c -> Users.insert(c, name, "hash", null,
                        false, 1));
                java.util.concurrent.CompletableFuture<Object> refused = db.queueRelaxed(c -> {
                    throw new SQLException("refused " + name);
                });
                // Queued after both without waiting for them: it runs after them and sees the first.
                boolean seen = db.write(c -> Users.byName(c, name).isPresent());
                assertTrue(seen, name + " is seen by a write queued after it");
                assertTrue(queued.isDone());
                java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> refused.get(10, TimeUnit.SECONDS));
                assertEquals("refused " + name, e.getCause().getMessage());
            }
            assertEquals(200, db.read(Users::all).size());
        }
    }

    @Test
    void aWriteInsideAWriteIsRefusedRatherThanDeadlocking() throws Exception {
        try (Database db = database.open(dir)) {
            assertThrows(IllegalStateException.class, () -> db.write(c -> db.write(c2 -> 1)));
            int seven = db.write(c -> 7);
            assertEquals(7, seven, "the committer carries on");
        }
    }

    @Test
    void anErrorOnTheCommitThreadIsReportedAndNobodyWaitsForever() throws Exception {
        List<String> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Database db = Database.open(dir.resolve("e.db"), false,
                (thread, error) -> reported.add(thread.getName() + ": " + error.getMessage()))) {
            Error thrown = assertThrows(Error.class, () -> db.write(c -> {
                Users.insert(c, "doomed", "hash", null, false, 1);
                throw new StackOverflowError("broken while committing");
            }));
            assertEquals("broken while committing", thrown.getMessage(), "the writer learns of it");
            assertEquals(List.of("attache-commit: broken while committing"), reported, "the process is told");
            assertTrue(db.read(c -> Users.byName(c, "doomed")).isEmpty(), "the batch was rolled back");
            assertEquals("alive", db.write(c -> Users.insert(c, "later", "hash", null, false, 1) != null ? "alive" : "?"),
                    "a process told to go on still commits");
        }
    }
}
