package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The {@code login_failure} table: failed logins per client address and per user name, shared by
 * every node that uses the database. Plain SQL with {@code ON CONFLICT}, as PostgreSQL takes it.
 */
public final class LoginFailures {

    /** What the table knows of one address or user name. */
    public record Row(String kind, String subject, long failures, long firstAt, long bannedUntil) {
    }

    public static final String ADDRESS = "address";
    public static final String USER = "user";

    static final String SELECT = "SELECT kind, subject, failures, first_at, banned_until FROM login_failure "
            + "WHERE kind = ? AND subject = ?";

    private LoginFailures() {
    }

    public static Optional<Row> get(Connection c, String kind, String subject) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT)) {
            p.setString(1, kind);
            p.setString(2, subject);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(new Row(r.getString(1), r.getString(2), r.getLong(3), r.getLong(4), r.getLong(5)))
                        : Optional.empty();
            }
        }
    }

    public static void put(Connection c, Row row) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO login_failure (kind, subject, failures, first_at, banned_until) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, subject) DO UPDATE SET failures = excluded.failures, "
                + "first_at = excluded.first_at, banned_until = excluded.banned_until")) {
            p.setString(1, row.kind());
            p.setString(2, row.subject());
            p.setLong(3, row.failures());
            p.setLong(4, row.firstAt());
            p.setLong(5, row.bannedUntil());
            p.executeUpdate();
        }
    }

    /** Forgets counts whose window began before {@code windowStart} and that hold no ban beyond {@code now}. */
    public static int purge(Connection c, long windowStart, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM login_failure WHERE first_at < ? AND banned_until <= ?")) {
            p.setLong(1, windowStart);
            p.setLong(2, now);
            return p.executeUpdate();
        }
    }
}
