package io.attache.fs;

import io.attache.crypto.AuthenticationFailedException;
import io.attache.crypto.MasterKey;
import io.attache.meta.Database;
import io.attache.pipeline.ChunkWriter;
import io.attache.pipeline.Content;
import io.attache.pipeline.RangeReader;
import io.attache.store.ChunkStore;
import io.attache.store.Locator;
import io.attache.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Metadata backups into the chunk store, so that a lost data directory can be rebuilt from the
 * store and the key alone. A backup takes a consistent snapshot of the database, stores it
 * encrypted like any file (its own content key, chunked), then replaces the {@link BackupPointer}
 * with one that lists it and the previous {@code keep - 1} snapshots, and only then deletes the
 * snapshots that fell off the list. A crash at any step leaves the previous pointer valid; chunks
 * of an interrupted backup are orphans that {@code attache gc} collects.
 */
public final class MetadataBackup {

    private static final Logger log = LoggerFactory.getLogger(MetadataBackup.class);

    private final Database db;
    private final ChunkStore store;
    private final MasterKey masterKey;
    private final ChunkWriter writer;
    private final RangeReader reader;
    private final Clock clock;
    private final int keep;
    private final String kdf;
    private final Path workDir;
    private final Uploader uploader;
    private final CommitGate gate;

    /**
     * @param writer a chunk writer whose journal is not the database being backed up
     * @param kdf    the Argon2id parameters of a passphrase-derived master key, or null for a key file
     */
    public MetadataBackup(Database db, ChunkStore store, MasterKey masterKey, ChunkWriter writer, RangeReader reader,
                          Clock clock, int keep, String kdf, Path workDir) {
        this(db, store, masterKey, writer, reader, clock, keep, kdf, workDir, null, new CommitGate());
    }

    /**
     * @param uploader the write-back uploader, or null: with write-back, a snapshot is taken only
     *                 once no committed content is left in staging (see {@link CommitGate})
     */
    public MetadataBackup(Database db, ChunkStore store, MasterKey masterKey, ChunkWriter writer, RangeReader reader,
                          Clock clock, int keep, String kdf, Path workDir, Uploader uploader, CommitGate gate) {
        this.uploader = uploader;
        this.gate = gate;
        this.db = db;
        this.store = store;
        this.masterKey = masterKey;
        this.writer = writer;
        this.reader = reader;
        this.clock = clock;
        this.keep = Math.max(1, keep);
        this.kdf = kdf;
        this.workDir = workDir;
    }

    /** Takes and uploads a snapshot now; returns it. */
    public BackupPointer.Snapshot backupNow() throws IOException, SQLException {
        Path snapshot = workDir.resolve("backup-" + clock.millis() + ".db");
        Files.deleteIfExists(snapshot);
        createPrivate(snapshot);
        try {
            long snapshotAt;
            if (uploader == null) {
                // Write-through here; in a cluster, other nodes may still stage what they committed.
                snapshotAt = snapshotIfNothingStaged(snapshot);
                if (snapshotAt == 0) {
                    throw new IOException("committed content is still staged on other nodes; the backup waits for the "
                            + "next interval" + stagedWhere());
                }
            } else {
                snapshotAt = snapshotOfStoredContent(snapshot);
            }
            Content content;
            try (InputStream in = Files.newInputStream(snapshot)) {
                content = writer.write(in, Long.MAX_VALUE);
            }
            BackupPointer.Snapshot taken = new BackupPointer.Snapshot(clock.millis(), content);
            List<BackupPointer.Snapshot> snapshots = new ArrayList<>();
            snapshots.add(taken);
            snapshots.addAll(current().map(BackupPointer::snapshots).orElse(List.of()));
            List<BackupPointer.Snapshot> kept = snapshots.subList(0, Math.min(keep, snapshots.size()));
            List<BackupPointer.Snapshot> dropped = snapshots.subList(kept.size(), snapshots.size());
            store.putPointer(BackupPointer.NAME, new BackupPointer(masterKey.keyId(), kdf, kept).encode(masterKey.backupKey()));
            // Packs emptied by repacking before the snapshot are named by no snapshot now.
            db.write(c -> io.attache.meta.DeleteQueue.releaseHeld(c, snapshotAt));
            deleteSnapshots(dropped);
            log.info("Backed up the metadata: {} bytes in {} chunks; {} snapshots kept", content.size(),
                    content.chunks().size(), kept.size());
            return taken;
        } finally {
            Files.deleteIfExists(snapshot);
        }
    }

