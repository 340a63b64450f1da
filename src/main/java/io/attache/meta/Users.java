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

    private static final String SELECT = "SELECT id, name, password_hash, quota_bytes, used_bytes, created_at, is_admin FROM app_user ";

    private Users() {
    }

    /** Creates the user and its empty root folder. */
    public static User insert(Connection c, String name, String passwordHash, Long quotaBytes, boolean admin, long now)
            throws SQLException {
        long id;
        try (PreparedStatement p = c.prepareStatement("INSERT INTO app_user (name, password_hash, quota_bytes, created_at, "
                + "is_admin) VALUES (?, ?, ?, ?, ?)", PreparedStatement.RETURN_GENERATED_KEYS)) {
            p.setString(1, name);
            p.setString(2, passwordHash);
            Nodes.setNullableLong(p, 3, quotaBytes);
            p.setLong(4, now);
            p.setInt(5, admin ? 1 : 0);
            p.executeUpdate();
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        Nodes.insertFolder(c, id, null, "", now);
        return new User(id, name, passwordHash, quotaBytes, 0, now, admin);
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
        return new User(r.getLong(1), r.getString(2), r.getString(3), quotaBytes, r.getLong(5), r.getLong(6), r.getInt(7) != 0);
    }
}
