package io.attache.meta;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit: the write transactions of concurrent requests run one after another on the single
 * write connection, inside one database transaction, each in its own savepoint, and commit together
 * with one flush to disk. A transaction that fails is rolled back to its savepoint alone; the
 * others commit. Alone, a transaction commits as it would on its own, so a single client waits
 * no longer, and many clients share the cost of the fsync instead of queueing for one each.
 */
final class GroupCommitter implements AutoCloseable {

    /**
     * What an engine does around each batch (see {@link SqliteDatabase}, {@link PostgresDatabase}),
     * on the pool's own connection.
     */
    interface Batch {
        /** Before the batch's transaction begins. {@code relaxed}: no transaction in it needs a flush. */
        void before(Connection c, boolean relaxed) throws SQLException;

        /** First thing inside the batch's transaction. */
        default void begun(Connection c, boolean relaxed) throws SQLException {
        }

        /** After it committed or rolled back; must not throw. */
        void after(Connection c, boolean relaxed);
    }

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
    private static final int MAX_BATCH = 64;

    private final HikariDataSource writer;
    private final Batch hooks;
    private final boolean durable;
    private final Thread.UncaughtExceptionHandler onError;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /** One transaction waiting for its turn. */
    private record Pending<T>(Database.Work<T> work, boolean relaxed, CompletableFuture<T> result) {
        @SuppressWarnings("unchecked")
        void succeed(Object value) {
            result.complete((T) value);
        }
    }

    /**
     * @param onError told of an {@link Error} that broke a batch: the server cannot trust its
     *                state after one and decides whether to go on (see app/FatalErrors)
     */
    GroupCommitter(HikariDataSource writer, boolean durable, Batch hooks, Thread.UncaughtExceptionHandler onError) {
        this.writer = writer;
        this.hooks = hooks;
        this.durable = durable;
        this.onError = onError;
        this.thread = new Thread(this::run, "attache-commit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Runs {@code work} in a write transaction and returns once it is committed.
     *
     * @param relaxed the commit need not be flushed at once (a batch of only relaxed work is not)
     */
    <T> T submit(Database.Work<T> work, boolean relaxed) throws SQLException {
        CompletableFuture<T> result = enqueue(work, relaxed);
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a commit", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            } else if (cause instanceof RuntimeException runtime) {
                throw runtime;
            } else if (cause instanceof Error error) {
                throw error;
            }
            throw new SQLException(cause);
        }
    }

    /**
     * Queues {@code work} and returns at once. Transactions run in the order they were queued, so
     * any transaction queued after this returns (by any thread) runs after it, in the same batch or
     * a later one, and sees what it wrote.
     */
    <T> CompletableFuture<T> enqueue(Database.Work<T> work, boolean relaxed) throws SQLException {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("a write transaction may not start another one");
        }
        if (closed || !thread.isAlive()) {
            throw new SQLException(closed ? "the database is closed" : "the commit thread has stopped");
        }
        Pending<T> pending = new Pending<>(work, relaxed, new CompletableFuture<>());
        queue.add(pending);
        return pending.result();
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (!closed || !queue.isEmpty()) {
                try {
                    Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    commit(batch);
                } catch (InterruptedException e) {
                    if (closed) {
                        break;
                    }
                } catch (RuntimeException e) {
                    log.error("The commit thread failed; the batch is refused", e);
                    fail(batch, e);
                } catch (Error e) {
                    // The process decides first (a server stops), then the batch learns it failed.
                    onError.uncaughtException(thread, e);
                    fail(batch, e);
                } finally {
                    batch.clear();
                }
            }
        } finally {
            // Also when something broke the thread itself: nobody may wait for it forever.
            fail(new ArrayList<>(queue), new SQLException("the database is closed"));
        }
    }

    private void commit(List<Pending<?>> batch) {
        boolean relaxed = durable && batch.stream().allMatch(Pending::relaxed);
        List<Object> results = new ArrayList<>(batch.size());
        try (Connection pooled = writer.getConnection()) {
            Connection c = StatementCache.wrap(pooled);
            hooks.before(pooled, relaxed);
            try {
                c.setAutoCommit(false);
                try {
                    hooks.begun(pooled, relaxed);
                    if (batch.size() == 1) {
                        // Alone it needs no savepoint: two round trips fewer on a database server.
                        results.add(runAlone(c, batch.get(0)));
                    } else {
                        for (Pending<?> pending : batch) {
                            results.add(runInSavepoint(c, pending));
                        }
                    }
                    if (results.size() == 1 && results.get(0) instanceof Failed) {
                        c.rollback();
                    } else {
                        c.commit();
                    }
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c, e);
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } finally {
                hooks.after(pooled, relaxed);
            }
        } catch (SQLException | RuntimeException e) {
            fail(batch, e);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Object result = results.get(i);
            if (result instanceof Failed failed) {
                batch.get(i).result().completeExceptionally(failed.cause());
            } else {
                batch.get(i).succeed(result);
            }
        }
    }

    /** A transaction that failed inside the batch; its savepoint was rolled back. */
    private record Failed(Throwable cause) {
    }

    private static Object runAlone(Connection c, Pending<?> pending) {
        try {
            return pending.work().run(c);
        } catch (SQLException | RuntimeException e) {
            return new Failed(e);
        }
    }

    /**
     * Runs one transaction of a batch in a savepoint of its own. The savepoints are plain SQL with
     * one fixed name (they never nest), so their statements stay prepared; the driver's
     * {@code setSavepoint} formats a fresh name and a fresh statement each time.
     */
    private static Object runInSavepoint(Connection c, Pending<?> pending) throws SQLException {
        execute(c, "SAVEPOINT attache_batch_item");
        try {
            Object result = pending.work().run(c);
            execute(c, "RELEASE SAVEPOINT attache_batch_item");
            return result;
        } catch (SQLException | RuntimeException e) {
            execute(c, "ROLLBACK TO SAVEPOINT attache_batch_item");
            execute(c, "RELEASE SAVEPOINT attache_batch_item");
            return new Failed(e);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.execute();
        }
    }

    private static void fail(List<Pending<?>> batch, Throwable cause) {
        for (Pending<?> pending : batch) {
            pending.result().completeExceptionally(cause);
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