    /**
     * Snapshots the database at a moment when every committed blob is in the store: a restore on
     * another machine has the store, not this one's staging area. Waits for the uploader, then
     * pauses commits just long enough to check and copy; under a steady stream of writes it
     * holds commits while the last staged ones go up, at most {@link #HOLD_MILLIS}.
     */
    private long snapshotOfStoredContent(Path snapshot) throws IOException, SQLException {
        try {
            for (int attempt = 1; attempt <= 3; attempt++) {
                if (!uploader.awaitFlushed(FLUSH_WAIT)) {
                    throw new IOException("staged content did not reach the store within " + FLUSH_WAIT.toMinutes()
                            + " min (see 'attache uploads'); the backup waits for the next interval");
                }
                long taken = gate.closedFor(HOLD_MILLIS, () -> snapshotIfNothingStaged(snapshot));
                if (taken > 0) {
                    return taken;
                }
            }
            long taken = gate.closedFor(HOLD_MILLIS, () ->
                    uploader.awaitFlushed(java.time.Duration.ofMillis(HOLD_MILLIS)) ? snapshotIfNothingStaged(snapshot) : 0L);
            if (taken == 0) {
                throw new IOException("writes kept staging new content; the backup waits for the next interval" + stagedWhere());
            }
            return taken;
        } catch (IOException | SQLException | RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for uploads");
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static final java.time.Duration FLUSH_WAIT = java.time.Duration.ofMinutes(10);
    private static final long HOLD_MILLIS = 30_000;

    /**
     * Takes the snapshot unless committed content is still staged (checked in the state the
     * snapshot copies, on PostgreSQL, where other nodes commit past this node's gate); returns
     * when it was taken, or 0.
     */
    private long snapshotIfNothingStaged(Path snapshot) throws SQLException {
        long at = clock.millis();
        return db.snapshotTo(snapshot, c -> io.attache.meta.Packs.committedStaged(c) == 0) ? at : 0;
    }

    /** Which nodes still hold committed content only in their staging areas, for the message of a backup that waits. */
    private String stagedWhere() {
        try {
            return " (committed blobs still staged, by node: " + db.read(io.attache.meta.Packs::committedStagedByNode) + ")";
        } catch (SQLException e) {
            return "";
        }
    }

    /** The pointer in the store, if a backup was ever made. */
    public Optional<BackupPointer> current() throws IOException {
        return read(store, masterKey);
    }

    static Optional<BackupPointer> read(ChunkStore store, MasterKey masterKey) throws IOException {
        Optional<byte[]> record = store.getPointer(BackupPointer.NAME);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(BackupPointer.decode(record.get(), masterKey.backupKey()));
    }

    /** Locators of every chunk that belongs to a listed snapshot: the collector must not touch them. */
    public Set<String> snapshotLocators() throws IOException {
        Set<String> out = new HashSet<>();
        for (BackupPointer.Snapshot s : current().map(BackupPointer::snapshots).orElse(List.of())) {
            for (Content.StoredChunk chunk : s.content().chunks()) {
                out.add(chunk.locator());
            }
        }
        return out;
    }

    /**
     * Writes the newest snapshot in {@code store} to {@code target} (which must not exist) and
     * checks that it is a consistent Attaché database, complete without a -wal. Needs nothing but
     * the store and the key. On failure {@code target} does not exist.
     */
    public static BackupPointer.Snapshot restoreNewest(ChunkStore store, MasterKey masterKey, RangeReader reader,
                                                       Path target) throws IOException, SQLException {
        BackupPointer pointer = read(store, masterKey).orElseThrow(() -> new IOException("the store holds no metadata backup"));
        if (!masterKey.hasKeyId(pointer.keyId())) {
            throw new AuthenticationFailedException("the backups were made with master key " + pointer.keyId()
                    + ", this is " + masterKey.keyId());
        }
        if (pointer.snapshots().isEmpty()) {
            throw new IOException("the backup pointer lists no snapshot");
        }
        BackupPointer.Snapshot newest = pointer.snapshots().get(0);
        Files.deleteIfExists(target);
        createPrivate(target);
        boolean done = false;
        try {
            try (OutputStream out = Files.newOutputStream(target)) {
                reader.copy(newest.content(), 0, newest.content().size(), out);
            }
            try (Database restored = Database.open(target, true)) {
                Fsck.Report report = new Fsck(restored).checkMetadata();
                if (!report.clean()) {
                    throw new IOException("the restored snapshot is not consistent: " + report.problems());
                }
            }
            Path wal = target.resolveSibling(target.getFileName() + "-wal");
            if (Files.exists(wal) && Files.size(wal) > 0) {
                throw new IOException("the restored database was not checkpointed: " + wal);
            }
            done = true;
            return newest;
        } finally {
            if (!done) {
                // Only this restore's own download: nothing that was there before.
                Files.deleteIfExists(target);
            }
            Files.deleteIfExists(target.resolveSibling(target.getFileName() + "-wal"));
            Files.deleteIfExists(target.resolveSibling(target.getFileName() + "-shm"));
        }
    }

    /**
     * An empty file readable by its owner only, for SQLite to fill (VACUUM INTO accepts an empty
     * file; a file it creates itself would be world-readable).
     */
    private static void createPrivate(Path file) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
    }

    private void deleteSnapshots(List<BackupPointer.Snapshot> dropped) {
        for (BackupPointer.Snapshot s : dropped) {
            List<Locator> locators = new ArrayList<>();
            for (Content.StoredChunk chunk : s.content().chunks()) {
                locators.add(new Locator(chunk.locator()));
            }
            try {
                store.deleteAll(locators);
            } catch (StoreException e) {
                log.warn("Could not delete an old metadata snapshot ({}); 'attache gc' will: {}", locators.size(), e.getMessage());
            }
        }
    }
}
