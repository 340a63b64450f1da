package io.attache.meta;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statements that run on every request find their rows through an index: SQLite's EXPLAIN
 * QUERY PLAN names a full scan of a table as "SCAN table" without an index.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryPlanTest {

    @TempDir
    static Path dir;
    Database db;

    static final Map<String, String> STATEMENTS = Map.ofEntries(
            Map.entry("ban", LoginFailures.SELECT),
            Map.entry("locks on a path", "SELECT COUNT(*) FROM dav_lock WHERE owner_id = ? AND path = ? AND expires_at > ?"),
            Map.entry("child", Nodes.CHILD),
            Map.entry("children", Nodes.LISTING_AFTER),
            Map.entry("subfolders", Nodes.SUBFOLDER_AFTER),
            Map.entry("root", Nodes.PARENTLESS),
            Map.entry("blobs", Blobs.OF_VERSION),
            Map.entry("unused", Packs.UNUSED),
            Map.entry("due", DeleteQueue.DUE),
            Map.entry("referenced", DeleteQueue.REFERENCED),
            Map.entry("locks", Locks.SELECT + "WHERE owner_id = ? AND expires_at > ? AND (path = ? OR (infinite = 1 AND path IN (?, ?)))"));

    @BeforeAll
    void open() throws Exception {
        db = Database.open(dir.resolve("plan.db"), false);
    }

    @AfterAll
    void close() {
        db.close();
    }

    @ParameterizedTest(name = "{0} uses {1}")
    @CsvSource({
            "child,      sqlite_autoindex_node_1",
            "children,   sqlite_autoindex_node_1",
            "subfolders, node_subfolders",
            "root,       node_roots",
            "blobs,      sqlite_autoindex_blob_1",
            "unused,     pending_blob_pack",
            "due,        delete_queue_due",
            "referenced, sqlite_autoindex_pack_1",
            "locks,      dav_lock_path",
            "ban,        sqlite_autoindex_login_failure_1",
            "'locks on a path', dav_lock_path",
    })
    void usesAnIndex(String statement, String index) throws Exception {
        List<String> plan = plan(STATEMENTS.get(statement));
        String joined = String.join(" | ", plan);
        assertTrue(joined.contains(index), statement + ": " + joined);
        System.out.println(statement + ": " + joined);
        for (String step : plan) {
            assertFalse(step.startsWith("SCAN ") && !step.contains(" USING "), statement + " scans a table: " + joined);
        }
    }

    private List<String> plan(String sql) throws Exception {
        return db.read(c -> {
            List<String> steps = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
                int params = p.getParameterMetaData().getParameterCount();
                for (int i = 1; i <= params; i++) {
                    p.setLong(i, 1);
                }
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        steps.add(r.getString("detail"));
                    }
                }
            }
            return steps;
        });
    }
}
