package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code cluster_node} and {@code cluster_job} tables: which nodes are alive, where they can
 * be reached, and which node is doing which piece of background work. A node is alive while its
 * heartbeat is younger than the node timeout; every decision below is taken inside the caller's
 * (serializable) transaction, so two nodes never both win a claim.
 */
public final class Cluster {

    /** A node as the others see it. */
    public record Member(String id, String url, String incarnation, long startedAt, long heartbeatAt) {
        public boolean aliveAt(long now, long timeoutMillis) {
            return heartbeatAt > 0 && heartbeatAt > now - timeoutMillis;
        }
    }

    private static final String SELECT = "SELECT id, url, incarnation, started_at, heartbeat_at FROM cluster_node ";

    private Cluster() {
    }

    /**
     * Records that node {@code id} has started as {@code incarnation}, and gives up the claims an
     * earlier life of it left (whatever it was doing then, it is not doing now).
     *
     * @return the node's row as it was before, if it had one
     */
    public static Optional<Member> register(Connection c, String id, String url, String incarnation, long now)
            throws SQLException {
        Optional<Member> before = member(c, id);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO cluster_node (id, url, incarnation, started_at, "
                + "heartbeat_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET url = excluded.url, "
                + "incarnation = excluded.incarnation, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at")) {
            p.setString(1, id);
            p.setString(2, url);
            p.setString(3, incarnation);
            p.setLong(4, now);
            p.setLong(5, now);
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE cluster_job SET holder = NULL WHERE holder = ?")) {
            p.setString(1, id);
            p.executeUpdate();
        }
        return before;
    }

    /**
     * Refreshes the heartbeat of {@code id}, if {@code incarnation} is still the one registered.
     *
     * @return false when another process has registered as this node since
     */
    public static boolean heartbeat(Connection c, String id, String incarnation, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE cluster_node SET heartbeat_at = ? WHERE id = ? AND incarnation = ?")) {
            p.setLong(1, now);
            p.setString(2, id);
            p.setString(3, incarnation);
            return p.executeUpdate() == 1;
        }
    }

    /** Where node {@code id} (as {@code incarnation}) is reached. */
    public static void advertise(Connection c, String id, String incarnation, String url) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE cluster_node SET url = ? WHERE id = ? AND incarnation = ?")) {
            p.setString(1, url);
            p.setString(2, id);
            p.setString(3, incarnation);
            p.executeUpdate();
        }
    }

    /** Node {@code id} stopped cleanly: it is not alive, and its claims are free at once. */
    public static void stopped(Connection c, String id, String incarnation) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE cluster_node SET heartbeat_at = 0 WHERE id = ? AND incarnation = ?")) {
            p.setString(1, id);
            p.setString(2, incarnation);
            if (p.executeUpdate() == 0) {
                return;
            }
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE cluster_job SET holder = NULL WHERE holder = ?")) {
            p.setString(1, id);
            p.executeUpdate();
        }
    }

    public static Optional<Member> member(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "WHERE id = ?")) {
            p.setString(1, id);
            List<Member> found = all(p);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    public static List<Member> members(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(SELECT + "ORDER BY id")) {
            return all(p);
        }
    }

    /**
     * Claims job {@code name} for node {@code node} if it is due (last done at or before
     * {@code dueBefore}) and no live node holds it. A job seen for the first time counts as done
     * now, so that it first runs one interval after the cluster first asked, as it always did.
     *
     * @param deadBefore a holder whose heartbeat is older than this is dead
     * @return true when {@code node} holds the job now and should do it
     */
    public static boolean claim(Connection c, String name, String node, long now, long dueBefore, long deadBefore)
            throws SQLException {
        String holder;
        long doneAt;
        try (PreparedStatement p = c.prepareStatement("SELECT holder, done_at FROM cluster_job WHERE name = ?")) {
            p.setString(1, name);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    holder = null;
                    doneAt = -1;
                } else {
                    holder = r.getString(1);
                    doneAt = r.getLong(2);
                }
            }
        }
        if (doneAt < 0) {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO cluster_job (name, done_at) VALUES (?, ?)")) {
                p.setString(1, name);
                p.setLong(2, now);
                p.executeUpdate();
            }
            return false;
        }
        if (holder != null && !holder.equals(node) && isAlive(c, holder, deadBefore)) {
            return false;
        }
        if (doneAt > dueBefore) {
            return false;
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE cluster_job SET holder = ?, claimed_at = ? WHERE name = ?")) {
            p.setString(1, node);
            p.setLong(2, now);
            p.setString(3, name);
            p.executeUpdate();
        }
        return true;
    }

    /** Gives job {@code name} back; {@code doneAt} is when it completed, or null when it failed. */
    public static void release(Connection c, String name, String node, Long doneAt) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE cluster_job SET holder = NULL, "
                + "done_at = COALESCE(?, done_at) WHERE name = ? AND holder = ?")) {
            Nodes.setNullableLong(p, 1, doneAt);
            p.setString(2, name);
            p.setString(3, node);
            p.executeUpdate();
        }
    }

    /** Who holds each job now, for status output and tests. */
    public static List<String[]> jobs(Connection c) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT name, holder, claimed_at, done_at FROM cluster_job ORDER BY name");
             ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(new String[]{r.getString(1), r.getString(2), Long.toString(r.getLong(3)), Long.toString(r.getLong(4))});
            }
        }
        return out;
    }

    /** Ids of the nodes whose heartbeat is older than {@code deadBefore} (or that stopped). */
    public static List<String> deadNodes(Connection c, long deadBefore) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM cluster_node WHERE heartbeat_at <= ? ORDER BY id")) {
            p.setLong(1, deadBefore);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }

    private static boolean isAlive(Connection c, String node, long deadBefore) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM cluster_node WHERE id = ? AND heartbeat_at > ?")) {
            p.setString(1, node);
            p.setLong(2, deadBefore);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    private static List<Member> all(PreparedStatement p) throws SQLException {
        List<Member> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(new Member(r.getString(1), r.getString(2), r.getString(3), r.getLong(4), r.getLong(5)));
            }
        }
        return out;
    }
}
