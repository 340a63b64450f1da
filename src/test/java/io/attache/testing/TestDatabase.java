package io.attache.testing;

import io.attache.meta.Database;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two metadata databases the contract tests run against: SQLite in the test's directory, and
 * PostgreSQL in a fresh schema of the server named by {@code -Dattache.test.postgres} (a JDBC
 * URL; {@code .ci/pg.sh} starts a throw-away one and prints it). A PostgreSQL test without that
 * property fails, loudly: it never passes by not running.
 */
public enum TestDatabase {

    SQLITE {
        @Override
        public Map<String, String> settings(Path dir, Map<String, String> base) {
            return base;
        }

        @Override
        public Database open(Path dir) throws SQLException {
            return Database.open(dir.resolve("test-" + COUNTER.incrementAndGet() + ".db"), false);
        }
    },

    POSTGRESQL {
        @Override
        public Map<String, String> settings(Path dir, Map<String, String> base) throws SQLException {
            Map<String, String> out = new HashMap<>(base);
            String url = SCHEMAS.get(dir);
            if (url == null) {
                url = freshSchema();
                SCHEMAS.put(dir, url);
            }
            out.put("database-url", url);
            return out;
        }

        @Override
        public Database open(Path dir) throws SQLException {
            return Database.open(new Database.Settings(freshSchema(), null, null, false));
        }
    };

    public static final String PROPERTY = "attache.test.postgres";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Map<Path, String> SCHEMAS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Server settings with this database's on top of {@code base}, for a server whose data lives
     * in {@code dir}: a server started again on the same directory finds the same database.
     */
    public abstract Map<String, String> settings(Path dir, Map<String, String> base) throws SQLException;

    /** A new, empty, migrated database of this kind. */
    public abstract Database open(Path dir) throws SQLException;

    /** The PostgreSQL server's URL (its default database), or a failure that says how to get one. */
    public static String postgresUrl() {
        String url = System.getProperty(PROPERTY, System.getenv("TEST_POSTGRES_URL"));
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("this test needs a PostgreSQL server: run it with -D" + PROPERTY
                    + "=jdbc:postgresql://127.0.0.1:PORT/postgres?user=... (eval \"$(.ci/pg.sh start)\" starts a throw-away "
                    + "one and prints TEST_POSTGRES_URL)");
        }
        return url;
    }

    /** The URL of a new, empty schema on the PostgreSQL server: one database per test, cheaply. */
    public static String freshSchema() throws SQLException {
        String url = postgresUrl();
        String schema = "t" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000_000L + "_"
                + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
