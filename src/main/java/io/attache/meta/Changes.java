package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Change numbers, from which folders' entity tags are made. Every change to a user's tree takes
 * the next number from the user's counter and writes it on the nodes it changed and on all their
 * ancestors, in the change's own transaction: a folder's number, and so its entity tag, changes
 * whenever anything below it changes, and a sync client that finds a folder's tag unchanged need
 * not look inside. The counter is in the user's row, which every write of that user updates
 * anyway (used bytes), so it adds no point of contention between users.
 */
public final class Changes {

    private Changes() {
    }

    /** Takes the next change number of {@code ownerId}. */
    public static long next(Connection c, long ownerId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE app_user SET change_count = change_count + 1 WHERE id = ? RETURNING change_count")) {
            p.setLong(1, ownerId);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("no user " + ownerId);
                }
                return r.getLong(1);
            }
        }
    }

    /** Writes {@code change} on {@code nodeId} and on every ancestor up to its root. */
    public static void mark(Connection c, long nodeId, long change) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("WITH RECURSIVE up(id) AS (SELECT CAST(? AS BIGINT) "
                + "UNION ALL SELECT n.parent_id FROM node n JOIN up u ON n.id = u.id WHERE n.parent_id IS NOT NULL) "
                + "UPDATE node SET change_seq = ? WHERE id IN (SELECT id FROM up)")) {
            p.setLong(1, nodeId);
            p.setLong(2, change);
            p.executeUpdate();
        }
    }

    /** Writes {@code change} on everything below {@code nodeId} (a tree just copied, whose nodes are all new). */
    public static void markBelow(Connection c, long nodeId, long change) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("WITH RECURSIVE tree(id) AS (SELECT id FROM node WHERE parent_id = ? "
                + "UNION ALL SELECT n.id FROM node n JOIN tree t ON n.parent_id = t.id) "
                + "UPDATE node SET change_seq = ? WHERE id IN (SELECT id FROM tree)")) {
            p.setLong(1, nodeId);
            p.setLong(2, change);
            p.executeUpdate();
        }
    }
}
