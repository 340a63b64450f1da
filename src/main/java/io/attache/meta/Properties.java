package io.attache.meta;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code property} table: dead properties set by PROPPATCH. Each row records its size (the
 * UTF-8 bytes of namespace, name and value); the writers here return what they added or removed
 * so that the caller can keep its owner's counts and check the limits.
 */
public final class Properties {

    private Properties() {
    }

    /** A change in the number of properties and their bytes. */
    public record Delta(long count, long bytes) {
        public static final Delta NONE = new Delta(0, 0);
    }

    /** Dead properties of several nodes, and whether a byte budget cut them short. */
    public record Batch(Map<Long, List<Property>> byNode, String lastName, boolean cut) {
    }

    public static long sizeOf(Property property) {
        return utf8(property.namespace()) + utf8(property.name()) + utf8(property.value());
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
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

    /**
     * Dead properties of the children of {@code parentId} whose name is in {@code (after, last]},
     * by node id, in name order, stopping after the child at which {@code budget} bytes were
     * reached: the caller ends its page at {@link Batch#lastName()} when {@link Batch#cut()}.
     * Memory is bounded by the budget plus one node's properties.
     */
    public static Batch ofChildren(Connection c, long parentId, String after, String last, long budget) throws SQLException {
        Map<Long, List<Property>> out = new HashMap<>();
        String sql = "SELECT p.node_id, n.name, p.namespace, p.name, p.value, p.size_bytes FROM property p "
                + "JOIN node n ON n.id = p.node_id WHERE n.parent_id = ?" + (after == null ? "" : " AND n.name > ?")
                + " AND n.name <= ? ORDER BY n.name, p.namespace, p.name";
        long bytes = 0;
        long currentNode = -1;
        String currentName = null;
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int i = 1;
            p.setLong(i++, parentId);
            if (after != null) {
                p.setString(i++, after);
            }
            p.setString(i, last);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    long node = r.getLong(1);
                    if (node != currentNode) {
                        if (bytes >= budget) {
                            return new Batch(out, currentName, true);
                        }
                        currentNode = node;
                        currentName = r.getString(2);
                    }
                    bytes += r.getLong(6);
                    out.computeIfAbsent(node, k -> new ArrayList<>()).add(new Property(r.getString(3), r.getString(4), r.getString(5)));
                }
            }
        }
        return new Batch(out, last, false);
    }

    /** Sets (adds or replaces) a property; returns the change in count and bytes. */
    public static Delta set(Connection c, long nodeId, Property property) throws SQLException {
        long size = sizeOf(property);
        long previous = -1;
        try (PreparedStatement p = c.prepareStatement(
                "SELECT size_bytes FROM property WHERE node_id = ? AND namespace = ? AND name = ?")) {
            p.setLong(1, nodeId);
            p.setString(2, property.namespace());
            p.setString(3, property.name());
            try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                    previous = r.getLong(1);
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO property (node_id, namespace, name, value, size_bytes) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (node_id, namespace, name) DO UPDATE SET value = excluded.value, "
                + "size_bytes = excluded.size_bytes")) {
            p.setLong(1, nodeId);
            p.setString(2, property.namespace());
            p.setString(3, property.name());
            p.setString(4, property.value());
            p.setLong(5, size);
            p.executeUpdate();
        }
        return previous < 0 ? new Delta(1, size) : new Delta(0, size - previous);
    }

    /** Removes a property if it exists; returns the change (negative, or none). */
    public static Delta remove(Connection c, long nodeId, String namespace, String name) throws SQLException {
        long size = -1;
        try (PreparedStatement p = c.prepareStatement(
                "SELECT size_bytes FROM property WHERE node_id = ? AND namespace = ? AND name = ?")) {
            p.setLong(1, nodeId);
            p.setString(2, namespace);
            p.setString(3, name);
            try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                    size = r.getLong(1);
                }
            }
        }
        if (size < 0) {
            return Delta.NONE;
        }
        try (PreparedStatement p = c.prepareStatement("DELETE FROM property WHERE node_id = ? AND namespace = ? AND name = ?")) {
            p.setLong(1, nodeId);
            p.setString(2, namespace);
            p.setString(3, name);
            p.executeUpdate();
        }
        return new Delta(-1, -size);
    }

    /** The number of properties of one node and their bytes. */
    public static Delta totals(Connection c, long nodeId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM property WHERE node_id = ?")) {
            p.setLong(1, nodeId);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return new Delta(r.getLong(1), r.getLong(2));
            }
        }
    }

    /** {count, bytes} of the properties of {@code rootId} and everything below it. */
    static long[] totalsOfTree(Connection c, long rootId) throws SQLException {
        String sql = "WITH RECURSIVE tree(id) AS (SELECT id FROM node WHERE id = ? "
                + "UNION ALL SELECT n.id FROM node n JOIN tree t ON n.parent_id = t.id) "
                + "SELECT COUNT(*), COALESCE(SUM(p.size_bytes), 0) FROM tree t JOIN property p ON p.node_id = t.id";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, rootId);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return new long[]{r.getLong(1), r.getLong(2)};
            }
        }
    }

    /** Copies the properties of one node to another; returns what was added. */
    public static Delta copyAll(Connection c, long fromNodeId, long toNodeId) throws SQLException {
        Delta copied = totals(c, fromNodeId);
        if (copied.count() == 0) {
            return Delta.NONE;
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO property (node_id, namespace, name, value, size_bytes) "
                + "SELECT ?, namespace, name, value, size_bytes FROM property WHERE node_id = ?")) {
            p.setLong(1, toNodeId);
            p.setLong(2, fromNodeId);
            p.executeUpdate();
        }
        return copied;
    }
}
