package io.attache.meta;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned schema migrations: {@code V<n>__<description>.sql} resources next to this class,
 * applied in order at start-up, each in its own transaction together with its row in
 * {@code schema_version}. A database newer than this program is refused. The files are written
 * for SQLite in portable SQL; {@link Dialect#migration} turns each statement into the
 * database's own (on PostgreSQL: identities, BIGINT, BYTEA).
 */
final class Migrations {

    /** Every migration, oldest first. A new one is appended here and never edited once released. */
    private static final List<String> FILES = List.of(
            "V1__initial.sql",
            "V2__locks.sql",
            "V3__trash.sql",
            "V4__limits_and_defence.sql",
            "V5__packs.sql",
            "V6__client_metadata.sql",
            "V7__web.sql",
            "V8__cluster.sql",
            "V9__web_sessions.sql");

    private Migrations() {
    }

    static int latestVersion() {
        return FILES.size();
    }

    /** The file of schema version {@code version}. */
    static String file(int version) {
        return FILES.get(version - 1);
    }

    /**
     * Brings the schema up to date. On PostgreSQL, where several nodes may start at once, one of
     * them migrates while the others wait for it on an advisory lock, then find nothing to do;
     * each migration also checks, in its own transaction, that it is still the next one.
     */
    static int migrate(Database db) throws SQLException {
        if (db instanceof PostgresDatabase pg) {
            return pg.underMigrationLock(lockHolder -> apply(db));
        }
        return apply(db);
    }

    private static int apply(Database db) throws SQLException {
        Dialect dialect = db.dialect();
        int current = db.write(c -> currentVersion(c, dialect));
        if (current > FILES.size()) {
            throw new SQLException("database schema version " + current + " is newer than this program ("
                    + FILES.size() + "); use a newer Attaché");
        }
        int applied = 0;
        for (int v = current + 1; v <= FILES.size(); v++) {
            String file = FILES.get(v - 1);
            List<String> statements = new ArrayList<>();
            for (String sql : statements(load(file))) {
                statements.add(dialect.migration(sql));
            }
            int version = v;
            boolean ran = db.write(c -> {
                if (currentVersion(c, dialect) != version - 1) {
                    return false;
                }
                try (Statement s = c.createStatement()) {
                    for (String sql : statements) {
                        s.execute(sql);
                    }
                }
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                    p.setInt(1, version);
                    p.setString(2, file);
                    p.setLong(3, System.currentTimeMillis());
                    p.executeUpdate();
                }
                return true;
            });
            applied += ran ? 1 : 0;
        }
        return applied;
    }

    private static int currentVersion(Connection c, Dialect dialect) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(dialect.migration("CREATE TABLE IF NOT EXISTS schema_version ("
                    + "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
            try (ResultSet r = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private static String load(String file) throws SQLException {
        try (InputStream in = Migrations.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new SQLException("migration " + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("cannot read migration " + file, e);
        }
    }

    /** Splits a script at semicolons that end a line, dropping {@code --} comments. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            int comment = line.indexOf("--");
            String code = (comment >= 0 ? line.substring(0, comment) : line).stripTrailing();
            if (code.isBlank()) {
                continue;
            }
            current.append(code).append('\n');
            if (code.endsWith(";")) {
                out.add(current.substring(0, current.lastIndexOf(";")).trim());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().trim());
        }
        return out;
    }
}
