package io.attache.meta;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Set;

/**
 * The metadata database, as the rest of Attaché sees it: transactions that read one consistent
 * state, and write transactions that run one after another. Two engines give that: SQLite in the
 * data directory (one node, see {@link SqliteDatabase}) and PostgreSQL (several nodes taking
 * turns, see {@link PostgresDatabase}). Code above this class cannot tell them apart, which is
 * the point: a check-then-insert in a write transaction is safe on both.
 */
public abstract class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    static final int BUSY_TIMEOUT_MS = 10_000;

    /** Where the database is and who connects; {@code password} may be null. */
    public record Settings(String url, String user, String password, boolean durable) {
        public Dialect dialect() {
            return Dialect.of(url);
        }

        /** The URL without credentials, for messages. */
        public String describe() {
            return url.replaceAll("(?i)password=[^&]*", "password=***");
        }

        @Override
        public String toString() {
            return "Settings[" + describe() + ", user=" + user + "]";
        }
    }

    /**
     * Opens (creating if needed) an SQLite database file and brings its schema up to date.
     *
     * @param durable true for {@code synchronous=FULL}: a committed transaction survives a power
     *                loss, not only a crash of the process
     */
    public static Database open(Path file, boolean durable) throws SQLException {
        return open(file, durable, LOG_ERRORS);
    }

    /**
     * As {@link #open(Path, boolean)}; {@code onError} is told when an {@link Error} breaks the
     * commit thread's work, and decides whether the process goes on.
     */
    public static Database open(Path file, boolean durable, Thread.UncaughtExceptionHandler onError) throws SQLException {
        ownerOnly(file);
        SqliteDatabase db;
        try {
            db = new SqliteDatabase(file, durable, 4, onError);
        } catch (RuntimeException e) {
            throw openFailure(file, e);
        }
        try {
            return migrated(db);
        } catch (SQLException | RuntimeException e) {
            throw openFailure(file, e);
        }
    }

    /** Opens the database of {@code settings} (SQLite or PostgreSQL) and brings its schema up to date. */
    public static Database open(Settings settings) throws SQLException {
        return open(settings, LOG_ERRORS);
    }

    /** As {@link #open(Settings)}, telling {@code onError} of an {@link Error} on the commit thread. */
    public static Database open(Settings settings, Thread.UncaughtExceptionHandler onError) throws SQLException {
        return switch (settings.dialect()) {
            case SQLITE -> open(Path.of(settings.url().substring("jdbc:sqlite:".length())), settings.durable(), onError);
            case POSTGRESQL -> {
                PostgresDatabase db = new PostgresDatabase(settings, onError);
                migrated(db).checkCollation();
                yield db;
            }
        };
    }

    private static final Thread.UncaughtExceptionHandler LOG_ERRORS =
            (thread, error) -> log.error("{} failed with {}", thread.getName(), error.toString(), error);

    private static <D extends Database> D migrated(D db) throws SQLException {
        try {
            int applied = Migrations.migrate(db);
            if (applied > 0) {
                log.info("Database {} migrated to schema version {}", db.describe(), Migrations.latestVersion());
            }
            return db;
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public abstract Dialect dialect();

    /**
     * Reports the connection pools to a metrics registry (HikariCP's own tracker; a Micrometer
     * {@code MeterRegistry} or a Dropwizard {@code MetricRegistry}). Once per database.
     */
    public abstract void recordMetricsIn(Object registry);

    /** Where the database is, without credentials, for messages. */
    public abstract String describe();

    /**
     * Runs {@code work} in one write transaction: committed when it returns, rolled back when it
     * throws. Write transactions run one at a time, here and on every other node of the database,
     * and concurrent ones commit together. {@code work} must not start another write.
     */
    public final <T> T write(Work<T> work) throws SQLException {
        return committer().submit(work, false);
    }

    /**
     * Like {@link #write}, but the commit is not flushed to disk at once: it survives a crash of the
     * process, and a power loss may drop it. For records that something else can rebuild.
     */
    public final <T> T writeRelaxed(Work<T> work) throws SQLException {
        return committer().submit(work, true);
    }

    /**
     * {@link #writeRelaxed} without waiting: {@code work} is queued, and every write transaction
     * this process queues after this returns runs after it and sees what it wrote. A transaction
     * that depends on it therefore need not wait for it; it must check that what it needs is there,
     * since {@code work} may have failed (the returned future says so).
     */
    public final <T> CompletableFuture<T> queueRelaxed(Work<T> work) throws SQLException {
        return committer().enqueue(work, true);
    }

    /** The one committer of this database's write transactions. */
    abstract GroupCommitter committer();

    /** Runs {@code work} in one read transaction: it sees one consistent snapshot. */
    public abstract <T> T read(Work<T> work) throws SQLException;

    /**
     * Writes a consistent copy of the whole database to {@code target} as an SQLite file, while
     * other connections go on reading and writing, if {@code condition} holds in the state it
     * copies.
     *
     * @return false when the condition did not hold and nothing was written
     */
    public abstract boolean snapshotTo(Path target, Work<Boolean> condition) throws SQLException;

    /** As above, unconditionally. */
    public void snapshotTo(Path target) throws SQLException {
        snapshotTo(target, c -> true);
    }

    @Override
    public abstract void close();

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

    static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Work in a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }
}
