package io.attache.server;

import io.attache.meta.Database;
import io.attache.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;

/**
 * The crash harness (see {@link CrashHarness}) with the metadata on PostgreSQL: every kill also
 * cuts the node's connections in the middle of serializable transactions and while it holds a
 * user's advisory lock, and the node comes straight back as itself. 25 kills rather than 50:
 * what differs from SQLite (transactions cut off in the server, locks released with the session,
 * the node's own interrupted writes given up at its return) happens at every kill, and the
 * second half would buy little for the CI minutes it costs.
 */
class PostgresCrashHarnessTest extends CrashHarness {

    private final String url;

    PostgresCrashHarnessTest() throws SQLException {
        url = TestDatabase.freshSchema();
    }

    @Override
    int kills() {
        return Math.min(KILLS, 25);
    }

    @Override
    Map<String, String> env() {
        return Map.of("ATTACHE_CHUNK_SIZE", "64KiB", "ATTACHE_UPLOAD_CONCURRENCY", "2", "ATTACHE_DATABASE_URL", url);
    }

    @Override
    Map<String, String> settings(Path data) {
        return Map.of("data-dir", data.toString(), "chunk-size", "64KiB", "database-url", url);
    }

    @Override
    Database openDatabase(Path data) throws Exception {
        return Database.open(new Database.Settings(url, null, null, true));
    }

    @Test
    void everyCommittedFileSurvivesEveryKill() throws Exception {
        run();
    }
}
