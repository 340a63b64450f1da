package io.attache.fs;

import io.attache.meta.Blobs;
import io.attache.meta.Database;
import io.attache.pipeline.PendingChunkLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Records, in the database, every pack the pipeline has stored or staged and the pending blobs of
 * the writes in it, in a transaction queued before those writes commit; a write that fails
 * forgets its blobs, and a pack nothing needs any more goes to the delete queue. Rows left by a
 * crash are found at the next start.
 */
public final class WriteJournal implements PendingChunkLog {

    private static final Logger log = LoggerFactory.getLogger(WriteJournal.class);

    private final Database db;
    private final Clock clock;
    private final String node;

    /** @param node the id of the node whose writes these are */
    public WriteJournal(Database db, Clock clock, String node) {
        this.db = db;
        this.clock = clock;
        this.node = node;
    }

    @Override
    public void stored(String locator, long size, boolean staged, List<Blob> blobs) throws IOException {
        long now = clock.millis();
        List<Blobs.Placement> placements = new ArrayList<>(blobs.size());
        for (Blob b : blobs) {
            placements.add(new Blobs.Placement(b.contentId(), b.index(), b.offset(), b.length(), b.plainSize()));
        }
        try {
            // Queued, not waited for: the commit of every write in the pack is queued after it, so it
            // sees these rows, and fails (its chunks are missing) should this transaction fail.
            // Not flushed: after a power loss 'attache gc' finds an unrecorded pack by listing the store.
            db.queueRelaxed(c -> Blobs.recordPack(c, locator, size, staged, placements, now, node))
                    .whenComplete((id, failure) -> {
                        if (failure != null) {
                            log.warn("Cannot record the stored pack {}; its writes fail: {}", locator, failure.toString());
                        }
                    });
        } catch (SQLException e) {
            throw new IOException("cannot record a stored pack: " + e.getMessage(), e);
        }
    }

    @Override
    public void abandoned(byte[] contentId) throws IOException {
        long now = clock.millis();
        try {
            db.write(c -> Blobs.abandon(c, contentId, now));
        } catch (SQLException e) {
            throw new IOException("cannot abandon a failed write: " + e.getMessage(), e);
        }
    }
}
