package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code setting} table: facts about this database, such as which master key it belongs to. */
public final class Settings {

    public static final String KEY_ID = "master-key-id";

    private Settings() {
    }

    public static Optional<String> get(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT value FROM setting WHERE name = ?")) {
            p.setString(1, name);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    public static void put(Connection c, String name, String value) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO setting (name, value) VALUES (?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            p.setString(1, name);
            p.setString(2, value);
            p.executeUpdate();
        }
    }
}
