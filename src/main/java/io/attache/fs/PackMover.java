package io.attache.fs;

import io.attache.meta.Blobs;
import io.attache.meta.Database;
import io.attache.meta.Packs;
import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Copies blobs from where they are into one new pack in the store and points their metadata at
 * the copy, in one transaction: what the uploader does with staged blobs and the repacker with
 * blobs of sparse packs. The ciphertext is copied as it is, so a reader that still holds the old
 * place reads the same bytes there until the old pack goes, and finds the new place then.
 */
final class PackMover {

    /** A blob to move: the pack it is in, where, and how long. */
    record Source(long packId, String locator, long offset, int length) {
    }

    /** What a move did: the new pack (null when every source was gone) and how many blobs it took. */
    record Moved(String locator, int bytes, int blobs, int gone) {
    }

    private final Database db;
    private final ChunkStore from;
    private final ChunkStore to;
    private final Clock clock;
    private final boolean holdForBackup;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param from where the sources are read (the staging area, or the store)
     * @param to   where the new pack goes
     */
    PackMover(Database db, ChunkStore from, ChunkStore to, Clock clock) {
        this(db, from, to, clock, false);
    }

    /**
     * @param holdForBackup the packs emptied by a move are deleted only after the next metadata
     *                      snapshot (a repack: the last snapshot still names them)
     */
    PackMover(Database db, ChunkStore from, ChunkStore to, Clock clock, boolean holdForBackup) {
        this.holdForBackup = holdForBackup;
        this.db = db;
        this.from = from;
        this.to = to;
        this.clock = clock;
    }

    /**
     * Moves {@code sources} into one pack assembled in {@code buffer}. A source whose blob is gone
     * (deleted or overwritten before it was moved) is skipped, so nothing dead is stored.
     */
    Moved move(List<Source> sources, byte[] buffer) throws IOException, SQLException {
        List<Source> copied = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        int used = 0;
        for (Source source : sources) {
            if (used + source.length() > buffer.length) {
                throw new IllegalArgumentException("sources of more than " + buffer.length + " bytes");
            }
            try (InputStream in = from.open(new Locator(source.locator()), source.offset(), source.length())) {
                if (in.readNBytes(buffer, used, source.length()) != source.length()) {
                    throw new StoreException.Retryable(source.locator() + " ended early");
                }
            } catch (StoreException.NotFound gone) {
                continue;
            }
            copied.add(source);
            offsets.add((long) used);
            used += source.length();
        }
        if (copied.isEmpty()) {
            return new Moved(null, 0, 0, sources.size());
        }
        String locator = to.put(randomName(), buffer, 0, used).value();
        int size = used;
        long now = clock.millis();
        int moved = db.write(c -> {
            long packId = Packs.insert(c, locator, size, false, now);
            Set<Long> touched = new LinkedHashSet<>();
            int n = 0;
            for (int i = 0; i < copied.size(); i++) {
                Source source = copied.get(i);
                if (!Packs.isAt(c, source.packId(), source.locator())) {
                    // Dropped while its bytes were copied; on SQLite a pack recorded since may even
                    // have been given its id, and that pack's blobs are not the ones copied.
                    continue;
                }
                if (Blobs.move(c, source.packId(), source.offset(), packId, offsets.get(i))) {
                    n++;
                }
                touched.add(source.packId());
            }
            touched.add(packId);
            Packs.dropIfUnused(c, touched, now, holdForBackup);
            return n;
        });
        return new Moved(locator, size, moved, sources.size() - moved);
    }

    private String randomName() {
        byte[] name = new byte[16];
        random.nextBytes(name);
        return HexFormat.of().formatHex(name);
    }
}
