package io.attache.fs;

import io.attache.meta.ChunkRef;
import io.attache.meta.Database;
import io.attache.meta.Version;
import io.attache.meta.Versions;
import io.attache.pipeline.Content;
import io.attache.pipeline.RangeReader;
import io.attache.store.StagingStore;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Consistency checks. {@link #checkMetadata} verifies the database alone: the engine's own
 * integrity checks (SQLite's pages and foreign keys), then Attaché's invariants (one root per
 * user, every node reachable, reference counts, chunk lists that match sizes, packs and the blobs
 * in them, usage totals and the counts of entries and dead properties, a delete queue that names
 * no recorded pack, a trash id counter ahead of every trash id).
 * {@link #verifyChunks} also fetches chunks from the store and authenticates every segment.
 */
public final class Fsck {

    private final Database db;
    private final boolean checkStaging;
    private final StagingStore staging;
    private final String ownStaged;

    /** Checks the database alone (staged packs are taken to be in a staging area it cannot see). */
    public Fsck(Database db) {
        this.db = db;
        this.checkStaging = false;
        this.staging = null;
        this.ownStaged = null;
    }

    /**
     * Also checks that every staged pack is whole in {@code staging}; null when this data
     * directory has no staging area, where a staged pack is a problem.
     */
    public Fsck(Database db, StagingStore staging) {
        this(db, staging, null);
    }

    /** As above, for node {@code node} of a cluster: the other nodes' staged packs are theirs to check. */
    public Fsck(Database db, StagingStore staging, String node) {
        this.db = db;
        this.checkStaging = true;
        this.staging = staging;
        this.ownStaged = StagingStore.ownPattern(node);
    }

    /** Called after each verified chunk, for progress output. */
    public interface Progress {
        void chunk(long done, long total);
    }

    /** What the checks found; empty {@code problems} means consistent. */
    public record Report(List<String> problems, long nodes, long versions, long chunks) {
        public boolean clean() {
            return problems.isEmpty();
        }
    }

    public Report checkMetadata() throws SQLException {
        return db.read(c -> {
            List<String> problems = new ArrayList<>(db.dialect().integrityProblems(c));
            check(c, problems, "user without exactly one root folder", "SELECT u.name FROM app_user u WHERE "
                    + "(SELECT COUNT(*) FROM node n WHERE n.owner_id = u.id AND n.parent_id IS NULL AND n.name = '') <> 1");
            check(c, problems, "node under a file or under another user's folder", "SELECT n.id FROM node n "
                    + "JOIN node p ON p.id = n.parent_id WHERE p.kind <> 'folder' OR p.owner_id <> n.owner_id");
            check(c, problems, "node unreachable from a root (a cycle, or a stray parentless node)",
                    "WITH RECURSIVE reach(id) AS (SELECT id FROM node WHERE parent_id IS NULL AND name IN ('', '.trash') "
                            + "UNION ALL SELECT n.id FROM node n JOIN reach r ON n.parent_id = r.id) "
                            + "SELECT id FROM node WHERE id NOT IN (SELECT id FROM reach)");
            check(c, problems, "version whose reference count differs from the files using it",
                    "SELECT v.id || ' counts ' || v.ref_count || ', used by ' || COALESCE(r.n, 0) FROM version v "
                            + "LEFT JOIN (SELECT version_id, COUNT(*) AS n FROM node WHERE version_id IS NOT NULL "
                            + "GROUP BY version_id) r ON r.version_id = v.id WHERE v.ref_count <> COALESCE(r.n, 0)");
            checkPacks(c, problems);
            check(c, problems, "user whose usage differs from their files",
                    "SELECT u.name || ' records ' || u.used_bytes || ', files hold ' || COALESCE(s.total, 0) FROM app_user u "
                            + "LEFT JOIN (SELECT n.owner_id, SUM(v.size) AS total FROM node n JOIN version v ON v.id = n.version_id "
                            + "GROUP BY n.owner_id) s ON s.owner_id = u.id WHERE u.used_bytes <> COALESCE(s.total, 0)");
            check(c, problems, "user whose count of files and folders differs from their tree",
                    "SELECT u.name || ' records ' || u.entry_count || ', holds ' || COALESCE(s.n, 0) FROM app_user u "
                            + "LEFT JOIN (SELECT owner_id, COUNT(*) AS n FROM node WHERE parent_id IS NOT NULL GROUP BY owner_id) s "
                            + "ON s.owner_id = u.id WHERE u.entry_count <> COALESCE(s.n, 0)");
            check(c, problems, "user whose dead-property totals differ from their properties",
                    "SELECT u.name || ' records ' || u.property_count || ' (' || u.property_bytes || ' bytes), holds '"
                            + " || COALESCE(s.n, 0) || ' (' || COALESCE(s.bytes, 0) || ' bytes)' FROM app_user u "
                            + "LEFT JOIN (SELECT n.owner_id, COUNT(*) AS n, SUM(p.size_bytes) AS bytes FROM property p "
                            + "JOIN node n ON n.id = p.node_id GROUP BY n.owner_id) s ON s.owner_id = u.id "
                            + "WHERE u.property_count <> COALESCE(s.n, 0) OR u.property_bytes <> COALESCE(s.bytes, 0)");
            check(c, problems, "trash id counter behind the trash, so ids would be reused",
                    "SELECT 'next ' || COALESCE((SELECT next_value FROM id_sequence WHERE name = 'trash'), 1) || ', highest '"
                            + " || MAX(id) FROM trash HAVING MAX(id) >= COALESCE((SELECT next_value FROM id_sequence "
                            + "WHERE name = 'trash'), 1)");
            check(c, problems, "trash item whose node is not in its owner's trash", "SELECT t.id FROM trash t "
                    + "LEFT JOIN node n ON n.id = t.node_id LEFT JOIN node r ON r.id = n.parent_id "
                    + "WHERE n.id IS NULL OR r.parent_id IS NOT NULL OR r.name <> '.trash' OR n.owner_id <> t.owner_id");
            checkChunkLists(c, problems);
            checkStaging(c, problems);
            return new Report(problems, count(c, "node"), count(c, "version"), count(c, "blob"));
        });
    }

    /**
     * Packs and the blobs in them: every blob lies inside its pack, has the encrypted length of
     * its plaintext, overlaps no other blob; live counts match the blobs; no recorded pack is
     * queued for deletion, and none that nothing needs is left behind.
     */
    private static void checkPacks(Connection c, List<String> problems) throws SQLException {
        String blobs = "(SELECT pack_id, pack_offset, length, plain_size FROM blob "
                + "UNION ALL SELECT pack_id, pack_offset, length, plain_size FROM pending_blob)";
        check(c, problems, "blob outside its pack or of the wrong length", "SELECT 'pack ' || k.id || ' offset ' "
                + "|| b.pack_offset FROM " + blobs + " b JOIN pack k ON k.id = b.pack_id WHERE b.pack_offset < 0 "
                + "OR b.pack_offset + b.length > k.size OR b.length <> 1 + b.plain_size + ((b.plain_size + 65535) / 65536) * 28");
        check(c, problems, "blobs overlapping in a pack", "SELECT 'pack ' || pack_id || ' offset ' || pack_offset FROM "
                + "(SELECT pack_id, pack_offset, LAG(pack_offset + length) OVER (PARTITION BY pack_id ORDER BY pack_offset) "
                + "AS previous_end FROM " + blobs + " b) o WHERE o.previous_end > o.pack_offset");
        check(c, problems, "pack whose live counts differ from its blobs", "SELECT k.locator || ' counts ' || k.live_blobs "
                + "|| ', has ' || COALESCE(s.n, 0) FROM pack k LEFT JOIN (SELECT pack_id, COUNT(*) AS n, SUM(length) AS bytes "
                + "FROM blob GROUP BY pack_id) s ON s.pack_id = k.id "
                + "WHERE k.live_blobs <> COALESCE(s.n, 0) OR k.live_bytes <> COALESCE(s.bytes, 0)");
        check(c, problems, "pack queued for deletion while recorded",
                "SELECT q.locator FROM delete_queue q JOIN pack k ON k.locator = q.locator");
        check(c, problems, "pack nothing needs, not queued for deletion", "SELECT k.locator FROM pack k "
                + "WHERE k.live_blobs = 0 AND NOT EXISTS (SELECT 1 FROM pending_blob b WHERE b.pack_id = k.id)");
    }

    /** Every staged pack is in the staging area, whole. */
    private void checkStaging(Connection c, List<String> problems) throws SQLException {
        if (!checkStaging) {
            return;
        }
        for (io.attache.meta.Packs.Pack pack : io.attache.meta.Packs.staged(c, ownStaged, Integer.MAX_VALUE)) {
            if (staging == null) {
                problems.add("staged pack " + pack.locator() + " but no staging area");
                continue;
            }
            try {
                long size = staging.stat(new io.attache.store.Locator(pack.locator()));
                if (size != pack.size()) {
                    problems.add("staged pack " + pack.locator() + " has " + size + " bytes, recorded " + pack.size());
                }
            } catch (io.attache.store.StoreException e) {
                problems.add("staged pack " + pack.locator() + " is missing from the staging area: " + e.getMessage());
            }
        }
    }

    /** Every version's chunks are numbered 0..n-1 and hold exactly its size, chunk-size bytes each but the last. */
    private static void checkChunkLists(Connection c, List<String> problems) throws SQLException {
        String sql = "SELECT v.id, v.size, v.chunk_size, COUNT(k.idx), COALESCE(MIN(k.idx), -1), COALESCE(MAX(k.idx), -1), "
                + "COALESCE(SUM(k.plain_size), 0), COALESCE(SUM(CASE WHEN k.idx < (v.size - 1) / v.chunk_size "
                + "AND k.plain_size <> v.chunk_size THEN 1 ELSE 0 END), 0) "
                + "FROM version v LEFT JOIN blob k ON k.version_id = v.id GROUP BY v.id";
        try (PreparedStatement p = c.prepareStatement(sql); ResultSet r = p.executeQuery()) {
            while (r.next()) {
                long id = r.getLong(1);
                long size = r.getLong(2);
                long chunkSize = r.getLong(3);
                long count = r.getLong(4);
                long expected = (size + chunkSize - 1) / chunkSize;
                boolean numbered = count == 0 || (r.getLong(5) == 0 && r.getLong(6) == count - 1);
                if (count != expected || !numbered || r.getLong(7) != size || r.getLong(8) != 0) {
                    problems.add("version " + id + " of " + size + " bytes has " + count + " chunks holding "
                            + r.getLong(7) + " bytes (expected " + expected + ")");
                }
            }
        }
    }

    /**
     * Fetches and authenticates every chunk (or a random {@code fraction} of them, at least one per
     * hundred): a chunk that is missing, damaged or from elsewhere is reported with its version.
     */
    public Report verifyChunks(RangeReader reader, double fraction, long seed, Progress progress) throws SQLException {
        List<Long> versionIds = db.read(c -> longs(c, "SELECT id FROM version ORDER BY id"));
        long total = db.read(c -> count(c, "blob"));
        Random random = new Random(seed);
        List<String> problems = new ArrayList<>();
        long done = 0;
        long checked = 0;
        for (long id : versionIds) {
            Version version = db.read(c -> Versions.byId(c, id)).orElse(null);
            if (version == null) {
                continue;
            }
            Content content = FileService.contentAsRecorded(version);
            for (ChunkRef chunk : version.chunks()) {
                done++;
                if (fraction < 1.0 && random.nextDouble() >= fraction) {
                    continue;
                }
                checked++;
                long offset = (long) chunk.index() * version.chunkSize();
                try {
                    reader.copy(content, offset, chunk.plainSize(), OutputStream.nullOutputStream());
                } catch (IOException e) {
                    problems.add("chunk " + chunk.index() + " of version " + id + " at " + chunk.locator()
                            + (chunk.offset() > 0 ? " +" + chunk.offset() : "") + ": " + e.getMessage());
                }
                progress.chunk(done, total);
            }
        }
        progress.chunk(total, total);
        return new Report(problems, 0, versionIds.size(), checked);
    }

    private static void check(Connection c, List<String> problems, String what, String sql) throws SQLException {
        for (String row : strings(c, sql)) {
            problems.add(what + ": " + row);
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(sql); ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    private static List<Long> longs(Connection c, String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(sql); ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(r.getLong(1));
            }
        }
        return out;
    }

    private static long count(Connection c, String table) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM " + table); ResultSet r = p.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
