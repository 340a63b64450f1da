package io.attache.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of an Attaché server, validated once at start-up and immutable afterwards. Built
 * from a map of {@code key -> value} strings that the app assembles from defaults, the config file,
 * {@code ATTACHE_*} environment variables and command-line flags, in that order of precedence.
 * config/attache.conf documents every key.
 */
public record Config(
        Path dataDir,
        Values.Listen listen,
        Values.Listen tlsListen,
        Path tlsKeystore,
        String tlsKeystorePassword,
        StoreKind store,
        Path localStoreDir,
        long chunkSize,
        int uploadConcurrency,
        int uploadBuffers,
        int readAhead,
        Path keyFile,
        String passphrase,
        String logLevel,
        boolean durableCommits,
        Duration gcGrace,
        Duration gcInterval,
        int maxXmlBody,
        int propfindInfinityLimit,
        Duration lockDefaultTimeout,
        Duration lockMaxTimeout,
        boolean dropMacMetadata,
        Duration trashRetention,
        Duration backupInterval,
        int backupKeep,
        long cacheSize,
        Path cacheDir,
        Duration storeRetryTime,
        Packing packing,
        Metadata metadata,
        Cluster cluster,
        Map<String, String> discord,
        WebSettings web,
        Limits limits) {

    public enum StoreKind { LOCAL, DISCORD }

    /** Whether writes are acknowledged from the local staging area and uploaded in the background. */
    public enum WriteBack { ON, OFF }

    /**
     * How content becomes store objects: which last chunks go into shared packs, whether writes
     * are staged locally first, and when packs are sent, repacked and staging is full.
     *
     * @param threshold       the largest last chunk (plaintext bytes) that is packed; 0 for none,
     *                        {@link #AUTO_PACK_THRESHOLD} for every one smaller than a whole chunk
     * @param writeBack       ON: acknowledge a PUT once its data is durable in staging
     * @param stagingDir      the staging area
     * @param stagingSize     the most bytes staging may hold
     * @param linger          how long a partly filled pack waits for more blobs before it is sent
     * @param repackThreshold a pack whose live fraction falls below this is repacked
     */
    public record Packing(long threshold, WriteBack writeBack, Path stagingDir, long stagingSize, Duration linger,
                          double repackThreshold) {
    }

    /**
     * Where the metadata lives: a JDBC URL ({@code jdbc:sqlite:} for the file in the data
     * directory, the default, or {@code jdbc:postgresql:} for a server shared by several nodes)
     * and, for a server, who connects.
     */
    public record Metadata(String url, String user, String password) {
        public boolean postgres() {
            return url.startsWith("jdbc:postgresql:");
        }

        @Override
        public String toString() {
            return "Metadata[" + url.replaceAll("(?i)password=[^&]*", "password=***") + ", user=" + user + "]";
        }
    }

    /**
     * How the nodes of a cluster (several servers on one PostgreSQL database) reach one another.
     *
     * @param listen      where this node serves blobs it has staged to the other nodes, or null
     * @param url         how the other nodes reach that listener; null: {@code http://} the
     *                    listener's host (this machine's name when it listens on every address)
     *                    and port
     * @param secret      shared by every node; signs their requests to one another (null: none)
     * @param nodeTimeout a node whose heartbeat is older than this is taken to be down, and the
     *                    background work it had claimed is taken over
     */
    public record Cluster(Values.Listen listen, String url, String secret, Duration nodeTimeout) {
        @Override
        public String toString() {
            return "Cluster[listen=" + listen + ", url=" + url + ", nodeTimeout=" + nodeTimeout + "]";
        }
    }

    /** "auto": every last chunk smaller than a whole chunk is packed. */
    public static final long AUTO_PACK_THRESHOLD = -1;

    /** "auto": the largest whole number of 64 KiB segments whose ciphertext fits the store's objects. */
    public static final long AUTO_CHUNK_SIZE = 0;

    /** "auto" upload buffers: as many as a quarter of the heap holds (see app/MemoryBudget). */
    public static final int AUTO_BUFFERS = 0;

    /** Keys of the Discord store, passed through to it as written (see docs/DISCORD-STORE.md). */
    public static final List<String> DISCORD_KEYS = List.of("discord-token", "discord-channels", "discord-webhooks",
            "discord-api-url", "discord-max-attachment-size", "discord-upload-concurrency",
            "discord-download-concurrency", "discord-global-rate");

    /** Every key the configuration accepts, with its default ("" when it has none or is derived). */
    public static final Map<String, String> DEFAULTS = defaults();

    /** Keys whose values are secrets: never printed, and also readable from {@code <key>-file}. */
    public static final Set<String> SECRETS = Set.of("passphrase", "discord-token", "discord-webhooks",
            "tls-keystore-password", "metrics-token", "database-password", "cluster-secret");

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("data-dir", "");
        d.put("listen", "127.0.0.1:8080");
        d.put("tls-listen", "");
        d.put("tls-keystore", "");
        d.put("tls-keystore-password", "");
        d.put("store", "local");
        d.put("local-store-dir", "");
        d.put("chunk-size", "auto");
        d.put("upload-concurrency", "4");
        d.put("upload-buffers", "auto");
        d.put("read-ahead", "2");
        d.put("key-file", "");
        d.put("passphrase", "");
        d.put("log-level", "info");
        d.put("durable-commits", "true");
        d.put("gc-grace", "15m");
        d.put("gc-interval", "1m");
        d.put("max-xml-body", "1MiB");
        d.put("propfind-infinity-limit", "100000");
        d.put("lock-default-timeout", "1h");
        d.put("lock-max-timeout", "1d");
        d.put("mac-metadata", "store");
        d.put("trash-retention", "7d");
        d.put("backup-interval", "6h");
        d.put("backup-keep", "7");
        d.put("cache-size", "auto");
        d.put("cache-dir", "");
        d.put("store-retry-time", "2m");
        d.put("pack-threshold", "auto");
        d.put("write-back", "auto");
        d.put("staging-dir", "");
        d.put("staging-size", "4GiB");
        d.put("pack-linger", "2s");
        d.put("repack-threshold", "0.5");
        d.put("database-url", "");
        d.put("database-user", "");
        d.put("database-password", "");
        d.put("cluster-listen", "");
        d.put("cluster-url", "");
        d.put("cluster-secret", "");
        d.put("node-timeout", "30s");
        for (String key : DISCORD_KEYS) {
            d.put(key, "");
        }
        WebSettings.defaults(d);
        d.putAll(Limits.DEFAULTS);
        return Map.copyOf(d);
    }

    public Config {
        discord = Map.copyOf(discord);
    }

    /**
     * Validates {@code values} (unset keys take their defaults).
     *
     * @param defaultDataDir where data lives when {@code data-dir} is not set
     * @throws ConfigException naming the first key that is unknown or invalid
     */
    public static Config from(Map<String, String> values, Path defaultDataDir) throws ConfigException {
        for (String key : values.keySet()) {
            if (!DEFAULTS.containsKey(key)) {
                throw new ConfigException("unknown setting '" + key + "'");
            }
        }
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        values.forEach((key, value) -> v.put(key, value == null ? "" : value.trim()));

        Path dataDir = v.get("data-dir").isEmpty() ? defaultDataDir : Path.of(v.get("data-dir"));
        dataDir = dataDir.toAbsolutePath().normalize();
        StoreKind store = switch (v.get("store").toLowerCase(Locale.ROOT)) {
            case "local" -> StoreKind.LOCAL;
            case "discord" -> StoreKind.DISCORD;
            default -> throw new ConfigException("store: '" + v.get("store") + "' is not local or discord");
        };
        Path localStore = v.get("local-store-dir").isEmpty() ? dataDir.resolve("store") : Path.of(v.get("local-store-dir"));
        long chunkSize = v.get("chunk-size").equalsIgnoreCase("auto") ? AUTO_CHUNK_SIZE : Values.size("chunk-size", v.get("chunk-size"));
        if (chunkSize != AUTO_CHUNK_SIZE && (chunkSize % (64 * 1024) != 0 || chunkSize > (512L << 20))) {
            throw new ConfigException("chunk-size: must be 'auto' or a multiple of 64KiB up to 512MiB, got " + chunkSize);
        }
        int concurrency = Values.positiveInt("upload-concurrency", v.get("upload-concurrency"));
        int buffers = v.get("upload-buffers").equalsIgnoreCase("auto") ? AUTO_BUFFERS
                : Values.positiveInt("upload-buffers", v.get("upload-buffers"));
        if (buffers != AUTO_BUFFERS && buffers < 2) {
            throw new ConfigException("upload-buffers: 'auto' or at least 2, so that reading and uploading overlap");
        }
        int readAhead;
        try {
            readAhead = Integer.parseInt(v.get("read-ahead"));
        } catch (NumberFormatException e) {
            throw new ConfigException("read-ahead: '" + v.get("read-ahead") + "' is not a whole number");
        }
        if (readAhead < 0 || readAhead > 16) {
            throw new ConfigException("read-ahead: between 0 and 16 chunks, got " + readAhead);
        }
        Path keyFile = v.get("key-file").isEmpty() ? dataDir.resolve("master.key") : Path.of(v.get("key-file"));
        String passphrase = v.get("passphrase").isEmpty() ? null : v.get("passphrase");
        String logLevel = v.get("log-level").toLowerCase(Locale.ROOT);
        if (!Set.of("error", "warn", "info", "debug", "trace").contains(logLevel)) {
            throw new ConfigException("log-level: one of error, warn, info, debug, trace; got '" + logLevel + "'");
        }
        long maxXml = Values.size("max-xml-body", v.get("max-xml-body"));
        if (maxXml < 1024 || maxXml > (64 << 20)) {
            throw new ConfigException("max-xml-body: between 1KiB and 64MiB, got " + maxXml);
        }
        int infinityLimit = nonNegativeInt("propfind-infinity-limit", v.get("propfind-infinity-limit"));
        Map<String, String> discord = new LinkedHashMap<>();
        for (String key : DISCORD_KEYS) {
            if (!v.get(key).isEmpty()) {
                discord.put(key, v.get(key));
            }
        }
        Values.Listen tlsListen = v.get("tls-listen").isEmpty() ? null : Values.listen("tls-listen", v.get("tls-listen"));
        Path tlsKeystore = v.get("tls-keystore").isEmpty() ? null : Path.of(v.get("tls-keystore")).toAbsolutePath();
        String tlsPassword = v.get("tls-keystore-password").isEmpty() ? null : v.get("tls-keystore-password");
        if (tlsKeystore != null && tlsPassword == null) {
            throw new ConfigException("tls-keystore-password: needed to open " + tlsKeystore);
        }
        Packing packing = packing(v, store, dataDir);
        Metadata metadata = metadata(v, dataDir);
        return new Config(dataDir, Values.listen("listen", v.get("listen")), tlsListen, tlsKeystore, tlsPassword, store, localStore.toAbsolutePath().normalize(),
                chunkSize, concurrency, buffers, readAhead, keyFile.toAbsolutePath().normalize(), passphrase, logLevel,
                Values.bool("durable-commits", v.get("durable-commits")),
                Values.duration("gc-grace", v.get("gc-grace")), Values.duration("gc-interval", v.get("gc-interval")),
                (int) maxXml, infinityLimit, positive("lock-default-timeout", v), positive("lock-max-timeout", v),
                macMetadata(v.get("mac-metadata")), Values.duration("trash-retention", v.get("trash-retention")),
                Values.duration("backup-interval", v.get("backup-interval")), Values.positiveInt("backup-keep", v.get("backup-keep")),
                cacheSize(v.get("cache-size"), store),
                (v.get("cache-dir").isEmpty() ? dataDir.resolve("cache") : Path.of(v.get("cache-dir"))).toAbsolutePath().normalize(),
                positive("store-retry-time", v), packing, metadata, cluster(v, metadata, packing), discord,
                WebSettings.from(v), Limits.from(v));
    }

    private static Metadata metadata(Map<String, String> v, Path dataDir) throws ConfigException {
        String url = v.get("database-url").isEmpty() ? "jdbc:sqlite:" + dataDir.resolve("attache.db") : v.get("database-url");
        if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("database-url: a jdbc:postgresql://HOST:PORT/DATABASE URL (or jdbc:sqlite:FILE), got '"
                    + url.replaceAll("(?i)password=[^&]*", "password=***") + "'");
        }
        return new Metadata(url, v.get("database-user").isEmpty() ? null : v.get("database-user"),
                v.get("database-password").isEmpty() ? null : v.get("database-password"));
    }

    /**
     * A node that stages writes must let the others read what it staged: on PostgreSQL,
     * write-back needs the cluster listener and secret.
     */
    private static Cluster cluster(Map<String, String> v, Metadata metadata, Packing packing) throws ConfigException {
        Values.Listen listen = v.get("cluster-listen").isEmpty() ? null : Values.listen("cluster-listen", v.get("cluster-listen"));
        String secret = v.get("cluster-secret").isEmpty() ? null : v.get("cluster-secret");
        if (secret != null && secret.length() < 16) {
            throw new ConfigException("cluster-secret: at least 16 characters (e.g. 32 random bytes in hex)");
        }
        Duration timeout = positive("node-timeout", v);
        if (metadata.postgres() && packing.writeBack() == WriteBack.ON && (listen == null || secret == null)) {
            throw new ConfigException("write-back on PostgreSQL: the other nodes read what this node has staged until it "
                    + "is uploaded, so set cluster-listen and cluster-secret (or write-back = off)");
        }
        if (listen != null && secret == null) {
            throw new ConfigException("cluster-listen: needs cluster-secret, which signs the nodes' requests");
        }
        String url = v.get("cluster-url");
        if (!url.isEmpty() && !url.matches("https?://[^/\\s]+/?")) {
            throw new ConfigException("cluster-url: http://HOST:PORT where the other nodes reach cluster-listen, got '" + url + "'");
        }
        return new Cluster(listen, url.isEmpty() ? null : url.replaceAll("/$", ""), secret, timeout);
    }

    private static Packing packing(Map<String, String> v, StoreKind store, Path dataDir) throws ConfigException {
        long threshold = v.get("pack-threshold").equalsIgnoreCase("auto") ? AUTO_PACK_THRESHOLD
                : Values.size("pack-threshold", v.get("pack-threshold"));
        WriteBack writeBack = switch (v.get("write-back").toLowerCase(Locale.ROOT)) {
            case "auto" -> store == StoreKind.DISCORD ? WriteBack.ON : WriteBack.OFF;
            case "on", "true", "yes" -> WriteBack.ON;
            case "off", "false", "no" -> WriteBack.OFF;
            default -> throw new ConfigException("write-back: auto, on or off; got '" + v.get("write-back") + "'");
        };
        Path stagingDir = (v.get("staging-dir").isEmpty() ? dataDir.resolve("staging") : Path.of(v.get("staging-dir")))
                .toAbsolutePath().normalize();
        long stagingSize = Values.size("staging-size", v.get("staging-size"));
        if (stagingSize <= 0) {
            throw new ConfigException("staging-size: must be positive, got " + stagingSize);
        }
        double repack;
        try {
            repack = Double.parseDouble(v.get("repack-threshold"));
        } catch (NumberFormatException e) {
            throw new ConfigException("repack-threshold: '" + v.get("repack-threshold") + "' is not a fraction such as 0.5");
        }
        if (!(repack >= 0 && repack < 1)) {
            throw new ConfigException("repack-threshold: a fraction from 0 (never repack) to below 1, got " + repack);
        }
        return new Packing(threshold, writeBack, stagingDir, stagingSize, Values.duration("pack-linger", v.get("pack-linger")),
                repack);
    }

    /** "auto": no cache in front of the local store, which is a local folder itself; 1 GiB otherwise. */
    private static long cacheSize(String value, StoreKind store) throws ConfigException {
        if (value.equalsIgnoreCase("auto")) {
            return store == StoreKind.LOCAL ? 0 : 1L << 30;
        }
        return Values.size("cache-size", value);
    }

    private static boolean macMetadata(String value) throws ConfigException {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "store" -> false;
            case "drop" -> true;
            default -> throw new ConfigException("mac-metadata: store or drop, got '" + value + "'");
        };
    }

    private static int nonNegativeInt(String key, String value) throws ConfigException {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new ConfigException(key + ": must be 0 or more, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + value + "' is not a whole number");
        }
    }

    private static Duration positive(String key, Map<String, String> v) throws ConfigException {
        Duration d = Values.duration(key, v.get(key));
        if (d.toSeconds() < 1) {
            throw new ConfigException(key + ": at least one second, got " + v.get(key));
        }
        return d;
    }

    /** This configuration with its metadata elsewhere (a restore goes through an SQLite file first). */
    public Config withMetadata(Metadata other) {
        return new Config(dataDir, listen, tlsListen, tlsKeystore, tlsKeystorePassword, store, localStoreDir, chunkSize,
                uploadConcurrency, uploadBuffers, readAhead, keyFile, passphrase, logLevel, durableCommits, gcGrace,
                gcInterval, maxXmlBody, propfindInfinityLimit, lockDefaultTimeout, lockMaxTimeout, dropMacMetadata,
                trashRetention, backupInterval, backupKeep, cacheSize, cacheDir, storeRetryTime, packing, other, cluster,
                discord, web, limits);
    }

    /** The SQLite database file; on PostgreSQL, where a copy or a restore is put first. */
    public Path databaseFile() {
        return metadata.postgres() ? dataDir.resolve("attache.db") : Path.of(metadata.url().substring("jdbc:sqlite:".length()));
    }

    /** Secrets stay out of logs and error messages. */
    @Override
    public String toString() {
        return "Config[dataDir=" + dataDir + ", listen=" + listen + ", tlsListen=" + tlsListen + ", store=" + store + ", chunkSize="
                + (chunkSize == AUTO_CHUNK_SIZE ? "auto" : chunkSize) + ", uploadConcurrency=" + uploadConcurrency
                + ", keyFile=" + (passphrase != null ? "(passphrase)" : keyFile) + "]";
    }
}
