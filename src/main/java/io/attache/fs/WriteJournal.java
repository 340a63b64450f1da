package io.attache.fs;

import io.attache.meta.Database;
import io.attache.meta.PendingChunks;
import io.attache.pipeline.PendingChunkLog;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;

/**
 * Records, in the database, every chunk a write has stored before the write commits; a write that
 * fails hands its chunks to the delete queue. Rows left by a crash are found at the next start.
 */
public final class WriteJournal implements PendingChunkLog {

    private final Database db;
    private final Clock clock;

    public WriteJournal(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void stored(byte[] contentId, String locator) throws IOException {
        long now = clock.millis();
        try {
            // Not flushed: after a power loss 'attache gc' finds an unrecorded chunk by listing the store.
            db.writeRelaxed(c -> {
                PendingChunks.add(c, contentId, locator, now);
                return null;
            });
        } catch (SQLException e) {
            throw new IOException("cannot record a stored chunk: " + e.getMessage(), e);
        }
    }

    @Override
    public void abandoned(byte[] contentId) throws IOException {
        long now = clock.millis();
        try {
            db.write(c -> PendingChunks.abandon(c, contentId, now));
        } catch (SQLException e) {
            throw new IOException("cannot abandon a failed write: " + e.getMessage(), e);
        }
    }
}
