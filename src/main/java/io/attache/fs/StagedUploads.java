package io.attache.fs;

import io.attache.meta.Database;
import io.attache.meta.Node;
import io.attache.meta.Nodes;
import io.attache.meta.Packs;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The write-back queue as the web app and /metrics see it: the files whose content is still in
 * staging, read from the database, with the uploader's rate and last failure.
 */
public final class StagedUploads implements UploadQueue {

    /** Files counted at most for the totals; past that the totals are a lower bound. */
    private static final int COUNTED = 100_000;

    private final Database db;
    private final Uploader uploader;
    private final Clock clock;

    public StagedUploads(Database db, Uploader uploader, Clock clock) {
        this.db = db;
        this.uploader = uploader;
        this.clock = clock;
    }

    @Override
    public Snapshot snapshot(Long userId) {
        try {
            return db.read(c -> {
                List<Packs.StagedFile> files = Packs.stagedFiles(c, userId, COUNTED);
                Packs.StagedSummary summary = Packs.stagedSummary(c);
                long now = clock.millis();
                long pendingBytes = 0;
                long oldest = 0;
                List<Item> items = new ArrayList<>();
                for (Packs.StagedFile f : files) {
                    pendingBytes += f.stagedBytes();
                    oldest = Math.max(oldest, now - f.stagedSince());
                    if (items.size() < MAX_ITEMS) {
                        items.add(new Item(path(c, f.nodeId()), f.size(), f.size() - f.stagedBytes(), f.stagedSince()));
                    }
                }
                return new Snapshot(files.size(), pendingBytes, uploader.bytesUploaded(), uploader.rate(), oldest,
                        summary.lastError(), items);
            });
        } catch (SQLException e) {
            return new Snapshot(0, 0, uploader.bytesUploaded(), uploader.rate(), 0,
                    "cannot read the upload queue: " + e.getMessage(), List.of());
        }
    }

    /** The file's path in its owner's tree ("/a/b"), or its trash name when it is in the trash. */
    private static String path(java.sql.Connection c, long nodeId) throws SQLException {
        StringBuilder path = new StringBuilder();
        for (Node n : Nodes.ancestry(c, nodeId)) {
            if (n.parentId() != null) {
                path.append('/').append(n.name());
            }
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    @Override
    public boolean writeBack() {
        return true;
    }

    @Override
    public long generation() {
        return uploader.generation();
    }
}
