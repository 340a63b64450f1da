package io.attache.fs;

import io.attache.meta.Blobs;
import io.attache.meta.Database;
import io.attache.pipeline.PendingChunkLog;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Records, in the database, every pack the pipeline has stored or staged and the pending blobs of
 * the writes in it, before those writes commit; a write that fails forgets its blobs, and a pack
 * nothing needs any more goes to the delete queue. Rows left by a crash are found at the next start.
 */
public final class WriteJournal implements PendingChunkLog {

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
            // Not flushed: after a power loss 'attache gc' finds an unrecorded pack by listing the store.
            db.writeRelaxed(c -> Blobs.recordPack(c, locator, size, staged, placements, now, node));
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
