package io.attache.app;

import io.attache.config.Config;
import io.attache.crypto.ChunkFormat;
import io.attache.crypto.MasterKey;
import io.attache.fs.BackupPointer;
import io.attache.fs.MetadataBackup;
import io.attache.meta.Database;
import io.attache.pipeline.BufferPool;
import io.attache.pipeline.RangeReader;
import io.attache.store.ChunkStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code attache restore --from-store}: rebuilds the database of a data directory from the newest
 * metadata snapshot in the store, for a machine that has only the key (or the passphrase) and the
 * store configuration. In this order, so that a failure at any step leaves everything as it was:
 * <ol>
 *   <li>take the data directory (refused while a server or another command uses it);</li>
 *   <li>find, download, decrypt and check the snapshot into a file of its own;</li>
 *   <li>only then, with {@code --force}, make the existing database complete (its write-ahead
 *       log checkpointed into it) and move it aside under a name that is reported;</li>
 *   <li>move the restored database into place.</li>
 * </ol>
 * Nothing is ever deleted: a WAL holds acknowledged writes until it is checkpointed.
 */
final class Restore {

    private static final Logger log = LoggerFactory.getLogger(Restore.class);

    /** What was restored, and where the previous database went (null when there was none). */
    record Result(BackupPointer.Snapshot snapshot, Path previous) {
    }

    private Restore() {
    }

    static Result fromStore(Config config, boolean force) throws Exception {
        DataDirectory.create(config.dataDir());
        try (Closeable lock = DataDirectory.lock(config.dataDir())) {
            if (Attache.clustered(config)) {
                return new Result(DatabaseCommands.restoreIntoPostgres(config), null);
            }
            return intoSqlite(config, force);
        }
    }

    /** Restores into the SQLite file of {@code config}; the caller holds the data directory. */
    static Result intoSqlite(Config config, boolean force) throws Exception {
        {
            Path db = config.databaseFile();
            boolean replacing = Files.exists(db);
            if (replacing && !force) {
                throw new IllegalStateException(db + " exists; restoring would replace it (--force keeps it aside, complete)");
            }
            Path restored = db.resolveSibling(db.getFileName() + ".restoring");
            String kdf;
            BackupPointer.Snapshot snapshot;
            try (ChunkStore store = Attache.openStore(config)) {
                byte[] record = store.getPointer(BackupPointer.NAME)
                        .orElseThrow(() -> new IllegalStateException("the store holds no metadata backup; nothing was changed"));
                kdf = BackupPointer.peek(record)[1];
                if (config.passphrase() == null && !Files.exists(config.keyFile())) {
                    throw new IllegalStateException("no master key at " + config.keyFile()
                            + ": copy the key file of the lost server there (or set key-file / passphrase)");
                }
                MasterKey key = Attache.loadMasterKey(config, kdf);
                snapshot = download(config, store, key, restored);
            }
            Path previous = replacing ? keepAside(db) : null;
            Files.move(restored, db, StandardCopyOption.ATOMIC_MOVE);
            Path params = config.dataDir().resolve("key.params");
            if (config.passphrase() != null && kdf != null && !Files.exists(params)) {
                DataDirectory.writePrivate(params, kdf + "\n");
            }
            return new Result(snapshot, previous);
        }
    }

    private static BackupPointer.Snapshot download(Config config, ChunkStore store, MasterKey key, Path into) throws Exception {
        ExecutorService fetchers = Executors.newFixedThreadPool(2, Attache.daemon("attache-restore"));
        try {
            RangeReader reader = new RangeReader(store, key, fetchers, config.readAhead(),
                    new BufferPool(ChunkFormat.largestChunkFitting(10 << 20), 1, 0));
            return MetadataBackup.restoreNewest(store, key, reader, into);
        } finally {
            fetchers.shutdownNow();
        }
    }

    /**
     * Checkpoints the existing database (so that it is complete without its -wal) and renames it,
     * with whatever -wal and -shm SQLite left, to {@code attache.db.before-restore-<time>}.
     */
    private static Path keepAside(Path db) throws Exception {
        Database.checkpoint(db);
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        if (Files.exists(wal) && Files.size(wal) > 0) {
            throw new IllegalStateException(wal + " still holds writes after a checkpoint; is a program using "
                    + db + "? Nothing was changed");
        }
        String stamp = Instant.now().toString().replace(":", "").replace(".", "-");
        Path aside = db.resolveSibling(db.getFileName() + ".before-restore-" + stamp);
        for (String suffix : new String[]{"-wal", "-shm"}) {
            Path companion = db.resolveSibling(db.getFileName() + suffix);
            if (Files.exists(companion)) {
                Files.move(companion, aside.resolveSibling(aside.getFileName() + suffix));
            }
        }
        Files.move(db, aside);
        log.info("Kept the previous database, checkpointed, as {}", aside);
        return aside;
    }
}
