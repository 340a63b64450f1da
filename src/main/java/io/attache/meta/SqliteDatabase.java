package io.attache.meta;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The metadata database as one SQLite file in WAL mode behind two HikariCP pools. All writes go
 * through a pool of one connection whose transactions begin IMMEDIATE, driven by one committer
 * thread that commits concurrent writes together, so writers queue in this process instead of
 * failing with SQLITE_BUSY, and another process (the CLI while the server runs) waits up to the
 * busy timeout. Reads use their own pool and see the last committed state.
 */
final class SqliteDatabase extends Database {

    private final Path file;
    private final HikariDataSource writer;
    private final HikariDataSource readers;
    private final GroupCommitter committer;

    SqliteDatabase(Path file, boolean durable, int readConnections, Thread.UncaughtExceptionHandler onError) {
        this.file = file;
        this.writer = pool(file, "attache-write", 1, SQLiteConfig.TransactionMode.IMMEDIATE, durable);
        this.readers = pool(file, "attache-read", readConnections, SQLiteConfig.TransactionMode.DEFERRED, durable);
        this.committer = new GroupCommitter(writer, durable, new GroupCommitter.Batch() {
            @Override
            public void before(Connection c, boolean relaxed) throws SQLException {
                if (relaxed) {
                    pragma(c, "PRAGMA synchronous = NORMAL");
                }
            }

            @Override
            public void after(Connection c, boolean relaxed) {
                if (relaxed) {
                    try {
                        pragma(c, "PRAGMA synchronous = FULL");
                    } catch (SQLException e) {
                        // The next durable batch would flush less than asked: drop the connection.
                        writer.evictConnection(c);
                    }
                }
            }
        }, onError);
    }

    private static void pragma(Connection c, String sql) throws SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public void recordMetricsIn(Object registry) {
        writer.setMetricRegistry(registry);
        readers.setMetricRegistry(registry);
    }

    @Override
    public String describe() {
        return file.toString();
    }

    /** Concurrent writes commit together (see {@link GroupCommitter}). */
    @Override
    GroupCommitter committer() {
        return committer;
    }

    @Override
    public <T> T read(Work<T> work) throws SQLException {
        try (Connection c = readers.getConnection()) {
            return inTransaction(StatementCache.wrap(c), work);
        }
    }

    /**
     * SQLite's VACUUM INTO copies a consistent state, but cannot run inside the transaction that
     * checks the condition: a caller that needs the two to agree pauses its own writes around
     * this (see fs/CommitGate), which on one node pauses every writer there is.
     */
    @Override
    public boolean snapshotTo(Path target, Work<Boolean> condition) throws SQLException {
        if (!read(condition)) {
            return false;
        }
        try (Connection c = readers.getConnection(); PreparedStatement p = c.prepareStatement("VACUUM INTO ?")) {
            p.setString(1, target.toAbsolutePath().toString());
            p.execute();
        }
        return true;
    }

    private static HikariDataSource pool(Path file, String name, int size,
                                         SQLiteConfig.TransactionMode mode, boolean durable) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // Ids come from RETURNING (Nodes.insertedId); the driver need not look for them after every statement.
        sqlite.setGetGeneratedKeys(false);
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
}
