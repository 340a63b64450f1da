package io.attache.meta;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metadata database on a PostgreSQL server, shared by every node of a cluster.
 *
 * <p>Write transactions run one at a time across the cluster, as they run one at a time on
 * SQLite, so the code keeps the guarantee it was written for: a transaction that checks a name is
 * free and then inserts it cannot interleave with another doing the same, on this node or any
 * other. Each node batches its concurrent writes as on SQLite ({@link GroupCommitter}: one
 * transaction, a savepoint each, one commit and one WAL flush for the lot), and a batch runs only
 * while its node holds one session advisory lock, taken before the transaction begins (so the
 * batch sees everything the one before it committed) and given back after the commit. Nodes take
 * turns in the order they asked.
 *
 * <p>Why not many concurrent SERIALIZABLE transactions that run again when they lose? Measured
 * (bench/cluster), they lose nearly always here: PostgreSQL tracks what a serializable
 * transaction read by index page, and every commit reads and writes the same few pages of small,
 * busy tables (the pending blobs a write turns into its version, the delete queue, the packs
 * shared by many files). Two concurrent commits of different users conflicted more often than
 * not, so they ran one after another anyway, with the work of the losers wasted. A batch still
 * runs at SERIALIZABLE: should anything ever write beside the lock, PostgreSQL refuses an outcome
 * no serial order explains instead of committing it.
 *
 * <p>Reads run beside everything, at REPEATABLE READ, read only: one snapshot per read
 * transaction, as on SQLite.
 */
final class PostgresDatabase extends Database {

    private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
    /** The advisory lock a node holds while its batch of write transactions runs. */
    private static final long WRITERS = 0x4174746163686502L;
    /** The advisory lock under which one node at a time migrates the schema. */
    private static final long MIGRATION = 0x4174746163686501L;
    private static final int READ_CONNECTIONS = 10;
    /**
     * A node that dies in the middle of a batch (its machine gone, no connection closed) would
     * hold the writers' lock until its session ends: the server ends a writer's session that sits
     * idle in an open transaction this long. A batch takes milliseconds.
     */
    static final String WRITER_IDLE = "30s";
    /** The same for readers; a metadata snapshot keeps its read transaction open while it writes the copy. */
    static final String READER_IDLE = "10min";

    private final Settings settings;
    private final HikariDataSource writer;
    private final HikariDataSource readers;
    private final GroupCommitter committer;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong waitNanos = new AtomicLong();

    PostgresDatabase(Settings settings, Thread.UncaughtExceptionHandler onError) {
        this.settings = settings;
        // One connection for the committer, one for the migration lock's holder.
        this.writer = pool(settings, "attache-pg-write", 2, false);
        this.readers = pool(settings, "attache-pg-read", READ_CONNECTIONS, true);
        this.committer = new GroupCommitter(writer, settings.durable(), new GroupCommitter.Batch() {
            @Override
            public void before(Connection c, boolean relaxed) throws SQLException {
                long start = System.nanoTime();
                lock(c, "SELECT pg_advisory_lock(?)", WRITERS);
                waitNanos.addAndGet(System.nanoTime() - start);
                batches.incrementAndGet();
            }

            @Override
            public void begun(Connection c, boolean relaxed) throws SQLException {
                if (relaxed) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET LOCAL synchronous_commit TO OFF");
                    }
                }
            }

            @Override
            public void after(Connection c, boolean relaxed) {
                unlock(c, "SELECT pg_advisory_unlock(?)", WRITERS);
            }
        }, onError);
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    @Override
    public void recordMetricsIn(Object registry) {
        writer.setMetricRegistry(registry);
        readers.setMetricRegistry(registry);
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    GroupCommitter committer() {
        return committer;
    }

    private static void lock(Connection c, String sql, long key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, key);
            p.executeQuery().close();
        }
    }

    /**
     * Gives a session lock back. The transaction has committed or rolled back by now, so a
     * failure here must not become the callers'; the connection is dropped instead, and its
     * session's locks with it.
     */
    private void unlock(Connection c, String sql, long key) {
        try {
            lock(c, sql, key);
        } catch (SQLException e) {
            log.warn("Cannot give back an advisory lock; dropping the connection: {}", e.getMessage());
            writer.evictConnection(c);
        }
    }

    /** Runs {@code action} holding the migration lock, waiting for another node that holds it. */
    <T> T underMigrationLock(Work<T> action) throws SQLException {
        try (Connection c = writer.getConnection()) {
            lock(c, "SELECT pg_advisory_lock(?)", MIGRATION);
            try {
                return action.run(c);
            } finally {
                unlock(c, "SELECT pg_advisory_unlock(?)", MIGRATION);
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
        // As VACUUM INTO on SQLite: the target is new, or an empty file made owner-only beforehand.
        try {
            if (java.nio.file.Files.exists(target) && java.nio.file.Files.size(target) > 0) {
                throw new SQLException("the snapshot " + target + " exists already");
            }
        } catch (java.io.IOException e) {
            throw new SQLException("cannot check the snapshot's file " + target + ": " + e.getMessage(), e);
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
            } catch (SQLException | RuntimeException e) {
                // A half-written snapshot is no snapshot: the next attempt starts from nothing.
                for (String suffix : new String[]{"-wal", "-shm", "-journal"}) {
                    try {
                        java.nio.file.Files.deleteIfExists(Path.of(target + suffix));
                    } catch (java.io.IOException ignored) {
                        // the caller deletes the snapshot's directory entry; these go with the next attempt
                    }
                }
                truncate(target);
                throw e;
            }
            return true;
        });
    }

    /** Warns when names would not sort by their bytes, as SQLite sorts them (listings page by name). */
    void checkCollation() throws SQLException {
        String collation = read(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT datcollate FROM pg_database WHERE datname = current_database()")) {
                return r.next() ? r.getString(1) : "C";
            }
        });
        if (!collation.equals("C") && !collation.equals("POSIX")) {
            log.warn("Database {} sorts text by collation '{}': listings work, but are slower and ordered "
                    + "differently than on SQLite; create it with LC_COLLATE 'C' (see README)", describe(), collation);
        }
    }

    private static HikariDataSource pool(Settings settings, String name, int size, boolean readOnly) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(settings.url());
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(30_000);
        config.setReadOnly(readOnly);
        config.setTransactionIsolation(readOnly ? "TRANSACTION_REPEATABLE_READ" : "TRANSACTION_SERIALIZABLE");
        config.addDataSourceProperty("ApplicationName", "attache");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // Without durable commits, a crash of the database server (not of Attaché) may lose the
        // last moments of commits, as a power loss may with SQLite.
        config.setConnectionInitSql("SET idle_in_transaction_session_timeout = '" + (readOnly ? READER_IDLE : WRITER_IDLE)
                + "'" + (settings.durable() ? "" : "; SET synchronous_commit TO OFF"));
        // Fail at start-up, with the server's own message, when the database cannot be reached.
        config.setInitializationFailTimeout(10_000);
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        committer.close();
        if (batches.get() > 0) {
            log.info("{} batches of write transactions; {} ms waiting for the other nodes' batches in all", batches.get(),
                    waitNanos.get() / 1_000_000);
        }
        readers.close();
        writer.close();
    }

    private static void truncate(Path file) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(0);
        } catch (java.io.IOException ignored) {
            // the next attempt reports "exists already" with the path
        }
    }
}
