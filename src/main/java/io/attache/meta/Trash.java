package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code trash} table: what was deleted, from where, and when. */
public final class Trash {

    /** A trashed file or folder; {@code nodeId} now lives under the owner's trash root. */
    public record Item(long id, long ownerId, long nodeId, String originalPath, long deletedAt, long sizeBytes) {
    }

    private static final String SELECT = "SELECT id, owner_id, node_id, original_path, deleted_at, size_bytes FROM trash ";

    private Trash() {
    }

    /** Records a trashed item under a new id, one never used before (see {@link Sequences}). */
    public static long insert(Connection c, long ownerId, long nodeId, String originalPath, long deletedAt, long size)
            throws SQLException {
        long id = Sequences.next(c, "trash");
        try (PreparedStatement p = c.prepareStatement("INSERT INTO trash (id, owner_id, node_id, original_path, deleted_at, "
                + "size_bytes) VALUES (?, ?, ?, ?, ?, ?)")) {
            p.setLong(1, id);
            p.setLong(2, ownerId);
            p.setLong(3, nodeId);
            p.setString(4, originalPath);
            p.setLong(5, deletedAt);
            p.setLong(6, size);
            p.executeUpdate();
        }
        return id;
    }

    public static List<Item> of(Connection c, long ownerId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE owner_id = ? ORDER BY deleted_at, id")) {
            p.setLong(1, ownerId);
            return all(p);
        }
    }

    public static List<Item> all(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "ORDER BY owner_id, deleted_at, id")) {
            return all(p);
        }
    }

    public static List<Item> deletedBefore(Connection c, long cutoff, int limit) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE deleted_at < ? ORDER BY deleted_at, id LIMIT ?")) {
            p.setLong(1, cutoff);
            p.setInt(2, limit);
            return all(p);
        }
    }

    public static Optional<Item> byId(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE id = ?")) {
            p.setLong(1, id);
            List<Item> found = all(p);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    public static void delete(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM trash WHERE id = ?")) {
            p.setLong(1, id);
            p.executeUpdate();
        }
    }

    private static List<Item> all(PreparedStatement p) throws SQLException {
        List<Item> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(new Item(r.getLong(1), r.getLong(2), r.getLong(3), r.getString(4), r.getLong(5), r.getLong(6)));
            }
        }
        return out;
    }
}
