package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code share_link} table: read-only links to a node, found by the hash of their token. */
public final class Shares {

    /** A link; {@code passwordHash} and {@code expiresAt} are null when it has none. */
    public record Link(long id, long ownerId, long nodeId, String passwordHash, Long expiresAt, long createdAt,
                       long bytesServed) {
    }

    private static final String SELECT = "SELECT id, owner_id, node_id, password_hash, expires_at, created_at, "
            + "bytes_served FROM share_link ";

    private Shares() {
    }

    public static long insert(Connection c, byte[] tokenHash, long ownerId, long nodeId, String passwordHash,
                              Long expiresAt, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO share_link (token_hash, owner_id, node_id, "
                + "password_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
            p.setBytes(1, tokenHash);
            p.setLong(2, ownerId);
            p.setLong(3, nodeId);
            p.setString(4, passwordHash);
            Nodes.setNullableLong(p, 5, expiresAt);
            p.setLong(6, now);
            return Nodes.insertedId(p);
        }
    }

    public static Optional<Link> byTokenHash(Connection c, byte[] tokenHash) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE token_hash = ?")) {
            p.setBytes(1, tokenHash);
            List<Link> found = all(p);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** The owner's links, newest first. */
    public static List<Link> ofOwner(Connection c, long ownerId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE owner_id = ? ORDER BY created_at DESC, id DESC")) {
            p.setLong(1, ownerId);
            return all(p);
        }
    }

    /** Deletes the link when {@code ownerId} owns it; false otherwise. */
    public static boolean delete(Connection c, long ownerId, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM share_link WHERE id = ? AND owner_id = ?")) {
            p.setLong(1, id);
            p.setLong(2, ownerId);
            return p.executeUpdate() == 1;
        }
    }

    public static void addBytesServed(Connection c, long id, long bytes) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE share_link SET bytes_served = bytes_served + ? WHERE id = ?")) {
            p.setLong(1, bytes);
            p.setLong(2, id);
            p.executeUpdate();
        }
    }

    private static List<Link> all(PreparedStatement p) throws SQLException {
        List<Link> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                long expires = r.getLong(5);
                Long expiresAt = r.wasNull() ? null : expires;
                out.add(new Link(r.getLong(1), r.getLong(2), r.getLong(3), r.getString(4), expiresAt, r.getLong(6),
                        r.getLong(7)));
            }
        }
        return out;
    }
}
