package io.attache.meta;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The metadata database: one SQLite file in WAL mode behind two HikariCP pools. All writes go
 * through a pool of one connection whose transactions begin IMMEDIATE, driven by one committer
 * thread that commits concurrent writes together, so writers queue in this process instead of
 * failing with SQLITE_BUSY, and another process (the CLI while the server runs) waits up to the
 * busy timeout. Reads use their own pool and see the last committed state.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final int BUSY_TIMEOUT_MS = 10_000;

    private final Path file;
    private final HikariDataSource writer;
    private final HikariDataSource readers;
    private final GroupCommitter committer;

    private Database(Path file, boolean durable, int readConnections) {
        this.file = file;
        this.writer = pool(file, "attache-write", 1, SQLiteConfig.TransactionMode.IMMEDIATE, durable);
        this.readers = pool(file, "attache-read", readConnections, SQLiteConfig.TransactionMode.DEFERRED, durable);
        this.committer = new GroupCommitter(writer, durable);
    }

    /**
     * Opens (creating if needed) the database and brings its schema up to date.
     *
     * @param durable true for {@code synchronous=FULL}: a committed transaction survives a power
     *                loss, not only a crash of the process
     */
    public static Database open(Path file, boolean durable) throws SQLException {
        Database db = new Database(file, durable, 4);
        try {
            int applied = Migrations.migrate(db);
            if (applied > 0) {
                log.info("Database {} migrated to schema version {}", file, Migrations.latestVersion());
            }
            return db;
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Reports both connection pools to a metrics registry (HikariCP's own tracker; a Micrometer
     * {@code MeterRegistry} or a Dropwizard {@code MetricRegistry}). Once per database.
     */
    public void recordMetricsIn(Object registry) {
        writer.setMetricRegistry(registry);
        readers.setMetricRegistry(registry);
    }

    public Path file() {
        return file;
    }

    /**
     * Runs {@code work} in one write transaction: committed when it returns, rolled back when it
     * throws. Concurrent writes commit together (see {@link GroupCommitter}); {@code work} must
     * not start another write.
     */
    public <T> T write(Work<T> work) throws SQLException {
        return committer.submit(work, false);
    }

    /**
     * Like {@link #write}, but the commit is not flushed to disk at once: it survives a crash of the
     * process, and a power loss may drop it. For records that something else can rebuild.
     */
    public <T> T writeRelaxed(Work<T> work) throws SQLException {
        return committer.submit(work, true);
    }

    /** Runs {@code work} in one read transaction: it sees one consistent snapshot. */
    public <T> T read(Work<T> work) throws SQLException {
        return inTransaction(readers, work);
    }

    /**
     * Writes a consistent copy of the whole database to {@code target} (SQLite's VACUUM INTO),
     * while other connections go on reading and writing.
     */
    public void snapshotTo(Path target) throws SQLException {
        try (Connection c = readers.getConnection(); java.sql.PreparedStatement p = c.prepareStatement("VACUUM INTO ?")) {
            p.setString(1, target.toAbsolutePath().toString());
            p.execute();
        }
    }

    private static <T> T inTransaction(HikariDataSource pool, Work<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return inTransaction(StatementCache.wrap(c), work);
        }
    }

    static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (Throwable t) {
            rollbackQuietly(c, t);
            throw t;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static HikariDataSource pool(Path file, String name, int size,
                                         SQLiteConfig.TransactionMode mode, boolean durable) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(durable ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
        sqlite.setTransactionMode(mode);
        SQLiteDataSource source = new SQLiteDataSource(sqlite);
        source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());

        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setDataSource(source);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(30_000);
        // SQLite connections do not go stale; keep them for the life of the server.
        config.setMaxLifetime(0);
        config.setIdleTimeout(0);
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        committer.close();
        readers.close();
        writer.close();
    }

    /** Work in a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }
}
