package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code version} table. A version's chunks are shared by every file that points at it;
 * {@link #release} drops a reference and, at zero, removes its blobs from their packs in the same
 * transaction (a pack no blob needs any more goes to the delete queue).
 */
public final class Versions {

    private Versions() {
    }

    /**
     * Records a complete version with one reference; its chunks are the pending blobs the write
     * recorded under {@code contentId}, which become the version's blobs in this transaction.
     *
     * @param checksums the content's checksums in ownCloud's notation, or null
     * @throws SQLException when the write did not record exactly {@code chunkCount} blobs
     */
    public static long insert(Connection c, byte[] contentId, long size, int chunkSize, byte[] wrappedKey,
                              int chunkCount, String checksums, long now) throws SQLException {
        long id;
        try (PreparedStatement p = c.prepareStatement("INSERT INTO version (content_id, size, chunk_size, wrapped_key, "
                + "ref_count, created_at, checksums) VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id")) {
            p.setBytes(1, contentId);
            p.setLong(2, size);
            p.setInt(3, chunkSize);
            p.setBytes(4, wrappedKey);
            p.setLong(5, now);
            p.setString(6, checksums);
            id = Nodes.insertedId(p);
        }
        int committed = Blobs.commitPending(c, contentId, id);
        if (committed != chunkCount) {
            throw new SQLException("the write recorded " + committed + " of its " + chunkCount + " chunks");
        }
        return id;
    }

    public static Optional<Version> byId(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT content_id, size, chunk_size, wrapped_key, ref_count FROM version WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Version(id, r.getBytes(1), r.getLong(2), r.getInt(3), r.getBytes(4),
                        r.getInt(5), chunks(c, id)));
            }
        }
    }

    public static List<ChunkRef> chunks(Connection c, long versionId) throws SQLException {
        return Blobs.of(c, versionId);
    }

    public static void addReference(Connection c, long versionId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE version SET ref_count = ref_count + 1 WHERE id = ?")) {
            p.setLong(1, versionId);
            if (p.executeUpdate() != 1) {
                throw new SQLException("no version " + versionId);
            }
        }
    }

    /**
     * Drops one reference. When none is left the version and its chunk rows are deleted and the
     * chunks queued for deletion from the store, all in the caller's transaction.
     *
     * @return true when the version is gone
     */
    public static boolean release(Connection c, long versionId, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE version SET ref_count = ref_count - 1 WHERE id = ?")) {
            p.setLong(1, versionId);
            if (p.executeUpdate() != 1) {
                throw new SQLException("no version " + versionId);
            }
        }
        try (PreparedStatement p = c.prepareStatement("SELECT ref_count FROM version WHERE id = ?")) {
            p.setLong(1, versionId);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                if (r.getInt(1) > 0) {
                    return false;
                }
            }
        }
        Blobs.release(c, versionId, now);
        try (PreparedStatement p = c.prepareStatement("DELETE FROM version WHERE id = ?")) {
            p.setLong(1, versionId);
            p.executeUpdate();
        }
        return true;
    }
}
