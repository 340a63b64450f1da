package io.attache.meta;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metadata database on a PostgreSQL server, shared by every node of a cluster.
 *
 * <p>Write transactions run at SERIALIZABLE isolation, so that they keep the guarantee the code
 * was written for on SQLite, where a single writer runs them one after another: a transaction
 * that checks a name is free and then inserts it cannot interleave with another doing the same,
 * on this node or any other. PostgreSQL keeps that promise by failing one of two transactions
 * that could not have run in some serial order (SQLSTATE 40001, or 40P01 for a deadlock); the
 * failed one left nothing behind and simply runs again, after a short random pause. One that
 * loses {@link #ATTEMPTS} races in a row runs alone: every write transaction holds a shared
 * advisory lock, which it takes exclusively, so a write always ends. Writes of one user also
 * queue behind a session advisory lock of that user, taken before their transaction begins: they
 * all update the user's row (usage, change counter), which would otherwise make every concurrent
 * pair of them collide. Session locks, taken before the transaction's snapshot, so that a writer
 * that waited for another sees what it committed.
 *
 * <p>Reads run at REPEATABLE READ, read only: one snapshot per read transaction, as on SQLite.
 * PostgreSQL shares the cost of flushing commits between concurrent transactions itself
 * ({@code commit_delay}), so there is no group committer here.
 */
final class PostgresDatabase extends Database {

    private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
    /** Attempts of one write transaction beside the others before it runs alone. */
    static final int ATTEMPTS = 8;
    /**
     * The advisory lock every write transaction holds shared, and one that lost too many races
     * holds alone. User ids (the keys of the users' locks) are small positive numbers.
     */
    private static final long WRITERS = 0x4174746163686502L;
    private static final long MAX_PAUSE_MILLIS = 200;
    private static final int POOL_SIZE = 10;

    private final Settings settings;
    private final HikariDataSource writers;
    private final HikariDataSource readers;
    private final ThreadLocal<Boolean> writing = ThreadLocal.withInitial(() -> false);
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong ranAlone = new AtomicLong();

    PostgresDatabase(Settings settings) {
        this.settings = settings;
        this.writers = pool(settings, "attache-pg-write", false);
        this.readers = pool(settings, "attache-pg-read", true);
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public <T> T write(Work<T> work) throws SQLException {
        return write(work, false, null);
    }

    @Override
    public <T> T write(long user, Work<T> work) throws SQLException {
        return write(work, false, user);
    }

    @Override
    public <T> T writeRelaxed(Work<T> work) throws SQLException {
        return write(work, true, null);
    }

    private <T> T write(Work<T> work, boolean relaxed, Long user) throws SQLException {
        if (writing.get()) {
            throw new IllegalStateException("a write transaction may not start another one");
        }
        writing.set(true);
        writes.incrementAndGet();
        try (Connection c = writers.getConnection()) {
            Done<T> done = together(c, work, relaxed, user);
            return done != null ? done.value() : alone(c, work, relaxed);
        } finally {
            writing.set(false);
        }
    }

    /** The result of a transaction that committed (which may be null). */
    private record Done<T>(T value) {
    }

    /**
     * Runs {@code work} beside the other writers, up to {@link #ATTEMPTS} times.
     *
     * @return its result, or null when it lost every race
     */
    private <T> Done<T> together(Connection c, Work<T> work, boolean relaxed, Long user) throws SQLException {
        if (user == null) {
            lock(c, "SELECT pg_advisory_lock_shared(?)", WRITERS);
        } else {
            lock(c, "SELECT pg_advisory_lock_shared(?), pg_advisory_lock(?)", WRITERS, user);
        }
        try {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                try {
                    return new Done<>(transaction(c, work, relaxed));
                } catch (SQLException e) {
                    if (!dialect().isRetryable(e)) {
                        throw e;
                    }
                    retries.incrementAndGet();
                    if (attempt < ATTEMPTS) {
                        pause(attempt);
                    }
                }
            }
            return null;
        } finally {
            if (user == null) {
                unlock(c, "SELECT pg_advisory_unlock_shared(?)", WRITERS);
            } else {
                unlock(c, "SELECT pg_advisory_unlock(?), pg_advisory_unlock_shared(?)", user, WRITERS);
            }
        }
    }

    /**
     * Runs {@code work} with no other write transaction anywhere, after it lost {@link #ATTEMPTS}
     * races in a row (to a row that every concurrent commit updates, say): it waits for the
     * writers under way, the next ones wait for it, and alone it cannot lose. It holds no other
     * lock while it waits, so it never waits for someone who waits for it.
     */
    private <T> T alone(Connection c, Work<T> work, boolean relaxed) throws SQLException {
        ranAlone.incrementAndGet();
        lock(c, "SELECT pg_advisory_lock(?)", WRITERS);
        try {
            return transaction(c, work, relaxed);
        } finally {
            unlock(c, "SELECT pg_advisory_unlock(?)", WRITERS);
        }
    }

    private static <T> T transaction(Connection c, Work<T> work, boolean relaxed) throws SQLException {
        return inTransaction(c, tx -> {
            if (relaxed) {
                try (Statement s = tx.createStatement()) {
                    s.execute("SET LOCAL synchronous_commit TO OFF");
                }
            }
            return work.run(tx);
        });
    }

    /** A random pause, growing with the attempts, so that two colliding transactions drift apart. */
    private static void pause(int attempt) throws SQLException {
        long ceiling = Math.min(MAX_PAUSE_MILLIS, 1L << Math.min(attempt, 8));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting to run a transaction again", e);
        }
    }

    private static void lock(Connection c, String sql, long... keys) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < keys.length; i++) {
                p.setLong(i + 1, keys[i]);
            }
            p.executeQuery().close();
        }
    }

    /**
     * Gives session locks back. The transaction has committed or rolled back by now, so a
     * failure here must not become the caller's; the connection is dropped instead, and its
     * session's locks with it.
     */
    private void unlock(Connection c, String sql, long... keys) {
        try {
            lock(c, sql, keys);
        } catch (SQLException e) {
            log.warn("Cannot release a write lock; dropping the connection: {}", e.getMessage());
            writers.evictConnection(c);
        }
    }

    /** The key of the advisory lock under which one node at a time migrates the schema. */
    private static final long MIGRATION_LOCK = 0x4174746163686501L;

    /** Runs {@code action} holding the migration lock, waiting for another node that holds it. */
    <T> T underMigrationLock(Work<T> action) throws SQLException {
        try (Connection c = writers.getConnection()) {
            lock(c, "SELECT pg_advisory_lock(?)", MIGRATION_LOCK);
            try {
                return action.run(c);
            } finally {
                unlock(c, "SELECT pg_advisory_unlock(?)", MIGRATION_LOCK);
            }
        }
    }

    @Override
    public <T> T read(Work<T> work) throws SQLException {
        try (Connection c = readers.getConnection()) {
            return inTransaction(c, work);
        }
    }

    /**
     * Copies the database into a new SQLite file, within one read transaction: the copy is the
     * state of one moment, and the condition is checked in that same state, whatever the other
     * nodes commit meanwhile. A restore from it starts a single SQLite node, or is copied back
     * into an empty PostgreSQL database (see app's migrate-db).
     */
    @Override
    public boolean snapshotTo(Path target, Work<Boolean> condition) throws SQLException {
        if (java.nio.file.Files.exists(target)) {
            throw new SQLException("the snapshot " + target + " exists already");
        }
        return read(c -> {
            if (!condition.run(c)) {
                return false;
            }
            try (Database copy = Database.open(target, false)) {
                copy.write(to -> {
                    TableCopy.copy(c, to, Dialect.SQLITE, TableCopy.NODE_LOCAL);
                    Snapshots.detachFromCluster(to, System.currentTimeMillis());
                    return null;
                });
            }
            return true;
        });
    }

    private static HikariDataSource pool(Settings settings, String name, boolean readOnly) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(settings.url());
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(30_000);
        config.setReadOnly(readOnly);
        config.setTransactionIsolation(readOnly ? "TRANSACTION_REPEATABLE_READ" : "TRANSACTION_SERIALIZABLE");
        config.addDataSourceProperty("ApplicationName", "attache");
        // Without durable commits, a crash of the database server (not of Attaché) may lose the
        // last moments of commits, as a power loss may with SQLite.
        if (!settings.durable()) {
            config.setConnectionInitSql("SET synchronous_commit TO OFF");
        }
        // Fail at start-up, with the server's own message, when the database cannot be reached.
        config.setInitializationFailTimeout(10_000);
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        if (writes.get() > 0) {
            log.info("{} write transactions, {} runs again after losing a race ({} per thousand), {} run alone",
                    writes.get(), retries.get(), retries.get() * 1000 / writes.get(), ranAlone.get());
        }
        readers.close();
        writers.close();
    }
}
