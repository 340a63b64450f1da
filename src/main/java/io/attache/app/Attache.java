package io.attache.app;

import io.attache.config.Config;
import io.attache.crypto.Argon2id;
import io.attache.crypto.ChunkFormat;
import io.attache.crypto.KeyFile;
import io.attache.crypto.MasterKey;
import io.attache.crypto.SegmentCipher;
import io.attache.dav.DavEngine;
import io.attache.dav.DavSettings;
import io.attache.fs.BackupPointer;
import io.attache.fs.ChunkCollector;
import io.attache.fs.ClusterMember;
import io.attache.fs.CommitGate;
import io.attache.fs.FileService;
import io.attache.fs.Housekeeper;
import io.attache.fs.MetadataBackup;
import io.attache.fs.Repacker;
import io.attache.fs.StagedBlobs;
import io.attache.fs.TrashBin;
import io.attache.fs.UserService;
import io.attache.fs.WriteJournal;
import io.attache.fs.Uploader;
import io.attache.meta.Database;
import io.attache.meta.Settings;
import io.attache.pipeline.BufferPool;
import io.attache.pipeline.ChunkWriter;
import io.attache.pipeline.Packer;
import io.attache.pipeline.PendingChunkLog;
import io.attache.pipeline.RangeReader;
import io.attache.server.AttacheServer;
import io.attache.server.TlsKeys;
import io.attache.store.ChunkStore;
import io.attache.store.PeerSignature;
import io.attache.store.PeerStagingStore;
import io.attache.store.StagingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The object graph of one Attaché instance, built from a {@link Config}: database, master key,
 * chunk store, pipeline, file and user services. The CLI commands open one, use what they need and
 * close it; {@link #serve} adds the HTTP server and the background collector.
 */
public final class Attache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Attache.class);

    public final Config config;
    public final Database db;
    public final MasterKey masterKey;
    public final ChunkStore store;
    public final FileService files;
    public final UserService users;
    public final ChunkCollector collector;
    public final TrashBin trash;
    public final MetadataBackup backup;
    public final RangeReader reader;
    private final Housekeeper housekeeper = new Housekeeper();
    private final ExecutorService uploaders;
    private final ExecutorService fetchers;
    private final Packer packer;
    /** The write-back uploader and its staging area, or null when nothing is ever staged. */
    public final Uploader uploader;
    public final StagingStore staging;
    public final Repacker repacker;
    /** This node among the nodes that share the database (on SQLite, the only one). */
    public final ClusterMember member;
    private final PeerSignature peerSignature;
    private FileChannel lockChannel;
    private FileLock lock;

    /**
     * Backup chunks are not recorded in the database they back up: until the pointer names them
     * they are orphans, which 'attache gc' finds by listing the store.
     */
    private static final PendingChunkLog ORPHANS_FOUND_BY_GC = new PendingChunkLog() {
        @Override
        public void stored(String locator, long size, boolean staged, java.util.List<Blob> blobs) {
        }

        @Override
        public void abandoned(byte[] contentId) {
        }
    };

    /**
     * @param base    the configured store with its wrappers
     * @param staging the write-back staging area over {@code base}, or null for write-through
     */
    private Attache(Config config, Database db, MasterKey masterKey, ChunkStore base, StagingStore staging, String nodeId) {
        this.config = config;
        this.db = db;
        this.masterKey = masterKey;
        this.staging = staging;
        Clock clock = Clock.systemUTC();
        this.member = new ClusterMember(db, clock, nodeId, config.cluster().nodeTimeout());
        // In a cluster, blobs staged on another node are read from it (see PeerStagingStore).
        String node = clustered(config) ? nodeId : null;
        this.peerSignature = config.cluster().secret() == null ? null : new PeerSignature(config.cluster().secret(), clock);
        ChunkStore local = staging != null ? staging : base;
        this.store = node == null ? local : new PeerStagingStore(local, nodeId, peer -> {
            try {
                return member.urlOf(peer);
            } catch (SQLException e) {
                throw new io.attache.store.StoreException.Retryable("cannot look up node " + peer + ": " + e.getMessage(), e);
            }
        }, peerSignature);
        int chunkSize = chunkSize(config, base);
        BufferPool buffers = new BufferPool(ChunkFormat.cipherChunkSize(chunkSize), config.uploadBuffers(), 120_000);
        this.uploaders = Executors.newFixedThreadPool(config.uploadBuffers(), daemon("attache-upload"));
        this.fetchers = Executors.newFixedThreadPool(Math.max(2, config.uploadBuffers()), daemon("attache-fetch"));
        WriteJournal journal = new WriteJournal(db, clock, nodeId);
        this.collector = new ChunkCollector(db, store, clock, config.gcGrace(), node);
        this.uploader = staging == null ? null : new Uploader(db, staging, base, collector, clock,
                ChunkFormat.cipherChunkSize(chunkSize), config.packing().linger(), config.uploadConcurrency(), node);
        ChunkWriter writer;
        if (config.packing().writeBack() == Config.WriteBack.ON) {
            this.packer = null;
            writer = ChunkWriter.staging(staging, masterKey, journal, chunkSize, uploader::wakeUp);
        } else {
            int packThreshold = packThreshold(config, chunkSize);
            this.packer = packThreshold == 0 ? null : new Packer(base, journal,
                    new BufferPool(ChunkFormat.cipherChunkSize(chunkSize), config.uploadConcurrency() + 1, 0),
                    config.uploadConcurrency());
            writer = new ChunkWriter(base, masterKey, buffers, uploaders, journal, chunkSize, config.uploadConcurrency(),
                    packer, packThreshold);
        }
        this.reader = new RangeReader(store, masterKey, fetchers, config.readAhead(),
                new BufferPool(chunkSize, 2 * config.uploadBuffers(), 0));
        ChunkWriter backupWriter = new ChunkWriter(base, masterKey, buffers, uploaders, ORPHANS_FOUND_BY_GC, chunkSize,
                config.uploadConcurrency());
        this.repacker = new Repacker(db, base, clock, ChunkFormat.cipherChunkSize(chunkSize),
                config.packing().repackThreshold(), !config.backupInterval().isZero());
        CommitGate gate = new CommitGate();
        this.backup = new MetadataBackup(db, base, masterKey, backupWriter, reader, clock, config.backupKeep(),
                kdfParams(config), config.dataDir(), uploader, gate);
        this.trash = new TrashBin(db, clock, config.trashRetention());
        this.files = new FileService(db, writer, reader, journal, trash, clock, uploader, gate);
        this.users = new UserService(db, clock);
    }

    /** Opens the data directory, creating what is missing: folders, database, key. */
    public static Attache open(Config config) throws Exception {
        return open(config, UnaryOperator.identity());
    }

    /**
     * As {@link #open(Config)}, with the configured store wrapped by {@code decorate} below the
     * staging area: for tests that stall or fail the store.
     */
    public static Attache open(Config config, UnaryOperator<ChunkStore> decorate) throws Exception {
        DataDirectory.create(config.dataDir());
        String nodeId = DataDirectory.nodeId(config.dataDir());
        Database db = openDatabase(config);
        try {
            MasterKey key = loadMasterKey(config);
            checkKey(db, key, config);
            ChunkStore store = decorate.apply(openStore(config));
            try {
                return new Attache(config, db, key, store, staging(config, store, clustered(config) ? nodeId : null), nodeId);
            } catch (Exception | Error e) {
                store.close();
                throw e;
            }
        } catch (Exception | Error e) {
            db.close();
            throw e;
        }
    }

    /** The configured metadata database: SQLite in the data directory, or a PostgreSQL server. */
    static Database openDatabase(Config config) throws SQLException {
        if (!clustered(config)) {
            return Database.open(config.databaseFile(), config.durableCommits());
        }
        Config.Metadata m = config.metadata();
        return Database.open(new Database.Settings(m.url(), m.user(), m.password(), config.durableCommits()));
    }

    /** This node's id when it is one of a cluster (on PostgreSQL), null when it is alone (on SQLite). */
    public String clusterNode() {
        return clustered(config) ? member.id() : null;
    }

    /** On PostgreSQL this node is one of possibly several; on SQLite it is alone. */
    static boolean clustered(Config config) {
        return config.metadata().postgres();
    }

    /**
     * Starts the HTTP server. Holds an exclusive lock on the data directory while it runs, so two
     * servers can never share one data directory; on PostgreSQL, several servers with a data
     * directory each share the database (see README, "Several nodes").
     */
    public AttacheServer serve() throws Exception {
        lockDataDirectory();
        Path incarnation = config.dataDir().resolve("node-incarnation");
        member.join(Files.exists(incarnation) ? Files.readString(incarnation, StandardCharsets.US_ASCII).strip() : null);
        Files.writeString(incarnation, member.incarnation() + "\n", StandardCharsets.US_ASCII);
        Thread warmUp = new Thread(() -> SegmentCipher.warmUp(20_000), "attache-warm-up");
        warmUp.setDaemon(true);
        warmUp.setPriority(Thread.MIN_PRIORITY);
        warmUp.start();
        long started = System.currentTimeMillis();
        collector.recoverAbandonedWrites(started);
        if (uploader != null) {
            recoverStaging();
            uploader.start();
        }
        // Work for the whole drive: one node at a time does each (see ClusterMember).
        java.time.Duration gc = config.gcInterval();
        housekeeper.every(gc, "empty expired trash", () -> member.runIfDue("trash", gc, trash::purgeExpired))
                .every(gc, "delete unreferenced chunks", () -> member.runIfDue("collect", gc,
                        () -> collector.drain(Integer.MAX_VALUE)))
                .every(gc, "repack sparse packs", () -> member.runIfDue("repack", gc, () -> repacker.repack(10)))
                .every(gc, "give up the writes of nodes that died", () -> member.runIfDue("recover", gc,
                        member::recoverDeadNodes));
        if (staging != null) {
            // This node's own: only it can delete what it staged.
            housekeeper.every(gc, "delete staged blobs of deleted content", collector::drainStaged);
        }
        if (!config.backupInterval().isZero()) {
            java.time.Duration every = config.backupInterval();
            java.time.Duration look = every.compareTo(gc) < 0 ? every : gc;
            housekeeper.every(look, "back up the metadata", () -> member.runIfDue("backup", every, backup::backupNow));
        }
        DavEngine engine = new DavEngine(new DavSettings(config.maxXmlBody(), 1_000,
                config.lockDefaultTimeout().toSeconds(), config.lockMaxTimeout().toSeconds(), config.dropMacMetadata(),
                config.propfindInfinityLimit()));
        AttacheServer server = new AttacheServer(engine, files, users).http(config.listen());
        if (config.tlsListen() != null) {
            TlsKeys keys = config.tlsKeystore() != null
                    ? TlsKeys.load(config.tlsKeystore(), config.tlsKeystorePassword())
                    : TlsKeys.selfSigned(config.dataDir());
            server.https(config.tlsListen(), keys);
            log.info("HTTPS certificate SHA-256 fingerprint {}", keys.fingerprint());
        }
        if (config.cluster().listen() != null) {
            server.cluster(config.cluster().listen(), new StagedBlobs(staging, peerSignature, member.id()));
        }
        server.start();
        if (server.clusterPort() > 0) {
            member.advertise(config.cluster().url() != null ? config.cluster().url()
                    : clusterUrl(config.cluster().listen(), server.clusterPort()));
        }
        housekeeper.start();
        return server;
    }

    /** How the other nodes reach a listener on {@code listen}: its host, or this machine's name for every address. */
    private static String clusterUrl(io.attache.config.Values.Listen listen, int port) {
        String host = listen.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = java.net.InetAddress.getLocalHost().getCanonicalHostName();
            } catch (java.net.UnknownHostException e) {
                host = "localhost";
            }
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Deletes staged blobs no pack row names (a write that never recorded them: the server
     * stopped first), and the staged blobs already due for deletion. Only before any write runs.
     *
     * @return staged blobs deleted
     */
    int recoverStaging() throws IOException, SQLException {
        int leftovers = staging.deleteAllBut(db.read(io.attache.meta.Packs::stagedLocators));
        int due = collector.drainStaged();
        if (leftovers + due > 0) {
            log.info("Removed {} staged blobs of interrupted writes and {} of deleted content", leftovers, due);
        }
        return leftovers + due;
    }

    /** Creates user {@code admin} with a random password when there is no user at all; returns the password. */
    Optional<String> createFirstUser() throws Exception {
        if (!users.list().isEmpty()) {
            return Optional.empty();
        }
        char[] password = RandomPassword.generate(new SecureRandom());
        try {
            users.add("admin", password, null);
            return Optional.of(new String(password));
        } catch (io.attache.fs.FsException.AlreadyExists another) {
            // Another node of the cluster, started at the same moment, created it.
            return Optional.empty();
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static int chunkSize(Config config, ChunkStore store) {
        long limit = store.properties().maxObjectSize();
        if (config.chunkSize() == Config.AUTO_CHUNK_SIZE) {
            return ChunkFormat.largestChunkFitting(Math.min(limit, 10L << 20));
        }
        int size = (int) config.chunkSize();
        if (ChunkFormat.cipherChunkSize(size) > limit) {
            throw new IllegalArgumentException("chunk-size " + size + " encrypts to more than the store's limit of " + limit
                    + " bytes; the largest that fits is " + ChunkFormat.largestChunkFitting(limit));
        }
        return size;
    }

    /**
     * The staging area: with write-back, and also after write-back was turned off while staged
     * content was left, so that it is still read and uploaded; else null.
     */
    private static StagingStore staging(Config config, ChunkStore store, String node) throws IOException {
        Path dir = config.packing().stagingDir();
        if (config.packing().writeBack() != Config.WriteBack.ON && !hasFiles(dir)) {
            return null;
        }
        long blob = ChunkFormat.cipherChunkSize(chunkSize(config, store));
        if (config.packing().stagingSize() < 2 * blob) {
            throw new IllegalArgumentException("staging-size " + config.packing().stagingSize() + " is less than two chunks ("
                    + 2 * blob + " bytes): writes could not make progress");
        }
        return new StagingStore(store, config.packing().stagingDir(), config.packing().stagingSize(), node);
    }

    private static boolean hasFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.findAny().isPresent();
        }
    }

    /** The largest last chunk that is packed, in plaintext bytes: "auto" packs every partial chunk. */
    private static int packThreshold(Config config, int chunkSize) {
        long threshold = config.packing().threshold();
        return (int) (threshold == Config.AUTO_PACK_THRESHOLD ? chunkSize - 1 : Math.min(threshold, chunkSize - 1));
    }

    private static MasterKey loadMasterKey(Config config) throws IOException {
        SecureRandom random = new SecureRandom();
        if (config.passphrase() == null) {
            byte[] raw = KeyFile.loadOrCreate(config.keyFile(), random);
            try {
                return MasterKey.of(raw);
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        }
        Path paramsFile = config.dataDir().resolve("key.params");
        Argon2id params;
        if (Files.exists(paramsFile)) {
            params = Argon2id.parse(Files.readString(paramsFile, StandardCharsets.US_ASCII));
        } else {
            params = Argon2id.forMasterKey(random);
            Files.writeString(paramsFile, params + "\n", StandardCharsets.US_ASCII);
        }
        byte[] raw = params.derive(config.passphrase().toCharArray(), ChunkFormat.KEY_SIZE);
        try {
            return MasterKey.of(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** The first key that opens a database is recorded; any other is refused before it reads anything. */
    private static void checkKey(Database db, MasterKey key, Config config) throws SQLException {
        Optional<String> recorded = db.write(c -> {
            Optional<String> id = Settings.get(c, Settings.KEY_ID);
            if (id.isEmpty()) {
                Settings.put(c, Settings.KEY_ID, key.keyId());
            }
            return id;
        });
        if (recorded.isPresent() && !key.hasKeyId(recorded.get())) {
            throw new IllegalStateException("the master key (" + (config.passphrase() != null ? "passphrase" : config.keyFile())
                    + ") is not the key of " + db.describe() + ": expected key id " + recorded.get()
                    + ", got " + key.keyId());
        }
    }

    private static ChunkStore openStore(Config config) throws IOException {
        try {
            return Stores.open(config);
        } catch (io.attache.config.ConfigException e) {
            throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
        }
    }

    /**
     * Rebuilds the database of {@code config}'s data directory from the newest metadata snapshot
     * in the store: the disaster-recovery path, for a machine that has only the key (or the
     * passphrase) and the store configuration.
     */
    static BackupPointer.Snapshot restoreFromStore(Config config, boolean force) throws Exception {
        DataDirectory.create(config.dataDir());
        if (clustered(config)) {
            return DatabaseCommands.restoreIntoPostgres(config);
        }
        Path db = config.databaseFile();
        if (Files.exists(db)) {
            if (!force) {
                throw new IllegalStateException(db + " exists; restoring would replace it (use --force to keep it aside)");
            }
            Path aside = db.resolveSibling("attache.db.before-restore-" + System.currentTimeMillis());
            Files.move(db, aside);
            Files.deleteIfExists(db.resolveSibling("attache.db-wal"));
            Files.deleteIfExists(db.resolveSibling("attache.db-shm"));
            log.info("Moved the existing database to {}", aside);
        }
        try (ChunkStore store = openStore(config)) {
            byte[] record = store.getPointer(BackupPointer.NAME)
                    .orElseThrow(() -> new IllegalStateException("the store holds no metadata backup"));
            String kdf = BackupPointer.peek(record)[1];
            Path params = config.dataDir().resolve("key.params");
            if (config.passphrase() != null && kdf != null && !Files.exists(params)) {
                Files.writeString(params, kdf + "\n", StandardCharsets.US_ASCII);
            }
            if (config.passphrase() == null && !Files.exists(config.keyFile())) {
                throw new IllegalStateException("no master key at " + config.keyFile()
                        + ": copy the key file of the lost server there (or set key-file / passphrase)");
            }
            MasterKey key = loadMasterKey(config);
            ExecutorService fetchers = Executors.newFixedThreadPool(2, daemon("attache-restore"));
            try {
                RangeReader reader = new RangeReader(store, key, fetchers, config.readAhead(),
                        new BufferPool(ChunkFormat.largestChunkFitting(10 << 20), 4, 0));
                return MetadataBackup.restoreNewest(store, key, reader, db);
            } finally {
                fetchers.shutdownNow();
            }
        }
    }

    /** The Argon2id parameters when the master key comes from a passphrase, recorded in backups. */
    private static String kdfParams(Config config) {
        if (config.passphrase() == null) {
            return null;
        }
        try {
            return Files.readString(config.dataDir().resolve("key.params"), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + config.dataDir().resolve("key.params"), e);
        }
    }

    /**
     * Takes the data directory for this process alone: the server holds it while it runs, and the
     * commands that must not run beside a server (gc, backup) take it too.
     */
    void lockDataDirectory() throws IOException {
        if (!tryLockDataDirectory()) {
            throw new IllegalStateException("an Attaché server (or another command) is using " + config.dataDir()
                    + "; stop it first");
        }
    }

    /** Takes the data directory if no server or other command holds it; false when one does. */
    boolean tryLockDataDirectory() throws IOException {
        Path file = config.dataDir().resolve("serve.lock");
        lockChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            lockChannel = null;
            return false;
        }
        return true;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        housekeeper.close();
        member.close();
        if (uploader != null) {
            uploader.close();
        }
        if (packer != null) {
            packer.close();
        }
        uploaders.shutdown();
        fetchers.shutdownNow();
        try {
            uploaders.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
        db.close();
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            log.debug("Releasing the data directory lock failed: {}", e.toString());
        }
    }
}
