package io.attache.app;

import io.attache.config.Config;
import io.attache.fs.BackupPointer;
import io.attache.fs.Fsck;
import io.attache.meta.Database;
import io.attache.meta.Dialect;
import io.attache.meta.Packs;
import io.attache.meta.TableCopy;

import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * {@code attache migrate-db --to URL}: moves a data directory's SQLite metadata into an empty
 * PostgreSQL database, so that the drive can be served by several nodes. The server is stopped;
 * every row is copied with its id in one transaction (all or nothing), and the copy must then
 * pass fsck. The chunk store is not touched: the nodes read the same store afterwards. A restore
 * from the store on PostgreSQL ends the same way.
 */
final class DatabaseCommands {

    private final Config config;
    private final PrintStream out;

    DatabaseCommands(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    int migrate(Main.Args args) throws Exception {
        args.expect(1, "migrate-db --to jdbc:postgresql://HOST:PORT/DATABASE");
        String url = args.value("--to").orElseThrow(() -> new Main.UsageException(
                "usage: attache migrate-db --to jdbc:postgresql://HOST:PORT/DATABASE"));
        if (Dialect.of(url) != Dialect.POSTGRESQL) {
            throw new Main.UsageException("migrate-db copies into PostgreSQL: --to jdbc:postgresql://HOST:PORT/DATABASE");
        }
        if (config.metadata().postgres()) {
            throw new IllegalStateException("database-url names PostgreSQL already; migrate-db copies the SQLite database "
                    + "of a data directory (leave database-url unset while migrating)");
        }
        try (Attache attache = Attache.open(config)) {
            attache.lockDataDirectory();
            Packs.StagedSummary staged = attache.db.read(Packs::stagedSummary);
            if (staged.packs() > 0) {
                throw new IllegalStateException(staged.packs() + " blobs are still staged on this machine only; run "
                        + "'attache flush' first, so that every node can read everything from the store");
            }
            int abandoned = attache.collector.recoverAbandonedWrites(Long.MAX_VALUE);
            Config.Metadata m = config.metadata();
            try (Database target = Database.open(new Database.Settings(url, m.user(), m.password(), true))) {
                Map<String, Long> rows = copyInto(attache.db, target);
                rows.forEach((table, n) -> out.printf("%-16s %10d rows%n", table, n));
                Fsck.Report report = new Fsck(target).checkMetadata();
                out.printf("interrupted uploads: %d blobs forgotten before copying%n", abandoned);
                out.printf("fsck of the copy: %d nodes, %d versions, %d chunks: %s%n", report.nodes(), report.versions(),
                        report.chunks(), report.clean() ? "consistent" : report.problems().size() + " problems");
                report.problems().forEach(p -> out.println("  " + p));
                if (!report.clean()) {
                    return 1;
                }
            }
            out.println("Copied into " + new Database.Settings(url, null, null, true).describe() + ". Set database-url to it "
                    + "(with database-user and database-password) on every node; keep this data directory's key and store "
                    + "settings. The SQLite file is left as it was.");
            return 0;
        }
    }

    /**
     * Copies every row of {@code source} into {@code target}, which must be empty (a database
     * that a node has only migrated), in one transaction of each.
     *
     * @return rows copied, by table
     */
    static Map<String, Long> copyInto(Database source, Database target) throws SQLException {
        List<String> used = target.read(c -> TableCopy.nonEmpty(c, TableCopy.NODE_LOCAL));
        if (!used.isEmpty()) {
            throw new IllegalStateException(target.describe() + " is not empty (rows in " + used + "); copy only into "
                    + "an empty database, such as one just created with CREATE DATABASE");
        }
        return target.write(to -> source.read(from -> TableCopy.copy(from, to, target.dialect(), TableCopy.NODE_LOCAL)));
    }

    /**
     * On PostgreSQL: the snapshot (an SQLite file, whichever engine it was taken from) is
     * restored beside the data directory and copied into the configured database, which must be
     * empty: a restore never mixes with what a database holds.
     */
    static BackupPointer.Snapshot restoreIntoPostgres(Config config) throws Exception {
        Path temp = config.dataDir().resolve("restore-" + System.currentTimeMillis() + ".db");
        try (Database target = Attache.openDatabase(config)) {
            List<String> used = target.read(c -> TableCopy.nonEmpty(c, TableCopy.NODE_LOCAL));
            if (!used.isEmpty()) {
                throw new IllegalStateException(target.describe() + " is not empty (rows in " + used + "); restore into "
                        + "an empty database");
            }
            BackupPointer.Snapshot snapshot = Restore.intoSqlite(
                    config.withMetadata(new Config.Metadata("jdbc:sqlite:" + temp, null, null)), false).snapshot();
            try (Database restored = Database.open(temp, true)) {
                copyInto(restored, target);
            }
            LoggerFactory.getLogger(DatabaseCommands.class).info("Copied the restored snapshot into {}", target.describe());
            return snapshot;
        } finally {
            Files.deleteIfExists(temp);
            Files.deleteIfExists(temp.resolveSibling(temp.getFileName() + "-wal"));
            Files.deleteIfExists(temp.resolveSibling(temp.getFileName() + "-shm"));
        }
    }
}
