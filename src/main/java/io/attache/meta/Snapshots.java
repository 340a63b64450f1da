package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** What turns a copy of a cluster's database into a database that stands alone. */
final class Snapshots {

    private Snapshots() {
    }

    /**
     * Makes a copy describe only what is in the store: the writes that were under way on the
     * nodes are given up (their packs queued for deletion like after a crash), and deletions of
     * blobs staged on those nodes are forgotten, since only their own nodes can carry them out,
     * in the live database. A restore of the copy then reads nothing it cannot reach.
     */
    static void detachFromCluster(Connection c, long now) throws SQLException {
        Blobs.abandonOlderThan(c, Long.MAX_VALUE, now);
        try (PreparedStatement p = c.prepareStatement("DELETE FROM delete_queue WHERE locator LIKE 'staged:%'")) {
            p.executeUpdate();
        }
    }
}
