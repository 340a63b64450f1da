package io.attache.meta;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SQLite's own settings; what both databases must do is in {@link MetadataContractTest}. */
class DatabaseTest {

    @TempDir
    Path dir;

    @Test
    void migrationsRunOnceAndSettingsAreApplied() throws Exception {
        Path file = dir.resolve("a.db");
        try (Database db = Database.open(file, true)) {
            assertEquals("wal", pragma(db, "journal_mode"));
            assertEquals("1", pragma(db, "foreign_keys"));
            assertEquals("10000", pragma(db, "busy_timeout"));
            assertEquals(Migrations.latestVersion(), versions(db));
        }
        try (Database db = Database.open(file, true)) {
            assertEquals(Migrations.latestVersion(), versions(db), "no migration runs twice");
        }
    }

    private static String pragma(Database db, String name) throws SQLException {
        return db.write(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA " + name)) {
                r.next();
                return r.getString(1);
            }
        });
    }

    private static int versions(Database db) throws SQLException {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM schema_version")) {
                r.next();
                return r.getInt(1);
            }
        });
    }
}
