package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The durable queue of packs to delete from the store (or the staging area), drained by the collector. */
public final class DeleteQueue {

    /** A chunk waiting for deletion. */
    public record Entry(long id, String locator, int attempts) {
    }

    /** Staged blobs of other nodes are theirs to delete: only their staging area holds them. */
    static final String DUE = "SELECT id, locator, attempts FROM delete_queue "
            + "WHERE next_attempt_at <= ? AND enqueued_at <= ? AND held = 0 "
            + "AND (locator NOT LIKE 'staged:%' OR locator LIKE ?) ORDER BY next_attempt_at, id LIMIT ?";
    static final String REFERENCED = "SELECT 1 FROM pack WHERE locator = ?";
    /**
     * An entry read in one transaction, found again in a later one by its id and its locator: two
     * collectors may drain at once (the uploader's and the housekeeper's), and on SQLite an entry
     * that one of them removed can hand its id to the next one queued.
     */
    private static final String SAME = "id = ? AND locator = ?";

    private DeleteQueue() {
    }

    /**
     * Queues an object for deletion. The grace period runs from {@code graceFrom}: the time it
     * became unreferenced, or 0 for an object no read can still need from the store.
     */
    public static void enqueue(Connection c, String locator, long graceFrom) throws SQLException {
        enqueue(c, locator, graceFrom, false);
    }

    /**
     * As above; a {@code held} entry also waits for {@link #releaseHeld}: the next metadata
     * snapshot, so that the snapshot before it never names a deleted object.
     */
    public static void enqueue(Connection c, String locator, long graceFrom, boolean held) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO delete_queue (locator, enqueued_at, next_attempt_at, held) VALUES (?, ?, ?, ?)")) {
            p.setString(1, locator);
            p.setLong(2, graceFrom);
            p.setLong(3, graceFrom);
            p.setInt(4, held ? 1 : 0);
            p.executeUpdate();
        }
    }

    /** A metadata snapshot of {@code snapshotAt} exists: what was held for it may go. */
    public static int releaseHeld(Connection c, long snapshotAt) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE delete_queue SET held = 0 WHERE held = 1 AND enqueued_at <= ?")) {
            p.setLong(1, snapshotAt);
            return p.executeUpdate();
        }
    }

    /**
     * Entries due at {@code now} that were queued before {@code queuedBefore}, oldest first. The
     * second bound is the grace period that lets reads which started before a file was replaced or
     * deleted finish with the chunks they resolved.
     */
    public static List<Entry> due(Connection c, long now, long queuedBefore, String ownStaged, int limit) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(DUE)) {
            p.setLong(1, now);
            p.setLong(2, queuedBefore);
            p.setString(3, ownStaged);
            p.setInt(4, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Entry(r.getLong(1), r.getString(2), r.getInt(3)));
                }
            }
        }
        return out;
    }

    /**
     * Due deletions of the blobs this node staged, whose locators match the LIKE pattern
     * {@code ownStaged}: no grace, the uploader frees staging with them at once.
     */
    public static List<Entry> dueStaged(Connection c, long now, String ownStaged, int limit) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT id, locator, attempts FROM delete_queue "
                + "WHERE next_attempt_at <= ? AND enqueued_at = 0 AND locator LIKE ? ORDER BY id LIMIT ?")) {
            p.setLong(1, now);
            p.setString(2, ownStaged);
            p.setInt(3, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Entry(r.getLong(1), r.getString(2), r.getInt(3)));
                }
            }
        }
        return out;
    }

    /** Marks {@code entries} as being deleted by {@code node} now (see {@link #inDoubt}). */
    public static void claim(Connection c, List<Entry> entries, String node) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE delete_queue SET claimed_by = ? WHERE " + SAME)) {
            for (Entry e : entries) {
                p.setString(1, node);
                p.setLong(2, e.id());
                p.setString(3, e.locator());
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /**
     * Entries a collector marked and never finished: it died between asking the store to delete
     * them and recording that it had. Only one collector runs at a time, so when one starts,
     * every marked entry is such a one.
     */
    public static List<Entry> inDoubt(Connection c, String ownStaged, int limit) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT id, locator, attempts FROM delete_queue "
                + "WHERE claimed_by IS NOT NULL AND (locator NOT LIKE 'staged:%' OR locator LIKE ?) ORDER BY id LIMIT ?")) {
            p.setString(1, ownStaged);
            p.setInt(2, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Entry(r.getLong(1), r.getString(2), r.getInt(3)));
                }
            }
        }
        return out;
    }

    /** The entry is an ordinary one again: its object is still in the store. */
    public static void unclaim(Connection c, Entry entry) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE delete_queue SET claimed_by = NULL WHERE " + SAME)) {
            p.setLong(1, entry.id());
            p.setString(2, entry.locator());
            p.executeUpdate();
        }
    }

    /** The entry is done; if another collector finished it first, nothing happens. */
    public static void remove(Connection c, Entry entry) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM delete_queue WHERE " + SAME)) {
            p.setLong(1, entry.id());
            p.setString(2, entry.locator());
            p.executeUpdate();
        }
    }

    public static void retryLater(Connection c, Entry entry, long nextAttemptAt, String error) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE delete_queue SET attempts = attempts + 1, "
                + "next_attempt_at = ?, last_error = ?, claimed_by = NULL WHERE " + SAME)) {
            p.setLong(1, nextAttemptAt);
            p.setString(2, error);
            p.setLong(3, entry.id());
            p.setString(4, entry.locator());
            p.executeUpdate();
        }
    }

    /** True when a pack of that locator is still recorded: then it must never be deleted. */
    public static boolean isReferenced(Connection c, String locator) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(REFERENCED)) {
            p.setString(1, locator);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    /** Every locator the database knows: recorded packs (live or pending) and queued deletions. */
    public static java.util.Set<String> knownLocators(Connection c) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (PreparedStatement p = c.prepareStatement("SELECT locator FROM pack UNION SELECT locator FROM delete_queue");
             ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    public static long size(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM delete_queue");
             ResultSet r = p.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
