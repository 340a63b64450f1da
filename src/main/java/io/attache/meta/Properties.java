package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The {@code property} table: dead properties set by PROPPATCH. */
public final class Properties {

    private Properties() {
    }

    public static List<Property> of(Connection c, long nodeId) throws SQLException {
        List<Property> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT namespace, name, value FROM property WHERE node_id = ? ORDER BY namespace, name")) {
            p.setLong(1, nodeId);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Property(r.getString(1), r.getString(2), r.getString(3)));
                }
            }
        }
        return out;
    }

    /** Dead properties of every child of {@code parentId} whose name is in {@code (after, last]}, by node id. */
    public static java.util.Map<Long, List<Property>> ofChildren(Connection c, long parentId, String after, String last)
            throws SQLException {
        java.util.Map<Long, List<Property>> out = new java.util.HashMap<>();
        String sql = "SELECT p.node_id, p.namespace, p.name, p.value FROM property p JOIN node n ON n.id = p.node_id "
                + "WHERE n.parent_id = ?" + (after == null ? "" : " AND n.name > ?") + " AND n.name <= ? "
                + "ORDER BY p.node_id, p.namespace, p.name";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int i = 1;
            p.setLong(i++, parentId);
            if (after != null) {
                p.setString(i++, after);
            }
            p.setString(i, last);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.computeIfAbsent(r.getLong(1), k -> new ArrayList<>())
                            .add(new Property(r.getString(2), r.getString(3), r.getString(4)));
                }
            }
        }
        return out;
    }

    public static void set(Connection c, long nodeId, Property property) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO property (node_id, namespace, name, value) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (node_id, namespace, name) DO UPDATE SET value = excluded.value")) {
            p.setLong(1, nodeId);
            p.setString(2, property.namespace());
            p.setString(3, property.name());
            p.setString(4, property.value());
            p.executeUpdate();
        }
    }

    public static void remove(Connection c, long nodeId, String namespace, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM property WHERE node_id = ? AND namespace = ? AND name = ?")) {
            p.setLong(1, nodeId);
            p.setString(2, namespace);
            p.setString(3, name);
            p.executeUpdate();
        }
    }

    public static void removeAll(Connection c, long nodeId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM property WHERE node_id = ?")) {
            p.setLong(1, nodeId);
            p.executeUpdate();
        }
    }

    public static void copyAll(Connection c, long fromNodeId, long toNodeId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO property (node_id, namespace, name, value) "
                + "SELECT ?, namespace, name, value FROM property WHERE node_id = ?")) {
            p.setLong(1, toNodeId);
            p.setLong(2, fromNodeId);
            p.executeUpdate();
        }
    }
}
