package io.attache.app;

import io.attache.config.Config;
import io.attache.fs.BackupPointer;
import io.attache.fs.ChunkCollector;
import io.attache.fs.FsException;
import io.attache.fs.Fsck;
import io.attache.fs.TrashBin;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code fsck}, {@code gc}, {@code backup}, {@code restore} and {@code trash}: checking,
 * collecting, backing up and recovering a data directory. {@code gc} and {@code backup} need the
 * server stopped (on PostgreSQL, gc needs every node stopped); {@code fsck} and {@code trash} also
 * work beside a running server.
 */
final class MaintenanceCommands {

    private final Config config;
    private final PrintStream out;
    private final PrintStream err;

    MaintenanceCommands(Config config, PrintStream out, PrintStream err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    int fsck(Main.Args args) throws Exception {
        args.expect(1, "fsck [--verify-chunks] [--sample PERCENT]");
        if (args.value("--sample").isPresent() && !args.flag("--verify-chunks")) {
            throw new Main.UsageException("--sample chooses which chunks --verify-chunks fetches; give both");
        }
        double fraction = args.value("--sample").map(MaintenanceCommands::percent).orElse(100.0) / 100.0;
        try (Attache attache = Attache.open(config)) {
            Fsck fsck = new Fsck(attache.db, attache.staging, attache.clusterNode());
            Fsck.Report metadata = fsck.checkMetadata();
            out.printf("metadata: %d nodes, %d versions, %d chunks: %s%n", metadata.nodes(), metadata.versions(),
                    metadata.chunks(), metadata.clean() ? "consistent" : metadata.problems().size() + " problems");
            metadata.problems().forEach(p -> out.println("  " + p));
            boolean clean = metadata.clean();
            if (args.flag("--verify-chunks")) {
                ProgressBar bar = new ProgressBar(err, "verifying chunks");
                Fsck.Report chunks = fsck.verifyChunks(attache.reader, fraction, System.nanoTime(), bar::update);
                bar.done();
                out.printf("chunks: %d fetched and authenticated: %s%n", chunks.chunks(),
                        chunks.clean() ? "all intact" : chunks.problems().size() + " damaged or missing");
                chunks.problems().forEach(p -> out.println("  " + p));
                clean &= chunks.clean();
            }
            return clean ? 0 : 1;
        }
    }

    int gc(Main.Args args) throws Exception {
        args.expect(1, "gc");
        try (Attache attache = Attache.open(config)) {
            attache.lockDataDirectory();
            if (attache.clusterNode() != null && !attache.member.alive().isEmpty()) {
                throw new IllegalStateException("gc deletes what no metadata names, which is only safe while no node writes: "
                        + "stop every node first (alive: " + attache.member.alive().stream()
                        .map(m -> m.id() + (m.url() == null ? "" : " at " + m.url())).toList() + ")");
            }
            // Every node is stopped: no write of any is under way.
            int abandoned = new ChunkCollector(attache.db, attache.store, Clock.systemUTC(), Duration.ZERO)
                    .recoverAbandonedWrites(Long.MAX_VALUE);
            int staged = attache.staging == null ? 0 : attache.recoverStaging();
            int orphans = attache.collector.collectOrphans(attache.backup.snapshotLocators());
            int expired = attache.trash.purgeExpired();
            int accounts = attache.users.purgeRemoved();
            int repacked = attache.repacker.repack(Integer.MAX_VALUE);
            int deleted = new ChunkCollector(attache.db, attache.store, Clock.systemUTC(), Duration.ZERO, attache.clusterNode())
                    .drain(Integer.MAX_VALUE);
            out.printf("interrupted uploads: %d blobs forgotten%n", abandoned);
            if (attache.staging != null) {
                out.printf("staging: %d staged blobs no metadata refers to, deleted%n", staged);
            }
            out.println(orphans < 0 ? "orphans: this store cannot list its objects; not scanned"
                    : "orphans: " + orphans + " packs no metadata refers to, deleted");
            out.printf("trash: %d expired items emptied, %d removed accounts deleted%n", expired, accounts);
            out.printf("repack: %d new packs for the live blobs of sparse packs%n", repacked);
            out.printf("delete queue: %d packs deleted from the store%n", deleted);
            return 0;
        }
    }

    int backup(Main.Args args) throws Exception {
        args.expect(1, "backup");
        try (Attache attache = Attache.open(config)) {
            attache.lockDataDirectory();
            BackupPointer.Snapshot s = attache.backup.backupNow();
            out.printf("backed up %d bytes of metadata in %d chunks at %s%n", s.content().size(),
                    s.content().chunks().size(), Instant.ofEpochMilli(s.createdAt()));
            return 0;
        }
    }

    int restore(Main.Args args) throws Exception {
        args.expect(1, "restore --from-store [--force]");
        if (!args.flag("--from-store")) {
            throw new Main.UsageException("usage: attache restore --from-store [--force]");
        }
        Restore.Result result = Restore.fromStore(config, args.flag("--force"));
        BackupPointer.Snapshot s = result.snapshot();
        out.printf("restored the metadata snapshot of %s (%d bytes) into %s%n", Instant.ofEpochMilli(s.createdAt()),
                s.content().size(), config.databaseFile());
        if (result.previous() != null) {
            out.println("the previous database, complete, is kept as " + result.previous());
        }
        out.println("check the data with: attache fsck --verify-chunks");
        return 0;
    }

    int trash(Main.Args args) throws Exception {
        if (args.positional.size() < 2) {
            throw new Main.UsageException("usage: attache trash list|restore ID...|empty [--user NAME]");
        }
        String action = args.positional.get(1);
        switch (action) {
            case "list", "empty" -> args.expect(2, "trash " + action + " [--user NAME]");
            case "restore" -> {
                if (args.positional.size() < 3) {
                    throw new Main.UsageException("usage: attache trash restore ID...");
                }
            }
            default -> throw new Main.UsageException("unknown trash command '" + action + "'");
        }
        String user = args.value("--user").orElse(null);
        try (Attache attache = Attache.open(config)) {
            TrashBin trash = attache.trash;
            switch (action) {
                case "list" -> {
                    List<TrashBin.Entry> entries = trash.list(user);
                    out.printf("%-8s %-16s %-20s %14s  %s%n", "ID", "USER", "DELETED", "BYTES", "PATH");
                    for (TrashBin.Entry e : entries) {
                        out.printf("%-8d %-16s %-20s %14d  %s%s%n", e.id(), e.user(), e.deletedAt().toString().substring(0, 19),
                                e.sizeBytes(), e.originalPath(), e.folder() ? "/" : "");
                    }
                }
                case "restore" -> {
                    List<Long> ids = new java.util.ArrayList<>();
                    for (String arg : args.positional.subList(2, args.positional.size())) {
                        try {
                            ids.add(Long.parseLong(arg));
                        } catch (NumberFormatException e) {
                            throw new Main.UsageException("a trash item id is a number: " + arg);
                        }
                    }
                    int failed = 0;
                    for (long id : ids) {
                        try {
                            out.println("restored item " + id + " to " + trash.restore(id));
                        } catch (FsException e) {
                            err.println("attache: item " + id + ": " + e.getMessage());
                            failed++;
                        }
                    }
                    return failed == 0 ? 0 : 1;
                }
                default -> out.println("emptied " + trash.empty(user) + " items" + (user == null ? " from every trash" : " of " + user));
            }
            return 0;
        }
    }

    private static double percent(String value) {
        try {
            double p = Double.parseDouble(value.replace("%", ""));
            if (p <= 0 || p > 100) {
                throw new IllegalArgumentException("--sample takes a percentage above 0 and at most 100: " + value);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--sample takes a percentage: " + value);
        }
    }
}
