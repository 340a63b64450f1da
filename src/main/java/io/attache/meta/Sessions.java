package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code web_session} table: signed-in browsers, found by the hash of their cookie's token. */
public final class Sessions {

    /** A session with the name of its user, who may have been removed since (see {@link Users}). */
    public record Session(byte[] tokenHash, long userId, String userName, String csrfToken, long createdAt,
                          long lastUsedAt) {
    }

    private Sessions() {
    }

    public static void insert(Connection c, byte[] tokenHash, long userId, String csrfToken, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO web_session (token_hash, user_id, csrf_token, "
                + "created_at, last_used_at) VALUES (?, ?, ?, ?, ?)")) {
            p.setBytes(1, tokenHash);
            p.setLong(2, userId);
            p.setString(3, csrfToken);
            p.setLong(4, now);
            p.setLong(5, now);
            p.executeUpdate();
        }
    }

    public static Optional<Session> byHash(Connection c, byte[] tokenHash) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT s.token_hash, s.user_id, u.name, s.csrf_token, s.created_at, "
                + "s.last_used_at FROM web_session s JOIN app_user u ON u.id = s.user_id WHERE s.token_hash = ?")) {
            p.setBytes(1, tokenHash);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Session(r.getBytes(1), r.getLong(2), r.getString(3), r.getString(4), r.getLong(5),
                        r.getLong(6)));
            }
        }
    }

    public static void touch(Connection c, byte[] tokenHash, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE web_session SET last_used_at = ? WHERE token_hash = ? "
                + "AND last_used_at < ?")) {
            p.setLong(1, now);
            p.setBytes(2, tokenHash);
            p.setLong(3, now);
            p.executeUpdate();
        }
    }

    public static boolean delete(Connection c, byte[] tokenHash) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM web_session WHERE token_hash = ?")) {
            p.setBytes(1, tokenHash);
            return p.executeUpdate() > 0;
        }
    }

    /** Ends every session of the user called {@code name}; returns how many there were. */
    public static int deleteOfUser(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM web_session WHERE user_id IN "
                + "(SELECT id FROM app_user WHERE name = ?)")) {
            p.setString(1, name);
            return p.executeUpdate();
        }
    }

    /** Ends the sessions last used before {@code idleBefore} or opened before {@code createdBefore}. */
    public static int deleteExpired(Connection c, long idleBefore, long createdBefore) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM web_session WHERE last_used_at < ? OR created_at < ?")) {
            p.setLong(1, idleBefore);
            p.setLong(2, createdBefore);
            return p.executeUpdate();
        }
    }

    /** Keeps the {@code keep} sessions of {@code userId} used last, and ends the others. */
    public static int trim(Connection c, long userId, int keep) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM web_session WHERE user_id = ? AND token_hash NOT IN "
                + "(SELECT token_hash FROM web_session WHERE user_id = ? ORDER BY last_used_at DESC LIMIT ?)")) {
            p.setLong(1, userId);
            p.setLong(2, userId);
            p.setInt(3, keep);
            return p.executeUpdate();
        }
    }
}
