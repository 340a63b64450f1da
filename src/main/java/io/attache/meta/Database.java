package io.attache.meta;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The metadata database, as the rest of Attaché sees it: transactions that read one consistent
 * state, and write transactions that run one after another. Two engines give that: SQLite in the
 * data directory (one node, see {@link SqliteDatabase}) and PostgreSQL (several nodes taking
 * turns, see {@link PostgresDatabase}). Code above this class cannot tell them apart, which is
 * the point: a check-then-insert in a write transaction is safe on both.
 */
public abstract class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

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
        return migrated(new SqliteDatabase(file, durable, 4));
    }

    /** Opens the database of {@code settings} (SQLite or PostgreSQL) and brings its schema up to date. */
    public static Database open(Settings settings) throws SQLException {
        return switch (settings.dialect()) {
            case SQLITE -> open(Path.of(settings.url().substring("jdbc:sqlite:".length())), settings.durable());
            case POSTGRESQL -> {
                PostgresDatabase db = new PostgresDatabase(settings);
                migrated(db).checkCollation();
                yield db;
            }
        };
    }

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

    /** Where the database is, without credentials, for messages. */
    public abstract String describe();

    /**
     * Runs {@code work} in one write transaction: committed when it returns, rolled back when it
     * throws. Write transactions run one at a time, here and on every other node of the database,
     * and concurrent ones commit together. {@code work} must not start another write.
     */
    public abstract <T> T write(Work<T> work) throws SQLException;

    /**
     * Like {@link #write}, but the commit is not flushed to disk at once: it survives a crash of the
     * process, and a power loss may drop it. For records that something else can rebuild.
     */
    public abstract <T> T writeRelaxed(Work<T> work) throws SQLException;

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
