package io.attache.app;

import io.attache.config.Config;
import io.attache.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Assembles the settings: defaults, then the config file, then {@code ATTACHE_*} environment
 * variables, then command-line flags. A secret may also come from a file ({@code <key>-file} or
 * {@code ATTACHE_<KEY>_FILE}) or a systemd credential named after the key.
 */
final class ConfigLoader {

    /** {@code ATTACHE_*} variables that are not settings themselves. */
    /** ATTACHE_* variables that name no setting: the config file, and the attache launcher's own. */
    static final List<String> NOT_SETTINGS = List.of("ATTACHE_CONFIG", "ATTACHE_JAVA_OPTS", "ATTACHE_JAR");

    private final Map<String, String> env;

    ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    /**
     * @param configFile the --config flag, or null (then {@code ATTACHE_CONFIG}, if set)
     * @param flags      settings given as flags, highest precedence
     */
    Config load(Path configFile, Map<String, String> flags) throws ConfigException {
        checkEnvironment();
        Map<String, String> values = new LinkedHashMap<>();
        Path file = configFile != null ? configFile : env.containsKey("ATTACHE_CONFIG") ? Path.of(env.get("ATTACHE_CONFIG")) : null;
        if (file != null) {
            values.putAll(readFile(file));
        }
        for (String key : allowedKeys()) {
            String value = env.get(envName(key));
            if (value != null) {
                values.put(key, value);
            }
        }
        values.putAll(flags);
        resolveSecretFiles(values);
        return Config.from(values, defaultDataDir());
    }

    /**
     * An {@code ATTACHE_*} variable that names no setting is a mistake (a typo would otherwise be
     * ignored silently, unlike the same typo in the file).
     */
    private void checkEnvironment() throws ConfigException {
        List<String> known = new java.util.ArrayList<>(NOT_SETTINGS);
        for (String key : allowedKeys()) {
            known.add(envName(key));
        }
        for (String name : new java.util.TreeSet<>(env.keySet())) {
            if (name.startsWith("ATTACHE_") && !known.contains(name)) {
                String key = name.substring("ATTACHE_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
                throw new ConfigException("unknown environment variable " + name + " (there is no setting '" + key
                        + "'; config/attache.conf lists them)");
            }
        }
    }

    static String envName(String key) {
        return "ATTACHE_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static List<String> allowedKeys() {
        List<String> keys = new java.util.ArrayList<>(Config.DEFAULTS.keySet());
        for (String secret : Config.SECRETS) {
            keys.add(secret + "-file");
        }
        return keys;
    }

    /** {@code key = value} lines; {@code #} starts a comment line. */
    static Map<String, String> readFile(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + Reasons.of(e));
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> allowed = allowedKeys();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(file + ":" + (i + 1) + ": expected 'key = value'");
            }
            String key = line.substring(0, eq).trim();
            if (!allowed.contains(key)) {
                throw new ConfigException(file + ":" + (i + 1) + ": unknown setting '" + key + "'");
            }
            values.put(key, line.substring(eq + 1).trim());
        }
        return values;
    }

    private void resolveSecretFiles(Map<String, String> values) throws ConfigException {
        for (String secret : Config.SECRETS) {
            String fileKey = secret + "-file";
            String path = values.remove(fileKey);
            if (values.containsKey(secret) && !values.get(secret).isBlank()) {
                continue;
            }
            if (path == null && env.containsKey("CREDENTIALS_DIRECTORY")) {
                Path credential = Path.of(env.get("CREDENTIALS_DIRECTORY"), secret);
                if (Files.isReadable(credential)) {
                    path = credential.toString();
                }
            }
            if (path != null) {
                try {
                    values.put(secret, Files.readString(Path.of(path), StandardCharsets.UTF_8).strip());
                } catch (IOException e) {
                    throw new ConfigException(fileKey + ": cannot read " + path + ": " + Reasons.of(e));
                }
            }
        }
    }

    private Path defaultDataDir() {
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "attache");
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".local", "share", "attache");
    }
}
