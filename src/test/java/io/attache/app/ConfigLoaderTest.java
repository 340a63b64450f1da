package io.attache.app;

import io.attache.config.Config;
import io.attache.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsGiveAMountableServerOnLoopback() throws Exception {
        Config c = new ConfigLoader(Map.of("HOME", dir.toString())).load(null, Map.of());
        assertEquals("127.0.0.1", c.listen().host());
        assertEquals(8080, c.listen().port());
        assertEquals(dir.resolve(".local/share/attache"), c.dataDir());
        assertEquals(c.dataDir().resolve("master.key"), c.keyFile());
        assertEquals(Config.StoreKind.LOCAL, c.store());
        assertNull(c.passphrase());
    }

    @Test
    void environmentOverridesTheFileAndFlagsOverrideBoth() throws Exception {
        Path file = dir.resolve("attache.conf");
        Files.writeString(file, """
                # comment
                listen = 0.0.0.0:9000
                upload-concurrency = 3
                data-dir = /from/file
                """);
        Map<String, String> env = Map.of("HOME", dir.toString(), "ATTACHE_UPLOAD_CONCURRENCY", "5",
                "ATTACHE_DATA_DIR", "/from/env");
        Config c = new ConfigLoader(env).load(file, Map.of("data-dir", "/from/flag"));
        assertEquals(9000, c.listen().port());
        assertEquals(5, c.uploadConcurrency());
        assertEquals(Path.of("/from/flag"), c.dataDir());
    }

    @Test
    void secretsComeFromFilesAndSystemdCredentials() throws Exception {
        Path secret = dir.resolve("pass");
        Files.writeString(secret, "from a file\n");
        Config fromFile = new ConfigLoader(Map.of("HOME", dir.toString(), "ATTACHE_PASSPHRASE_FILE", secret.toString()))
                .load(null, Map.of());
        assertEquals("from a file", fromFile.passphrase());
        Path credentials = Files.createDirectory(dir.resolve("creds"));
        Files.writeString(credentials.resolve("passphrase"), "from systemd");
        Config fromCredential = new ConfigLoader(Map.of("HOME", dir.toString(), "CREDENTIALS_DIRECTORY", credentials.toString()))
                .load(null, Map.of());
        assertEquals("from systemd", fromCredential.passphrase());
        assertTrue(!fromCredential.toString().contains("from systemd"), "secrets stay out of toString");
    }

    @Test
    void unknownOrInvalidSettingsAreNamed() throws Exception {
        Path file = dir.resolve("typo.conf");
        Files.writeString(file, "listn = 1.2.3.4:80\n");
        ConfigException typo = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of()).load(file, Map.of()));
        assertTrue(typo.getMessage().contains("typo.conf:1") && typo.getMessage().contains("listn"), typo.getMessage());
        ConfigException bad = assertThrows(ConfigException.class,
                () -> new ConfigLoader(Map.of("ATTACHE_LISTEN", "localhost")).load(null, Map.of()));
        assertTrue(bad.getMessage().startsWith("listen"), bad.getMessage());
        assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of("ATTACHE_STORE", "s3")).load(null, Map.of()));
        assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of("ATTACHE_CHUNK_SIZE", "100000")).load(null, Map.of()));
    }

    @Test
    void theDatabaseAndTheClusterComeFromTheEnvironmentAndCredentials() throws Exception {
        Config single = new ConfigLoader(Map.of("HOME", dir.toString())).load(null, Map.of());
        assertEquals("jdbc:sqlite:" + single.dataDir().resolve("attache.db"), single.metadata().url());
        assertTrue(!single.metadata().postgres());

        Path credentials = Files.createDirectory(dir.resolve("node-creds"));
        Files.writeString(credentials.resolve("database-password"), "db secret\n");
        Files.writeString(credentials.resolve("cluster-secret"), "a secret the nodes share\n");
        Map<String, String> env = Map.of("HOME", dir.toString(), "CREDENTIALS_DIRECTORY", credentials.toString(),
                "ATTACHE_DATABASE_URL", "jdbc:postgresql://db:5432/attache", "ATTACHE_DATABASE_USER", "attache",
                "ATTACHE_STORE", "discord", "ATTACHE_CLUSTER_LISTEN", "0.0.0.0:8081");
        Config node = new ConfigLoader(env).load(null, Map.of());
        assertTrue(node.metadata().postgres());
        assertEquals("db secret", node.metadata().password());
        assertEquals("a secret the nodes share", node.cluster().secret());
        assertEquals(8081, node.cluster().listen().port());
        assertTrue(!node.metadata().toString().contains("db secret") && !node.cluster().toString().contains("share"));

        ConfigException noListener = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of("HOME", dir.toString(),
                "ATTACHE_DATABASE_URL", "jdbc:postgresql://db/attache", "ATTACHE_WRITE_BACK", "on")).load(null, Map.of()));
        assertTrue(noListener.getMessage().contains("cluster-listen"), noListener.getMessage());
        assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of("HOME", dir.toString(),
                "ATTACHE_DATABASE_URL", "jdbc:mysql://db/attache")).load(null, Map.of()));
    }

    @Test
    void sizesAndDurationsInHumanForms() throws Exception {
        Config c = new ConfigLoader(Map.of("HOME", dir.toString(), "ATTACHE_CHUNK_SIZE", "8MiB", "ATTACHE_GC_GRACE", "2h"))
                .load(null, Map.of());
        assertEquals(8L << 20, c.chunkSize());
        assertEquals(7200, c.gcGrace().toSeconds());
    }

    @Test
    void limitsHaveSaneDefaultsAndAreValidated() throws Exception {
        Config c = new ConfigLoader(Map.of("HOME", dir.toString())).load(null, Map.of());
        assertEquals(4096, c.limits().maxConnections());
        assertEquals(256, c.limits().maxConnectionsPerAddress());
        assertEquals(32, c.limits().maxRequestsPerUser());
        assertEquals(1024, c.limits().minDataRate());
        assertEquals(64 * 1024, c.limits().maxPropertyBytesPerResource());
        assertEquals(java.time.Duration.ofMinutes(15), c.limits().loginBanTime());
        Config off = new ConfigLoader(Map.of("HOME", dir.toString(), "ATTACHE_MIN_DATA_RATE", "0", "ATTACHE_LOGIN_DELAY_AFTER", "0"))
                .load(null, Map.of());
        assertEquals(0, off.limits().minDataRate(), "0 turns the minimum rate off");
        assertEquals(0, off.limits().loginDelayAfter(), "every failure may wait");
        for (Map.Entry<String, String> bad : Map.of("ATTACHE_MAX_CONNECTIONS_PER_ADDRESS", "5000", "ATTACHE_MAX_REQUESTS_PER_USER", "0",
                "ATTACHE_MAX_PROPERTY_BYTES_PER_RESOURCE", "lots", "ATTACHE_LOGIN_BAN_TIME", "0s", "ATTACHE_MIN_DATA_RATE_GRACE", "10ms").entrySet()) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> new ConfigLoader(Map.of("HOME", dir.toString(), bad.getKey(), bad.getValue())).load(null, Map.of()));
            String key = bad.getKey().substring("ATTACHE_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            assertTrue(e.getMessage().startsWith(key + ":"), bad + " -> " + e.getMessage());
        }
    }
}
