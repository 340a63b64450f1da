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

    @Test
    void aNewerSchemaIsRefused() throws Exception {
        Path file = dir.resolve("b.db");
        try (Database db = Database.open(file, true)) {
            db.write(c -> c.createStatement().executeUpdate(
                    "INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', 0)"));
        }
        SQLException e = assertThrows(SQLException.class, () -> Database.open(file, true));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void aNameIsUniqueAmongFilesAndFoldersOfAFolder() throws Exception {
        try (Database db = Database.open(dir.resolve("c.db"), false)) {
            long root = db.write(c -> {
                User u = Users.insert(c, "u", "hash", null, false, 1);
                return Nodes.root(c, u.id()).orElseThrow().id();
            });
            db.write(c -> Nodes.insertFolder(c, 1, root, "same", 1));
            assertThrows(SQLException.class, () -> db.write(c -> Nodes.insertFolder(c, 1, root, "same", 1)));
            long version = db.write(c -> Versions.insert(c, new byte[16], 0, 65536, new byte[61], 0, null, 1));
            assertThrows(SQLException.class, () -> db.write(c -> Nodes.insertFile(c, 1, root, "same", version, null, 1, 1)));
        }
    }

    @Test
    void aFailedTransactionLeavesNoTrace() throws Exception {
        try (Database db = Database.open(dir.resolve("d.db"), false)) {
            assertThrows(SQLException.class, () -> db.write(c -> {
                Users.insert(c, "ghost", "hash", null, false, 1);
                throw new SQLException("boom");
            }));
            assertTrue(db.read(c -> Users.byName(c, "ghost")).isEmpty());
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
