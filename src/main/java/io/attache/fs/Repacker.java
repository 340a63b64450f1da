package io.attache.fs;

import io.attache.meta.Blobs;
import io.attache.meta.Database;
import io.attache.meta.Packs;
import io.attache.store.ChunkStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives back the space of packs that deletes and overwrites left mostly dead (restic's prune): the
 * live blobs of packs whose live fraction fell below the threshold are copied, several sparse
 * packs into one new pack, and their metadata switched in one transaction; the old packs then
 * have nothing live and go to the delete queue, where they wait for the grace period and for the
 * next metadata snapshot (the last one still names them). Runs in the background, one pack at a
 * time, through the store's own limits.
 */
public final class Repacker {

    private static final Logger log = LoggerFactory.getLogger(Repacker.class);
    private static final int CANDIDATES = 100;

    private final Database db;
    private final PackMover mover;
    private final int capacity;
    private final double threshold;

    /**
     * @param store         where packs are read from and written to (below any staging area)
     * @param threshold     packs whose live bytes are below this fraction of their size are repacked
     * @param holdForBackup keep emptied packs until the next metadata snapshot (backups are on)
     */
    public Repacker(Database db, ChunkStore store, Clock clock, int capacity, double threshold, boolean holdForBackup) {
        this.db = db;
        this.mover = new PackMover(db, store, store, clock, holdForBackup);
        this.capacity = capacity;
        this.threshold = threshold;
    }

    /**
     * Repacks sparse packs until none is left or {@code maxPacks} new packs were written.
     *
     * @return new packs written
     */
    public int repack(int maxPacks) throws IOException, SQLException {
        if (threshold <= 0) {
            return 0;
        }
        byte[] buffer = null;
        int written = 0;
        while (written < maxPacks) {
            List<PackMover.Source> job = nextJob();
            if (job.isEmpty()) {
                break;
            }
            if (buffer == null) {
                buffer = new byte[capacity];
            }
            PackMover.Moved moved = mover.move(job, buffer);
            written++;
            log.info("Repacked {} live blobs ({} bytes) from sparse packs into {}", moved.blobs(), moved.bytes(),
                    moved.locator());
        }
        return written;
    }

    /** The live blobs of the sparsest packs, as many whole packs' worth as fit into one new pack. */
    private List<PackMover.Source> nextJob() throws SQLException {
        return db.read(c -> {
            List<PackMover.Source> job = new ArrayList<>();
            long room = capacity;
            for (Packs.Pack pack : Packs.sparse(c, threshold, CANDIDATES)) {
                List<Blobs.Located> live = Blobs.inPack(c, pack.id());
                long bytes = live.stream().mapToLong(Blobs.Located::length).sum();
                if (bytes > room) {
                    continue;
                }
                for (Blobs.Located blob : live) {
                    job.add(new PackMover.Source(pack.id(), pack.locator(), blob.offset(), blob.length()));
                }
                room -= bytes;
            }
            // A lone sparse pack repacked into a pack of its own live blobs still saves its dead bytes.
            return job;
        });
    }
}
