package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code app_user} table. */
public final class Users {

    /** The columns {@link #map} reads, in its order. */
    private static final String COLUMNS = "id, name, password_hash, quota_bytes, used_bytes, created_at, is_admin, "
            + "entry_count, property_count, property_bytes, removed_at";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM app_user ";

    private Users() {
    }

    /** Creates the user and its empty root folder. */
    public static User insert(Connection c, String name, String passwordHash, Long quotaBytes, boolean admin, long now)
            throws SQLException {
        long id;
        try (PreparedStatement p = c.prepareStatement("INSERT INTO app_user (name, password_hash, quota_bytes, created_at, "
                + "is_admin) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
            p.setString(1, name);
            p.setString(2, passwordHash);
            Nodes.setNullableLong(p, 3, quotaBytes);
            p.setLong(4, now);
            p.setInt(5, admin ? 1 : 0);
            id = Nodes.insertedId(p);
        }
        Nodes.insertFolder(c, id, null, "", now);
        return new User(id, name, passwordHash, quotaBytes, 0, now, admin, 0, 0, 0, null);
    }

    public static Optional<User> byName(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE name = ?")) {
            p.setString(1, name);
            return one(p);
        }
    }

    public static Optional<User> byId(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE id = ?")) {
            p.setLong(1, id);
            return one(p);
        }
    }

    public static List<User> all(Connection c) throws SQLException {
        List<User> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(SELECT + "ORDER BY name");
             ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(map(r));
            }
        }
        return out;
    }

    public static boolean setPasswordHash(Connection c, String name, String passwordHash) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE app_user SET password_hash = ? WHERE name = ?")) {
            p.setString(1, passwordHash);
            p.setString(2, name);
            return p.executeUpdate() == 1;
        }
    }

    public static boolean setQuota(Connection c, String name, Long quotaBytes) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE app_user SET quota_bytes = ? WHERE name = ?")) {
            Nodes.setNullableLong(p, 1, quotaBytes);
            p.setString(2, name);
            return p.executeUpdate() == 1;
        }
    }

    public static void addUsedBytes(Connection c, long userId, long delta) throws SQLException {
        if (delta == 0) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE app_user SET used_bytes = used_bytes + ? WHERE id = ?")) {
            p.setLong(1, delta);
            p.setLong(2, userId);
            p.executeUpdate();
        }
    }

    /** Counts entries (files and folders) added ({@code delta > 0}) or deleted. */
    public static void addEntries(Connection c, long userId, long delta) throws SQLException {
        if (delta == 0) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE app_user SET entry_count = entry_count + ? WHERE id = ?")) {
            p.setLong(1, delta);
            p.setLong(2, userId);
            p.executeUpdate();
        }
    }

    /** A user's row after {@link #account}, and the change number it took. */
    public record Accounted(User user, long change) {
    }

    /**
     * What a new version of a file does to its owner, in one statement: the bytes it adds (or, when
     * negative, frees) and the next change number (see {@link Changes}). Returns the row as it is
     * afterwards, for the caller to check the limits against; a caller that refuses then rolls the
     * transaction back.
     */
    public static Accounted account(Connection c, long userId, long bytes) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE app_user SET used_bytes = used_bytes + ?, "
                + "change_count = change_count + 1 WHERE id = ? RETURNING " + COLUMNS + ", change_count")) {
            p.setLong(1, bytes);
            p.setLong(2, userId);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("no user " + userId);
                }
                return new Accounted(map(r), r.getLong(12));
            }
        }
    }

    /** Counts dead properties and their bytes added (positive) or removed (negative). */
    public static void addProperties(Connection c, long userId, long count, long bytes) throws SQLException {
        if (count == 0 && bytes == 0) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE app_user SET property_count = property_count + ?, property_bytes = property_bytes + ? WHERE id = ?")) {
            p.setLong(1, count);
            p.setLong(2, bytes);
            p.setLong(3, userId);
            p.executeUpdate();
        }
    }

    /** Marks the account removed at {@code at} (null: active again). */
    public static void setRemoved(Connection c, long userId, Long at) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE app_user SET removed_at = ? WHERE id = ?")) {
            Nodes.setNullableLong(p, 1, at);
            p.setLong(2, userId);
            p.executeUpdate();
        }
    }

    /** Accounts removed before {@code cutoff}, whose files' trash retention has passed. */
    public static List<User> removedBefore(Connection c, long cutoff) throws SQLException {
        List<User> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE removed_at IS NOT NULL AND removed_at < ? ORDER BY id")) {
            p.setLong(1, cutoff);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(map(r));
                }
            }
        }
        return out;
    }

    /** Deletes the account row; the caller has already removed the user's nodes. */
    public static void deleteRow(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM app_user WHERE id = ?")) {
            p.setLong(1, id);
            p.executeUpdate();
        }
    }

    private static Optional<User> one(PreparedStatement p) throws SQLException {
        try (ResultSet r = p.executeQuery()) {
            return r.next() ? Optional.of(map(r)) : Optional.empty();
        }
    }

    private static User map(ResultSet r) throws SQLException {
        long quota = r.getLong(4);
        Long quotaBytes = r.wasNull() ? null : quota;
        long removed = r.getLong(11);
        Long removedAt = r.wasNull() ? null : removed;
        return new User(r.getLong(1), r.getString(2), r.getString(3), quotaBytes, r.getLong(5), r.getLong(6), r.getInt(7) != 0,
                r.getLong(8), r.getLong(9), r.getLong(10), removedAt);
    }
}
