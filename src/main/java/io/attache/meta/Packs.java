package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The {@code pack} table: every object in the store (or in the staging area) that holds blobs.
 * A pack's live counts cover the blobs of committed versions; a pack that neither a blob nor a
 * pending blob needs any more is handed to the delete queue by {@link #dropIfUnused}.
 */
public final class Packs {

    /** A pack as the uploader, the repacker and fsck see it. */
    public record Pack(long id, String locator, long size, int liveBlobs, long liveBytes, boolean staged,
                       long createdAt, int attempts, String lastError) {
    }

    private static final String SELECT = "SELECT id, locator, size, live_blobs, live_bytes, staged, created_at, "
            + "attempts, last_error FROM pack ";
    static final String UNUSED = "SELECT locator, staged FROM pack WHERE id = ? AND live_blobs = 0 "
            + "AND NOT EXISTS (SELECT 1 FROM pending_blob WHERE pack_id = ?)";

    private Packs() {
    }

    /** Records a pack that was just stored or staged; nothing references it yet. */
    public static long insert(Connection c, String locator, long size, boolean staged, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO pack (locator, size, live_blobs, live_bytes, staged, "
                + "created_at) VALUES (?, ?, 0, 0, ?, ?) RETURNING id")) {
            p.setString(1, locator);
            p.setLong(2, size);
            p.setInt(3, staged ? 1 : 0);
            p.setLong(4, now);
            return Nodes.insertedId(p);
        }
    }

    public static Optional<Pack> byId(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE id = ?")) {
            p.setLong(1, id);
            List<Pack> found = all(p);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /**
     * True while the pack {@code id} is the one at {@code locator}. An id read in one transaction
     * names the same pack in a later one only if this holds: SQLite gives the id of a dropped
     * pack to the next pack recorded when it was the largest.
     */
    public static boolean isAt(Connection c, long id, String locator) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM pack WHERE id = ? AND locator = ?")) {
            p.setLong(1, id);
            p.setString(2, locator);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    public static Optional<Pack> byLocator(Connection c, String locator) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE locator = ?")) {
            p.setString(1, locator);
            List<Pack> found = all(p);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** Adds (or, negative, removes) committed blobs to a pack's live counts. */
    static void addLive(Connection c, long packId, int blobs, long bytes) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE pack SET live_blobs = live_blobs + ?, live_bytes = live_bytes + ? WHERE id = ?")) {
            p.setInt(1, blobs);
            p.setLong(2, bytes);
            p.setLong(3, packId);
            if (p.executeUpdate() != 1) {
                throw new SQLException("no pack " + packId);
            }
        }
    }

    /**
     * Hands each of {@code packIds} that no blob and no pending blob needs any more to the delete
     * queue and forgets it. A staged pack is due at once: nothing but this server's staging area
     * holds it, and a read that already opened it keeps it open.
     *
     * @return how many were dropped
     */
    public static int dropIfUnused(Connection c, Collection<Long> packIds, long now) throws SQLException {
        return dropIfUnused(c, packIds, now, false);
    }

    /**
     * As above; with {@code holdForBackup}, a stored pack's deletion also waits for the next
     * metadata snapshot (its blobs moved elsewhere, but the last snapshot still names it).
     */
    public static int dropIfUnused(Connection c, Collection<Long> packIds, long now, boolean holdForBackup)
            throws SQLException {
        int dropped = 0;
        for (long id : packIds) {
            String locator;
            boolean staged;
            try (PreparedStatement p = c.prepareStatement(UNUSED)) {
                p.setLong(1, id);
                p.setLong(2, id);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        continue;
                    }
                    locator = r.getString(1);
                    staged = r.getInt(2) == 1;
                }
            }
            DeleteQueue.enqueue(c, locator, staged ? 0 : now, holdForBackup && !staged);
            try (PreparedStatement p = c.prepareStatement("DELETE FROM pack WHERE id = ?")) {
                p.setLong(1, id);
                p.executeUpdate();
            }
            dropped++;
        }
        return dropped;
    }

    /** Records a failed upload of the staged packs at {@code locators} (by locator: see {@link #isAt}). */
    public static void uploadFailed(Connection c, Collection<String> locators, String error) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE pack SET attempts = attempts + 1, last_error = ? WHERE locator = ?")) {
            for (String locator : locators) {
                p.setString(1, error);
                p.setString(2, locator);
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /**
     * Staged packs whose locators match the LIKE pattern {@code own} (this node's), oldest first:
     * the uploader's work. Each holds one blob.
     */
    public static List<Pack> staged(Connection c, String own, int limit) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE staged = 1 AND locator LIKE ? "
                + "ORDER BY created_at, id LIMIT ?")) {
            p.setString(1, own);
            p.setInt(2, limit);
            return all(p);
        }
    }

    /** How many staged packs of the LIKE pattern {@code own}, of how many bytes, were staged at or before {@code time}. */
    public static long[] stagedBefore(Connection c, String own, long time) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM pack "
                + "WHERE staged = 1 AND locator LIKE ? AND created_at <= ?")) {
            p.setString(1, own);
            p.setLong(2, time);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return new long[]{r.getLong(1), r.getLong(2)};
            }
        }
    }

    /** Committed content that is only in a staging area, by the node that staged it: what a backup waits for. */
    public static java.util.Map<String, Long> committedStagedByNode(Connection c) throws SQLException {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT k.locator FROM blob b JOIN pack k ON k.id = b.pack_id "
                + "WHERE k.staged = 1"); ResultSet r = p.executeQuery()) {
            while (r.next()) {
                String rest = r.getString(1).substring(r.getString(1).indexOf(':') + 1);
                out.merge(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : "(this node)", 1L, Long::sum);
            }
        }
        return out;
    }

    /**
     * Stored packs whose live bytes are below {@code fraction} of their size: the repacker's
     * work, sparsest first. Packs of one blob never qualify (theirs is all or nothing).
     */
    public static List<Pack> sparse(Connection c, double fraction, int limit) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE staged = 0 AND live_blobs > 0 "
                + "AND live_bytes < ? * size ORDER BY 1.0 * live_bytes / size, id LIMIT ?")) {
            p.setDouble(1, fraction);
            p.setInt(2, limit);
            return all(p);
        }
    }

    /** What is staged and not yet uploaded, for status output. */
    public record StagedSummary(long packs, long bytes, long files, long oldestCreatedAt, int attempts, String lastError) {
    }

    public static StagedSummary stagedSummary(Connection c) throws SQLException {
        long packs;
        long bytes;
        long oldest;
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(size), 0), COALESCE(MIN(created_at), 0) "
                + "FROM pack WHERE staged = 1"); ResultSet r = p.executeQuery()) {
            r.next();
            packs = r.getLong(1);
            bytes = r.getLong(2);
            oldest = r.getLong(3);
        }
        long files;
        try (PreparedStatement p = c.prepareStatement("SELECT (SELECT COUNT(DISTINCT b.version_id) FROM blob b "
                + "JOIN pack k ON k.id = b.pack_id WHERE k.staged = 1) + (SELECT COUNT(DISTINCT b.content_id) "
                + "FROM pending_blob b JOIN pack k ON k.id = b.pack_id WHERE k.staged = 1)"); ResultSet r = p.executeQuery()) {
            r.next();
            files = r.getLong(1);
        }
        int attempts = 0;
        String error = null;
        try (PreparedStatement p = c.prepareStatement("SELECT attempts, last_error FROM pack WHERE staged = 1 "
                + "AND last_error IS NOT NULL ORDER BY attempts DESC, id LIMIT 1"); ResultSet r = p.executeQuery()) {
            if (r.next()) {
                attempts = r.getInt(1);
                error = r.getString(2);
            }
        }
        return new StagedSummary(packs, bytes, files, oldest, attempts, error);
    }

    /** Blobs of committed versions that are only in the staging area. */
    public static long committedStaged(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM blob b JOIN pack k ON k.id = b.pack_id "
                + "WHERE k.staged = 1"); ResultSet r = p.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    /** How many staged packs, of how many bytes, were staged at or before {@code time}. */
    public static long[] stagedBefore(Connection c, long time) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM pack "
                + "WHERE staged = 1 AND created_at <= ?")) {
            p.setLong(1, time);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return new long[]{r.getLong(1), r.getLong(2)};
            }
        }
    }

    /** A file whose content is partly or wholly still staged. */
    public record StagedFile(long nodeId, long ownerId, long size, long stagedBytes, long stagedSince) {
    }

    /**
     * Files whose content is still in staging, oldest first, of one owner or of all ({@code ownerId}
     * null): at most {@code limit}, and the totals over all of them.
     */
    public static List<StagedFile> stagedFiles(Connection c, Long ownerId, int limit) throws SQLException {
        String sql = "SELECT n.id, n.owner_id, v.size, SUM(CASE WHEN k.staged = 1 THEN b.plain_size ELSE 0 END), "
                + "MIN(CASE WHEN k.staged = 1 THEN k.created_at END) "
                + "FROM node n JOIN version v ON v.id = n.version_id JOIN blob b ON b.version_id = v.id "
                + "JOIN pack k ON k.id = b.pack_id "
                + "WHERE v.id IN (SELECT b2.version_id FROM blob b2 JOIN pack k2 ON k2.id = b2.pack_id WHERE k2.staged = 1)"
                + (ownerId == null ? "" : " AND n.owner_id = ?")
                + " GROUP BY n.id, n.owner_id, v.size ORDER BY 5, 1 LIMIT ?";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int i = 1;
            if (ownerId != null) {
                p.setLong(i++, ownerId);
            }
            p.setInt(i, limit);
            List<StagedFile> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new StagedFile(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5)));
                }
            }
            return out;
        }
    }

    /** Locators of every staged pack: what the staging area must keep. */
    public static java.util.Set<String> stagedLocators(Connection c) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (PreparedStatement p = c.prepareStatement("SELECT locator FROM pack WHERE staged = 1"); ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    /** Every pack, for fsck and gc. */
    public static List<Pack> all(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "ORDER BY id")) {
            return all(p);
        }
    }

    private static List<Pack> all(PreparedStatement p) throws SQLException {
        List<Pack> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(new Pack(r.getLong(1), r.getString(2), r.getLong(3), r.getInt(4), r.getLong(5), r.getInt(6) == 1,
                        r.getLong(7), r.getInt(8), r.getString(9)));
            }
        }
        return out;
    }
}
