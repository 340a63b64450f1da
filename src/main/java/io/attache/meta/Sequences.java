package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Named counters that only grow ({@code id_sequence}), for ids that people copy from a listing
 * and type back later: a table's own ids can be handed out again once its highest row is gone,
 * and then an old id names something else. Portable SQL; runs in the caller's transaction.
 */
public final class Sequences {

    private Sequences() {
    }

    /** The next value of {@code name}, created at 1 on first use. */
    public static long next(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO id_sequence (name, next_value) VALUES (?, 1) "
                + "ON CONFLICT (name) DO NOTHING")) {
            p.setString(1, name);
            p.executeUpdate();
        }
        // Update first: the row is then locked for this transaction (also in PostgreSQL).
        try (PreparedStatement p = c.prepareStatement("UPDATE id_sequence SET next_value = next_value + 1 WHERE name = ?")) {
            p.setString(1, name);
            p.executeUpdate();
        }
        long value;
        try (PreparedStatement p = c.prepareStatement("SELECT next_value - 1 FROM id_sequence WHERE name = ?")) {
            p.setString(1, name);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                value = r.getLong(1);
            }
        }
        return value;
    }
}
