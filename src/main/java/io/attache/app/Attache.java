package io.attache.app;

import io.attache.config.Config;
import io.attache.config.Limits;
import io.attache.crypto.Argon2id;
import io.attache.crypto.ChunkFormat;
import io.attache.crypto.KeyFile;
import io.attache.crypto.MasterKey;
import io.attache.crypto.SegmentCipher;
import io.attache.dav.DavEngine;
import io.attache.dav.DavSettings;
import io.attache.fs.ChunkCollector;
import io.attache.fs.ClusterMember;
import io.attache.fs.CommitGate;
import io.attache.fs.FileService;
import io.attache.fs.HealthCheck;
import io.attache.fs.LoginDefence;
import io.attache.fs.LoginPolicy;
import io.attache.fs.Housekeeper;
import io.attache.fs.MetadataBackup;
import io.attache.fs.ResourceLimits;
import io.attache.fs.Repacker;
import io.attache.fs.ShareLinks;
import io.attache.fs.WebSessions;
import io.attache.fs.StagedBlobs;
import io.attache.fs.UploadQueue;
import io.attache.fs.TrashBin;
import io.attache.fs.UserService;
import io.attache.fs.WriteJournal;
import io.attache.fs.Uploader;
import io.attache.meta.Database;
import io.attache.meta.Settings;
import io.attache.pipeline.BufferPool;
import io.attache.pipeline.ChunkWriter;
import io.attache.pipeline.PackFill;
import io.attache.pipeline.Packer;
import io.attache.pipeline.PendingChunkLog;
import io.attache.pipeline.RangeReader;
import io.attache.server.AttacheServer;
import io.attache.server.TlsKeys;
import io.attache.store.ChunkStore;
import io.attache.store.PeerSignature;
import io.attache.store.PeerStagingStore;
import io.attache.store.StagingStore;
import io.attache.web.ErrorLog;
import io.attache.web.WebApp;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
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
    public final ShareLinks shares;
    public final WebSessions webSessions;
    /** What write-back still has to upload, for the web app's transfers view and /metrics. */
    public final UploadQueue uploads;
    /** The server's vital signs, scraped as /metrics. */
    public final PrometheusMeterRegistry metrics;
    private RecentErrors recentErrors;
    private AutoCloseable vitals;
    private final Housekeeper housekeeper;
    private LoginDefence logins;
    private final ExecutorService uploaders;
    private final ExecutorService fetchers;
    private Closeable lock;
    private final Packer packer;
    private final PackFill packFill;
    /** The write-back uploader and its staging area, or null when nothing is ever staged. */
    public final Uploader uploader;
    public final StagingStore staging;
    public final Repacker repacker;
    /** This node among the nodes that share the database (on SQLite, the only one). */
    public final ClusterMember member;
    private final PeerSignature peerSignature;

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
     * @param onError told when an {@link Error} breaks one of the server's own threads
     */
    private Attache(Config config, Database db, MasterKey masterKey, ChunkStore base, StagingStore staging,
                    PrometheusMeterRegistry metrics, Thread.UncaughtExceptionHandler onError, String nodeId) {
        this.config = config;
        this.metrics = metrics;
        this.housekeeper = new Housekeeper(onError);
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
        long heap = Runtime.getRuntime().maxMemory();
        int uploadBuffers = config.uploadBuffers() != Config.AUTO_BUFFERS ? config.uploadBuffers()
                : MemoryBudget.uploadBuffers(heap, ChunkFormat.cipherChunkSize(chunkSize));
        BufferPool buffers = new BufferPool(ChunkFormat.cipherChunkSize(chunkSize), uploadBuffers, 120_000);
        this.uploaders = Executors.newFixedThreadPool(uploadBuffers, daemon("attache-upload"));
        this.fetchers = Executors.newFixedThreadPool(Math.max(2, uploadBuffers), daemon("attache-fetch"));
        WriteJournal journal = new WriteJournal(db, clock, nodeId);
        this.collector = new ChunkCollector(db, store, clock, config.gcGrace(), node);
        this.packFill = new PackFill(ChunkFormat.cipherChunkSize(chunkSize));
        this.uploader = staging == null ? null : new Uploader(db, staging, base, collector, clock,
                ChunkFormat.cipherChunkSize(chunkSize), config.packing().linger(), config.uploadConcurrency(), node, packFill);
        ChunkWriter writer;
        if (config.packing().writeBack() == Config.WriteBack.ON) {
            this.packer = null;
            writer = ChunkWriter.staging(staging, masterKey, journal, chunkSize, uploader::wakeUp);
        } else {
            int packThreshold = packThreshold(config, chunkSize);
            this.packer = packThreshold == 0 ? null : new Packer(base, journal,
                    new BufferPool(ChunkFormat.cipherChunkSize(chunkSize), config.uploadConcurrency() + 1, 0),
                    config.uploadConcurrency(), packFill);
            writer = new ChunkWriter(base, masterKey, buffers, uploaders, journal, chunkSize, config.uploadConcurrency(),
                    packer, packThreshold);
        }
        this.reader = new RangeReader(store, masterKey, fetchers, config.readAhead(),
                new BufferPool(chunkSize, MemoryBudget.readAheadBuffers(heap, chunkSize), 0));
        ChunkWriter backupWriter = new ChunkWriter(base, masterKey, buffers, uploaders, ORPHANS_FOUND_BY_GC, chunkSize,
                config.uploadConcurrency());
        this.repacker = new Repacker(db, base, clock, ChunkFormat.cipherChunkSize(chunkSize),
                config.packing().repackThreshold(), !config.backupInterval().isZero());
        CommitGate gate = new CommitGate();
        this.backup = new MetadataBackup(db, base, masterKey, backupWriter, reader, clock, config.backupKeep(),
                kdfParams(config), config.dataDir(), uploader, gate);
        this.trash = new TrashBin(db, clock, config.trashRetention());
        this.files = new FileService(db, writer, reader, journal, trash, clock, resourceLimits(config.limits()), uploader,
                gate);
        this.users = new UserService(db, clock, trash);
        this.shares = new ShareLinks(db, clock);
        this.webSessions = new WebSessions(db, clock);
        this.uploads = uploader == null ? UploadQueue.WRITE_THROUGH : new io.attache.fs.StagedUploads(db, uploader, clock);
    }

    /** Opens the data directory, creating what is missing: folders, database, key. */
    public static Attache open(Config config) throws Exception {
        return open(config, FatalErrors.logOnly(), UnaryOperator.identity());
    }

    /**
     * As {@link #open(Config)}; {@code onError} is told when an {@link Error} breaks one of the
     * server's own threads (the serving process passes {@link FatalErrors#exitProcess()}).
     */
    static Attache open(Config config, Thread.UncaughtExceptionHandler onError) throws Exception {
        return open(config, onError, UnaryOperator.identity());
    }

    /**
     * As {@link #open(Config)}, with the configured store wrapped by {@code decorate} below the
     * staging area: for tests that stall or fail the store.
     */
    public static Attache open(Config config, UnaryOperator<ChunkStore> decorate) throws Exception {
        return open(config, FatalErrors.logOnly(), decorate);
    }

    private static Attache open(Config config, Thread.UncaughtExceptionHandler onError, UnaryOperator<ChunkStore> decorate)
            throws Exception {
        DataDirectory.create(config.dataDir());
        String nodeId = DataDirectory.nodeId(config.dataDir());
        Database db = openDatabase(config, onError);
        try {
            MasterKey key = loadMasterKey(config);
            checkKey(db, key, config);
            PrometheusMeterRegistry metrics = Vitals.newRegistry();
            ChunkStore store = decorate.apply(openStore(config, metrics));
            try {
                return new Attache(config, db, key, store, staging(config, store, clustered(config) ? nodeId : null), metrics,
                        onError, nodeId);
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
        return openDatabase(config, FatalErrors.logOnly());
    }

    private static Database openDatabase(Config config, Thread.UncaughtExceptionHandler onError) throws SQLException {
        if (!clustered(config)) {
            return Database.open(config.databaseFile(), config.durableCommits(), onError);
        }
        Config.Metadata m = config.metadata();
        return Database.open(new Database.Settings(m.url(), m.user(), m.password(), config.durableCommits()), onError);
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
        DataDirectory.writePrivate(incarnation, member.incarnation() + "\n");
        Thread warmUp = new Thread(() -> SegmentCipher.warmUp(20_000), "attache-warm-up");
        warmUp.setDaemon(true);
        warmUp.setPriority(Thread.MIN_PRIORITY);
        warmUp.start();
        long started = System.currentTimeMillis();
        collector.recoverAbandonedWrites(started);
        Limits limits = config.limits();
        logins = new LoginDefence(users, db, Clock.systemUTC(), new LoginPolicy(limits.loginDelayAfter(), limits.loginBanAfter(),
                limits.loginUserBanAfter(), limits.loginBanTime()), Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        if (uploader != null) {
            recoverStaging();
            uploader.start();
        }
        // Work for the whole drive: one node at a time does each (see ClusterMember).
        Duration gc = config.gcInterval();
        housekeeper.every(gc, "empty expired trash", () -> member.runIfDue("trash", gc, trash::purgeExpired))
                .every(gc, "delete removed accounts", () -> member.runIfDue("accounts", gc, users::purgeRemoved))
                .every(gc, "forget old failed logins", () -> member.runIfDue("logins", gc, logins::forgetOldFailures))
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
            Duration every = config.backupInterval();
            Duration look = every.compareTo(gc) < 0 ? every : gc;
            housekeeper.every(look, "back up the metadata", () -> member.runIfDue("backup", every, backup::backupNow));
        }
        DavEngine engine = new DavEngine(new DavSettings(config.maxXmlBody(), 1_000,
                config.lockDefaultTimeout().toSeconds(), config.lockMaxTimeout().toSeconds(), config.dropMacMetadata(),
                config.propfindInfinityLimit()));
        HealthCheck health = new HealthCheck(db, store, Clock.systemUTC(), Duration.ofSeconds(2), Duration.ofSeconds(5));
        AttacheServer server = new AttacheServer(engine, files, logins, health, limits).http(config.listen());
        TlsKeys keys = null;
        if (config.tlsListen() != null || config.web().tlsListen() != null) {
            keys = config.tlsKeystore() != null
                    ? TlsKeys.load(config.tlsKeystore(), config.tlsKeystorePassword())
                    : TlsKeys.selfSigned(config.dataDir());
            log.info("HTTPS certificate SHA-256 fingerprint {}", keys.fingerprint());
        }
        if (config.tlsListen() != null) {
            server.https(config.tlsListen(), keys);
        }
        recentErrors = RecentErrors.install();
        if (config.web().listen() != null || config.web().tlsListen() != null) {
            WebApp web = new WebApp(files, users, logins, trash, shares, webSessions, uploads, this::storeStatus,
                    recentErrors == null ? ErrorLog.NONE : recentErrors, metrics, Clock.systemUTC());
            server.web(config.web().listen(), config.web().tlsListen(), keys, web.servlet(), web::stop);
        }
        vitals = Vitals.instrument(metrics, db, users, files, uploads, packFill);
        server.metrics(metrics, metrics::scrape, config.web().metricsToken(), config.web().metricsListen());
        if (config.web().requestLog() != null) {
            server.requestLog(config.web().requestLog(), config.web().requestLog() == io.attache.config.WebSettings.STDERR);
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

    /** What the store stack says about its health, for the admin pages. */
    private java.util.Map<String, Object> storeStatus() {
        java.util.Map<String, Object> status = new java.util.LinkedHashMap<>();
        store.status(status);
        return status;
    }

    /** The login defence of the running server (null before {@link #serve}). */
    public LoginDefence logins() {
        return logins;
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
            users.add("admin", password, null, true);
            return Optional.of(new String(password));
        } catch (io.attache.fs.FsException.AlreadyExists another) {
            // Another node of the cluster, started at the same moment, created it.
            return Optional.empty();
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static ResourceLimits resourceLimits(Limits l) {
        return new ResourceLimits(l.maxEntriesPerUser(), l.maxPropertiesPerResource(), l.maxPropertyBytesPerResource(),
                l.maxPropertiesPerUser(), l.maxPropertyBytesPerUser(), l.maxLocksPerResource(), l.maxLocksPerUser());
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

    static MasterKey loadMasterKey(Config config) throws IOException {
        return loadMasterKey(config, null);
    }

    /**
     * @param backupParams the Argon2id parameters a backup recorded, used (and not written) when
     *                     key.params is missing; null to create and write new ones then
     */
    static MasterKey loadMasterKey(Config config, String backupParams) throws IOException {
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
        } else if (backupParams != null) {
            params = Argon2id.parse(backupParams);
        } else {
            params = Argon2id.forMasterKey(random);
            DataDirectory.writePrivate(paramsFile, params + "\n");
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

    static ChunkStore openStore(Config config) throws IOException {
        return openStore(config, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    private static ChunkStore openStore(Config config, io.micrometer.core.instrument.MeterRegistry metrics)
            throws IOException {
        try {
            return Stores.open(config, metrics);
        } catch (io.attache.config.ConfigException e) {
            throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
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

    /** Takes the data directory for this process alone (see {@link DataDirectory#lock}) until {@link #close}. */
    void lockDataDirectory() throws IOException {
        lock = DataDirectory.lock(config.dataDir());
    }

    /** Takes the data directory if no server or other command holds it; false when one does. */
    boolean tryLockDataDirectory() throws IOException {
        try {
            lockDataDirectory();
            return true;
        } catch (IllegalStateException held) {
            return false;
        }
    }

    static ThreadFactory daemon(String name) {
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
        if (recentErrors != null) {
            recentErrors.uninstall();
        }
        if (vitals != null) {
            try {
                vitals.close();
            } catch (Exception e) {
                log.debug("Closing the JVM's metrics failed: {}", e.toString());
            }
        }
        if (uploader != null) {
            uploader.close();
        }
        if (packer != null) {
            packer.close();
        }
        if (logins != null) {
            logins.close();
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
                lock.close();
            }
        } catch (IOException e) {
            log.debug("Releasing the data directory lock failed: {}", e.toString());
        }
    }
}
