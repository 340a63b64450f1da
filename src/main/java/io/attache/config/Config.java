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
        Map<String, String> discord,
        WebSettings web,
        Limits limits) {

    public enum StoreKind { LOCAL, DISCORD }

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
            "tls-keystore-password", "metrics-token");

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
        return new Config(dataDir, Values.listen("listen", v.get("listen")), tlsListen, tlsKeystore, tlsPassword, store, localStore.toAbsolutePath().normalize(),
                chunkSize, concurrency, buffers, readAhead, keyFile.toAbsolutePath().normalize(), passphrase, logLevel,
                Values.bool("durable-commits", v.get("durable-commits")),
                Values.duration("gc-grace", v.get("gc-grace")), Values.duration("gc-interval", v.get("gc-interval")),
                (int) maxXml, infinityLimit, positive("lock-default-timeout", v), positive("lock-max-timeout", v),
                macMetadata(v.get("mac-metadata")), Values.duration("trash-retention", v.get("trash-retention")),
                Values.duration("backup-interval", v.get("backup-interval")), Values.positiveInt("backup-keep", v.get("backup-keep")),
                cacheSize(v.get("cache-size"), store),
                (v.get("cache-dir").isEmpty() ? dataDir.resolve("cache") : Path.of(v.get("cache-dir"))).toAbsolutePath().normalize(),
                positive("store-retry-time", v), discord, WebSettings.from(v), Limits.from(v));
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

    public Path databaseFile() {
        return dataDir.resolve("attache.db");
    }

    /** Secrets stay out of logs and error messages. */
    @Override
    public String toString() {
        return "Config[dataDir=" + dataDir + ", listen=" + listen + ", tlsListen=" + tlsListen + ", store=" + store + ", chunkSize="
                + (chunkSize == AUTO_CHUNK_SIZE ? "auto" : chunkSize) + ", uploadConcurrency=" + uploadConcurrency
                + ", keyFile=" + (passphrase != null ? "(passphrase)" : keyFile) + "]";
    }
}
