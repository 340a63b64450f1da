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
 * failed one left nothing behind and simply runs again, after a short random pause, a bounded
 * number of times. Writes of one user additionally queue behind a session advisory lock taken
 * before their transaction begins: they all update the user's row (usage, change counter), which
 * would otherwise make every concurrent pair of them collide and one run again.
 *
 * <p>Reads run at REPEATABLE READ, read only: one snapshot per read transaction, as on SQLite.
 * PostgreSQL shares the cost of flushing commits between concurrent transactions itself
 * ({@code commit_delay}), so there is no group committer here.
 */
final class PostgresDatabase extends Database {

    private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
    /** Attempts of one write transaction before its serialization failure is the caller's. */
    static final int ATTEMPTS = 25;
    private static final long MAX_PAUSE_MILLIS = 200;
    private static final int POOL_SIZE = 10;

    private final Settings settings;
    private final HikariDataSource writers;
    private final HikariDataSource readers;
    private final ThreadLocal<Boolean> writing = ThreadLocal.withInitial(() -> false);
    private final AtomicLong retries = new AtomicLong();

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

    /** Write transactions that ran again after losing a race, since the start (for benchmarks). */
    long retries() {
        return retries.get();
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
        try (Connection c = writers.getConnection()) {
            if (user != null) {
                advisory(c, "SELECT pg_advisory_lock(?)", user);
            }
            try {
                return attempts(c, work, relaxed);
            } finally {
                if (user != null) {
                    unlock(c, user);
                }
            }
        } finally {
            writing.set(false);
        }
    }

    private <T> T attempts(Connection c, Work<T> work, boolean relaxed) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(c, tx -> {
                    if (relaxed) {
                        try (Statement s = tx.createStatement()) {
                            s.execute("SET LOCAL synchronous_commit TO OFF");
                        }
                    }
                    return work.run(tx);
                });
            } catch (SQLException e) {
                if (!dialect().isRetryable(e) || attempt >= ATTEMPTS) {
                    if (attempt >= ATTEMPTS) {
                        log.warn("A write transaction lost {} races in a row; giving up: {}", attempt, e.getMessage());
                    }
                    throw e;
                }
                retries.incrementAndGet();
                pause(attempt);
            }
        }
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

    /**
     * Gives the user's lock back. The transaction has committed or rolled back by now, so a
     * failure here must not become the caller's; the connection is dropped instead, and its
     * session's locks with it.
     */
    private void unlock(Connection c, long user) {
        try {
            advisory(c, "SELECT pg_advisory_unlock(?)", user);
        } catch (SQLException e) {
            log.warn("Cannot release the write lock of user {}; dropping the connection: {}", user, e.getMessage());
            writers.evictConnection(c);
        }
    }

    private static void advisory(Connection c, String sql, long key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, key);
            p.executeQuery().close();
        }
    }

    /** The key of the advisory lock under which one node at a time migrates the schema. */
    private static final long MIGRATION_LOCK = 0x4174746163686501L;

    /** Runs {@code action} holding the migration lock, waiting for another node that holds it. */
    <T> T underMigrationLock(Work<T> action) throws SQLException {
        try (Connection c = writers.getConnection()) {
            advisory(c, "SELECT pg_advisory_lock(?)", MIGRATION_LOCK);
            try {
                return action.run(c);
            } finally {
                advisory(c, "SELECT pg_advisory_unlock(?)", MIGRATION_LOCK);
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
        readers.close();
        writers.close();
    }
}
