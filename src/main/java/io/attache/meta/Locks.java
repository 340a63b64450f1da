package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code dav_lock} table. Expired locks are ignored by every query and removed by
 * {@link #purgeExpired}; paths are compared as strings, so a folder's descendants are the paths
 * that start with the folder's path and a slash.
 */
public final class Locks {

    static final String SELECT = "SELECT token, owner_id, path, collection, infinite, exclusive, owner_xml, "
            + "timeout_s, expires_at FROM dav_lock ";

    private Locks() {
    }

    public static void insert(Connection c, LockRecord lock, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO dav_lock (token, owner_id, path, collection, infinite, "
                + "exclusive, owner_xml, timeout_s, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, lock.token());
            p.setLong(2, lock.ownerId());
            p.setString(3, lock.path());
            p.setInt(4, lock.collection() ? 1 : 0);
            p.setInt(5, lock.infinite() ? 1 : 0);
            p.setInt(6, lock.exclusive() ? 1 : 0);
            p.setString(7, lock.ownerXml());
            p.setLong(8, lock.timeoutSeconds());
            p.setLong(9, lock.expiresAt());
            p.setLong(10, now);
            p.executeUpdate();
        }
    }

    /**
     * Live locks that cover {@code path}: locks on the path itself, whatever their depth, and
     * depth-infinity locks on any of {@code ancestors}.
     */
    public static List<LockRecord> covering(Connection c, long ownerId, String path, List<String> ancestors, long now)
            throws SQLException {
        StringBuilder sql = new StringBuilder(SELECT).append("WHERE owner_id = ? AND expires_at > ? AND (path = ?");
        if (!ancestors.isEmpty()) {
            sql.append(" OR (infinite = 1 AND path IN (").append("?, ".repeat(ancestors.size() - 1)).append("?))");
        }
        sql.append(") ORDER BY created_at, token");
        try (PreparedStatement p = c.prepareStatement(sql.toString())) {
            int i = 1;
            p.setLong(i++, ownerId);
            p.setLong(i++, now);
            p.setString(i++, path);
            for (String ancestor : ancestors) {
                p.setString(i++, ancestor);
            }
            return all(p);
        }
    }

    /** Live locks on resources strictly below {@code path}. */
    public static List<LockRecord> below(Connection c, long ownerId, String path, long now) throws SQLException {
        String prefix = path.endsWith("/") ? path : path + "/";
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE owner_id = ? AND expires_at > ? AND path <> ? "
                + "AND substr(path, 1, ?) = ?")) {
            p.setLong(1, ownerId);
            p.setLong(2, now);
            p.setString(3, path);
            p.setInt(4, characters(prefix));
            p.setString(5, prefix);
            return all(p);
        }
    }

    public static Optional<LockRecord> byToken(Connection c, long ownerId, String token, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE owner_id = ? AND token = ? AND expires_at > ?")) {
            p.setLong(1, ownerId);
            p.setString(2, token);
            p.setLong(3, now);
            List<LockRecord> found = all(p);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    public static void refresh(Connection c, String token, long timeoutSeconds, long expiresAt) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE dav_lock SET timeout_s = ?, expires_at = ? WHERE token = ?")) {
            p.setLong(1, timeoutSeconds);
            p.setLong(2, expiresAt);
            p.setString(3, token);
            p.executeUpdate();
        }
    }

    public static void delete(Connection c, String token) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM dav_lock WHERE token = ?")) {
            p.setString(1, token);
            p.executeUpdate();
        }
    }

    /** Removes the locks on {@code path} and below it: the resources they protected are gone or moved. */
    public static void deleteTree(Connection c, long ownerId, String path) throws SQLException {
        String prefix = path.endsWith("/") ? path : path + "/";
        try (PreparedStatement p = c.prepareStatement("DELETE FROM dav_lock WHERE owner_id = ? AND (path = ? "
                + "OR substr(path, 1, ?) = ?)")) {
            p.setLong(1, ownerId);
            p.setString(2, path);
            p.setInt(3, characters(prefix));
            p.setString(4, prefix);
            p.executeUpdate();
        }
    }

    /** SQL's substr counts characters, where a Java length counts UTF-16 units: two for U+1F642. */
    private static int characters(String s) {
        return s.codePointCount(0, s.length());
    }

    public static void deleteAllOf(Connection c, long ownerId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM dav_lock WHERE owner_id = ?")) {
            p.setLong(1, ownerId);
            p.executeUpdate();
        }
    }

    public static int purgeExpired(Connection c, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM dav_lock WHERE expires_at <= ?")) {
            p.setLong(1, now);
            return p.executeUpdate();
        }
    }

    private static List<LockRecord> all(PreparedStatement p) throws SQLException {
        List<LockRecord> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(new LockRecord(r.getString(1), r.getLong(2), r.getString(3), r.getInt(4) == 1, r.getInt(5) == 1,
                        r.getInt(6) == 1, r.getString(7), r.getLong(8), r.getLong(9)));
            }
        }
        return out;
    }
}
