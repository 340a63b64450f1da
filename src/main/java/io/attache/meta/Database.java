package io.attache.meta;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

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

    private Database(Path file, boolean durable, int readConnections, Thread.UncaughtExceptionHandler onError) {
        this.file = file;
        this.writer = pool(file, "attache-write", 1, SQLiteConfig.TransactionMode.IMMEDIATE, durable);
        this.readers = pool(file, "attache-read", readConnections, SQLiteConfig.TransactionMode.DEFERRED, durable);
        this.committer = new GroupCommitter(writer, durable, onError);
    }

    /**
     * Opens (creating if needed) the database and brings its schema up to date.
     *
     * @param durable true for {@code synchronous=FULL}: a committed transaction survives a power
     *                loss, not only a crash of the process
     */
    public static Database open(Path file, boolean durable) throws SQLException {
        return open(file, durable, (thread, error) -> log.error("{} failed with {}", thread.getName(), error.toString(), error));
    }

    /**
     * As {@link #open(Path, boolean)}; {@code onError} is told when an {@link Error} breaks the
     * commit thread's work, and decides whether the process goes on.
     */
    public static Database open(Path file, boolean durable, Thread.UncaughtExceptionHandler onError) throws SQLException {
        ownerOnly(file);
        Database db;
        try {
            db = new Database(file, durable, 4, onError);
        } catch (RuntimeException e) {
            throw openFailure(file, e);
        }
        try {
            int applied = Migrations.migrate(db);
            if (applied > 0) {
                log.info("Database {} migrated to schema version {}", file, Migrations.latestVersion());
            }
            return db;
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw openFailure(file, e);
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

    /**
     * Creates the database file readable by its owner only, before SQLite does (SQLite would
     * create it world-readable, and gives its -wal and -shm files the database file's mode).
     * An existing file that others can read is tightened.
     */
    static void ownerOnly(Path file) throws SQLException {
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
        try {
            if (!Files.exists(file)) {
                if (file.getParent() != null && Files.isDirectory(file.getParent())) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(owner));
                }
                return;
            }
            for (Path f : List.of(file, file.resolveSibling(file.getFileName() + "-wal"),
                    file.resolveSibling(file.getFileName() + "-shm"))) {
                if (Files.exists(f) && !Files.getPosixFilePermissions(f).equals(owner)) {
                    Files.setPosixFilePermissions(f, owner);
                    log.info("Made {} readable by its owner only", f);
                }
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own rules apply
        } catch (IOException e) {
            throw new SQLException("cannot open the database " + file + ": " + e, e);
        }
    }

    /**
     * Makes {@code file} complete on its own: everything committed in its write-ahead log is
     * copied into it (SQLite's checkpoint), so that the file can be moved or copied without its
     * -wal. Refuses when another connection (a running server or command) is using it.
     */
    public static void checkpoint(Path file) throws SQLException {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
        try (Connection c = sqlite.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            if (r.next() && r.getInt(1) != 0) {
                throw new SQLException("cannot checkpoint " + file + ": another process is using it");
            }
        } catch (SQLException e) {
            throw openFailure(file, e);
        }
    }

    /** An error opening {@code file}, saying which file and why in words rather than an SQLite code. */
    private static SQLException openFailure(Path file, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException sqlite) {
                return new SQLException("cannot open the database " + file + ": " + reason(file, sqlite), e);
            }
        }
        if (e instanceof SQLException sql) {
            return sql;
        }
        return new SQLException("cannot open the database " + file + ": " + e.getMessage(), e);
    }

    private static String reason(Path file, SQLiteException e) {
        return switch (e.getResultCode().code & 0xff) {
            case 3, 23 -> "permission denied";
            case 5, 6 -> "it is locked by another process";
            case 8 -> "it or its folder is read-only (permission denied or a read-only file system)";
            case 10 -> "input/output error (" + e.getMessage() + ")";
            case 11 -> "the file is damaged (" + e.getMessage() + ")";
            case 13 -> "the disk is full";
            case 14 -> Files.isDirectory(file) ? "it is a directory"
                    : file.getParent() != null && !Files.isDirectory(file.getParent()) ? "its folder does not exist"
                    : "permission denied, or the file or its folder cannot be written";
            case 26 -> "it is not an SQLite database";
            default -> e.getMessage();
        };
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
