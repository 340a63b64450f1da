package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Chunks a write has stored but not yet committed. Each is recorded as soon as the store returns
 * its locator; the write's commit clears them in the same transaction. Rows that outlive their
 * write (a crash, a client that went away) are handed to the delete queue.
 */
public final class PendingChunks {

    private PendingChunks() {
    }

    public static void add(Connection c, byte[] contentId, String locator, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO pending_chunk (content_id, locator, created_at) VALUES (?, ?, ?)")) {
            p.setBytes(1, contentId);
            p.setString(2, locator);
            p.setLong(3, now);
            p.executeUpdate();
        }
    }

    /** Forgets a write's pending chunks: it committed them into a version. */
    public static void clear(Connection c, byte[] contentId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM pending_chunk WHERE content_id = ?")) {
            p.setBytes(1, contentId);
            p.executeUpdate();
        }
    }

    /** Gives up a write: its chunks go to the delete queue. */
    public static int abandon(Connection c, byte[] contentId, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO delete_queue (locator, enqueued_at, next_attempt_at) "
                + "SELECT locator, ?, ? FROM pending_chunk WHERE content_id = ?")) {
            p.setLong(1, now);
            p.setLong(2, now);
            p.setBytes(3, contentId);
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("DELETE FROM pending_chunk WHERE content_id = ?")) {
            p.setBytes(1, contentId);
            return p.executeUpdate();
        }
    }

    /** Hands every pending chunk recorded before {@code cutoff} to the delete queue; returns how many. */
    public static int abandonOlderThan(Connection c, long cutoff, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO delete_queue (locator, enqueued_at, next_attempt_at) "
                + "SELECT locator, ?, ? FROM pending_chunk WHERE created_at < ?")) {
            p.setLong(1, now);
            p.setLong(2, now);
            p.setLong(3, cutoff);
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("DELETE FROM pending_chunk WHERE created_at < ?")) {
            p.setLong(1, cutoff);
            return p.executeUpdate();
        }
    }
}
