package io.attache.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code blob} and {@code pending_blob} tables: where each chunk of each version lies. A write
 * records every blob as pending as soon as its pack is stored or staged; its commit turns them
 * into the version's blobs in the same transaction, so a crash at any point leaves every pack
 * either referenced or findable.
 */
public final class Blobs {

    /** One blob of a write in progress, in a pack that is stored or staged already. */
    public record Placement(byte[] contentId, int index, long offset, int length, int plainSize) {
    }

    static final String OF_VERSION = "SELECT b.idx, k.locator, b.pack_offset, b.length, b.plain_size "
            + "FROM blob b JOIN pack k ON k.id = b.pack_id WHERE b.version_id = ? ORDER BY b.idx";

    private Blobs() {
    }

    /**
     * Records a pack just stored (or staged) and the pending blobs of the writes it holds, which
     * node {@code nodeId} is making.
     */
    public static long recordPack(Connection c, String locator, long size, boolean staged, List<Placement> blobs,
                                  long now, String nodeId) throws SQLException {
        long packId = Packs.insert(c, locator, size, staged, now);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO pending_blob (content_id, idx, pack_id, pack_offset, "
                + "length, plain_size, created_at, node_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Placement blob : blobs) {
                p.setBytes(1, blob.contentId());
                p.setInt(2, blob.index());
                p.setLong(3, packId);
                p.setLong(4, blob.offset());
                p.setInt(5, blob.length());
                p.setInt(6, blob.plainSize());
                p.setLong(7, now);
                p.setString(8, nodeId);
                p.addBatch();
            }
            p.executeBatch();
        }
        return packId;
    }

    /**
     * Makes the pending blobs of {@code contentId} the blobs of version {@code versionId} and adds
     * them to their packs' live counts.
     *
     * @return how many blobs the version has now
     */
    public static int commitPending(Connection c, byte[] contentId, long versionId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO blob (version_id, idx, pack_id, pack_offset, length, "
                + "plain_size) SELECT ?, idx, pack_id, pack_offset, length, plain_size FROM pending_blob WHERE content_id = ?")) {
            p.setLong(1, versionId);
            p.setBytes(2, contentId);
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE pack SET live_blobs = live_blobs + "
                + "(SELECT COUNT(*) FROM pending_blob b WHERE b.pack_id = pack.id AND b.content_id = ?), "
                + "live_bytes = live_bytes + (SELECT SUM(length) FROM pending_blob b WHERE b.pack_id = pack.id AND b.content_id = ?) "
                + "WHERE id IN (SELECT pack_id FROM pending_blob WHERE content_id = ?)")) {
            p.setBytes(1, contentId);
            p.setBytes(2, contentId);
            p.setBytes(3, contentId);
            p.executeUpdate();
        }
        int count;
        try (PreparedStatement p = c.prepareStatement("DELETE FROM pending_blob WHERE content_id = ?")) {
            p.setBytes(1, contentId);
            count = p.executeUpdate();
        }
        return count;
    }

    /** The blobs of a version in chunk order, with the locators of their packs. */
    public static List<ChunkRef> of(Connection c, long versionId) throws SQLException {
        List<ChunkRef> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(OF_VERSION)) {
            p.setLong(1, versionId);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new ChunkRef(r.getInt(1), r.getString(2), r.getLong(3), r.getInt(4), r.getInt(5)));
                }
            }
        }
        return out;
    }

    /** A blob of a pack, committed or pending, for moving it. */
    public record Located(long packId, long offset, int length) {
    }

    /** The blobs in a pack that a version or a write in progress still needs, in pack order. */
    public static List<Located> inPack(Connection c, long packId) throws SQLException {
        List<Located> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT pack_offset, length FROM blob WHERE pack_id = ? "
                + "UNION SELECT pack_offset, length FROM pending_blob WHERE pack_id = ? ORDER BY 1")) {
            p.setLong(1, packId);
            p.setLong(2, packId);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Located(packId, r.getLong(1), r.getInt(2)));
                }
            }
        }
        return out;
    }

    /**
     * Points the blob at {@code (fromPack, fromOffset)}, committed or pending, at its copy in
     * {@code toPack}, moving its share of the live counts. A blob released in the meantime is
     * simply not there.
     *
     * @return true when a blob was moved
     */
    public static boolean move(Connection c, long fromPack, long fromOffset, long toPack, long toOffset) throws SQLException {
        int committed;
        long bytes = 0;
        try (PreparedStatement p = c.prepareStatement("SELECT length FROM blob WHERE pack_id = ? AND pack_offset = ?")) {
            p.setLong(1, fromPack);
            p.setLong(2, fromOffset);
            try (ResultSet r = p.executeQuery()) {
                committed = 0;
                while (r.next()) {
                    committed++;
                    bytes += r.getInt(1);
                }
            }
        }
        int moved = 0;
        for (String table : new String[]{"blob", "pending_blob"}) {
            try (PreparedStatement p = c.prepareStatement("UPDATE " + table + " SET pack_id = ?, pack_offset = ? "
                    + "WHERE pack_id = ? AND pack_offset = ?")) {
                p.setLong(1, toPack);
                p.setLong(2, toOffset);
                p.setLong(3, fromPack);
                p.setLong(4, fromOffset);
                moved += p.executeUpdate();
            }
        }
        if (committed > 0) {
            Packs.addLive(c, fromPack, -committed, -bytes);
            Packs.addLive(c, toPack, committed, bytes);
        }
        return moved > 0;
    }

    /** Where chunk {@code index} of the committed content {@code contentId} is now. */
    public static java.util.Optional<ChunkRef> current(Connection c, byte[] contentId, int index) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT b.idx, k.locator, b.pack_offset, b.length, b.plain_size "
                + "FROM version v JOIN blob b ON b.version_id = v.id JOIN pack k ON k.id = b.pack_id "
                + "WHERE v.content_id = ? AND b.idx = ?")) {
            p.setBytes(1, contentId);
            p.setInt(2, index);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? java.util.Optional.of(new ChunkRef(r.getInt(1), r.getString(2), r.getLong(3), r.getInt(4),
                        r.getInt(5))) : java.util.Optional.empty();
            }
        }
    }

    /** Removes a released version's blobs from their packs; packs nothing needs any more are dropped. */
    static void release(Connection c, long versionId, long now) throws SQLException {
        Set<Long> packs = new LinkedHashSet<>();
        try (PreparedStatement p = c.prepareStatement("SELECT pack_id, COUNT(*), SUM(length) FROM blob "
                + "WHERE version_id = ? GROUP BY pack_id")) {
            p.setLong(1, versionId);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    packs.add(r.getLong(1));
                    Packs.addLive(c, r.getLong(1), -r.getInt(2), -r.getLong(3));
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement("DELETE FROM blob WHERE version_id = ?")) {
            p.setLong(1, versionId);
            p.executeUpdate();
        }
        Packs.dropIfUnused(c, packs, now);
    }

    /** Gives up a write: its pending blobs are forgotten and packs nothing needs are dropped. */
    public static int abandon(Connection c, byte[] contentId, long now) throws SQLException {
        return abandon(c, "content_id = ?", p -> p.setBytes(1, contentId), now);
    }

    /** Gives up every write whose blobs were recorded before {@code cutoff}: none is running. */
    public static int abandonOlderThan(Connection c, long cutoff, long now) throws SQLException {
        return abandon(c, "created_at < ?", p -> p.setLong(1, cutoff), now);
    }

    /**
     * Gives up the writes that node {@code nodeId} recorded before {@code cutoff} (and those
     * recorded before nodes had ids): a node that starts has no write running from before.
     */
    public static int abandonOf(Connection c, String nodeId, long cutoff, long now) throws SQLException {
        return abandon(c, "created_at < ? AND (node_id = ? OR node_id IS NULL)", p -> {
            p.setLong(1, cutoff);
            p.setString(2, nodeId);
        }, now);
    }

    /** Gives up the writes of nodes whose heartbeat is older than {@code deadBefore}: they died with them. */
    public static int abandonOfDeadNodes(Connection c, long deadBefore, long now) throws SQLException {
        return abandon(c, "node_id IN (SELECT id FROM cluster_node WHERE heartbeat_at <= ?)",
                p -> p.setLong(1, deadBefore), now);
    }

    private interface Binder {
        void bind(PreparedStatement p) throws SQLException;
    }

    private static int abandon(Connection c, String where, Binder binder, long now) throws SQLException {
        Set<Long> packs = new LinkedHashSet<>();
        try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT pack_id FROM pending_blob WHERE " + where)) {
            binder.bind(p);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    packs.add(r.getLong(1));
                }
            }
        }
        int removed;
        try (PreparedStatement p = c.prepareStatement("DELETE FROM pending_blob WHERE " + where)) {
            binder.bind(p);
            removed = p.executeUpdate();
        }
        Packs.dropIfUnused(c, packs, now);
        return removed;
    }
}
