package io.attache.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much of the server one client, one user and all of them together may take: connections,
 * concurrent requests, transfer rates, metadata, locks, and how failed logins are answered.
 * Every bound has a default that no ordinary client reaches; config/attache.conf explains each.
 *
 * @param maxConnections              open connections for the whole server
 * @param maxConnectionsPerAddress    open connections from one client address
 * @param maxRequestsPerUser          requests of one user served at once (more wait, without a thread)
 * @param minDataRate                 bytes per second a client must send or receive while the
 *                                    server waits for it; 0 for no minimum
 * @param minDataRateGrace            how far behind that rate a transfer may fall before it is cut
 * @param maxEntriesPerUser           files and folders of one user (trash included)
 * @param maxPropertiesPerResource    dead properties of one file or folder
 * @param maxPropertyBytesPerResource bytes of dead properties of one file or folder
 * @param maxPropertiesPerUser        dead properties of one user
 * @param maxPropertyBytesPerUser     bytes of dead properties of one user (they count toward the quota too)
 * @param maxLocksPerResource         locks on one resource (shared locks can be many)
 * @param maxLocksPerUser             live locks of one user
 * @param loginDelayAfter             failed logins (of an address or a user name) answered at once;
 *                                    after that each failure waits longer
 * @param loginBanAfter               failed logins from one address that ban it
 * @param loginUserBanAfter           failed logins for one user name, from anywhere, that ban it
 * @param loginBanTime                how long a ban lasts, and the window failures are counted in
 */
public record Limits(int maxConnections, int maxConnectionsPerAddress, int maxRequestsPerUser, long minDataRate,
                     Duration minDataRateGrace, long maxEntriesPerUser, int maxPropertiesPerResource,
                     long maxPropertyBytesPerResource, long maxPropertiesPerUser, long maxPropertyBytesPerUser,
                     int maxLocksPerResource, int maxLocksPerUser, int loginDelayAfter, int loginBanAfter,
                     int loginUserBanAfter, Duration loginBanTime) {

    /** Every key with its default. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("max-connections", "4096");
        d.put("max-connections-per-address", "256");
        d.put("max-requests-per-user", "32");
        d.put("min-data-rate", "1KiB");
        d.put("min-data-rate-grace", "30s");
        d.put("max-entries-per-user", "1000000");
        d.put("max-properties-per-resource", "256");
        d.put("max-property-bytes-per-resource", "64KiB");
        d.put("max-properties-per-user", "4000000");
        d.put("max-property-bytes-per-user", "256MiB");
        d.put("max-locks-per-resource", "16");
        d.put("max-locks-per-user", "1024");
        d.put("login-delay-after", "3");
        d.put("login-ban-after", "10");
        d.put("login-user-ban-after", "30");
        d.put("login-ban-time", "15m");
        return Map.copyOf(d);
    }

    /** Validates the limit keys of {@code v}, which holds every key (defaults filled in). */
    static Limits from(Map<String, String> v) throws ConfigException {
        int connections = Values.positiveInt("max-connections", v.get("max-connections"));
        int perAddress = Values.positiveInt("max-connections-per-address", v.get("max-connections-per-address"));
        if (perAddress > connections) {
            throw new ConfigException("max-connections-per-address: at most max-connections (" + connections + "), got " + perAddress);
        }
        long rate = Values.size("min-data-rate", v.get("min-data-rate"));
        Duration grace = Values.duration("min-data-rate-grace", v.get("min-data-rate-grace"));
        if (rate > 0 && grace.toMillis() < 100) {
            throw new ConfigException("min-data-rate-grace: at least 100ms, got " + v.get("min-data-rate-grace"));
        }
        int delayAfter = nonNegative("login-delay-after", v);
        int banAfter = Values.positiveInt("login-ban-after", v.get("login-ban-after"));
        int userBanAfter = Values.positiveInt("login-user-ban-after", v.get("login-user-ban-after"));
        Duration banTime = Values.duration("login-ban-time", v.get("login-ban-time"));
        if (banTime.toSeconds() < 1) {
            throw new ConfigException("login-ban-time: at least one second, got " + v.get("login-ban-time"));
        }
        return new Limits(connections, perAddress, Values.positiveInt("max-requests-per-user", v.get("max-requests-per-user")),
                rate, grace, positiveLong("max-entries-per-user", v),
                Values.positiveInt("max-properties-per-resource", v.get("max-properties-per-resource")),
                positiveSize("max-property-bytes-per-resource", v), positiveLong("max-properties-per-user", v),
                positiveSize("max-property-bytes-per-user", v),
                Values.positiveInt("max-locks-per-resource", v.get("max-locks-per-resource")),
                Values.positiveInt("max-locks-per-user", v.get("max-locks-per-user")),
                delayAfter, banAfter, userBanAfter, banTime);
    }

    private static long positiveLong(String key, Map<String, String> v) throws ConfigException {
        try {
            long n = Long.parseLong(v.get(key).trim());
            if (n < 1) {
                throw new ConfigException(key + ": must be at least 1, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v.get(key) + "' is not a whole number");
        }
    }

    private static long positiveSize(String key, Map<String, String> v) throws ConfigException {
        long n = Values.size(key, v.get(key));
        if (n < 1) {
            throw new ConfigException(key + ": must be at least 1 byte, got " + v.get(key));
        }
        return n;
    }

    private static int nonNegative(String key, Map<String, String> v) throws ConfigException {
        try {
            int n = Integer.parseInt(v.get(key).trim());
            if (n < 0) {
                throw new ConfigException(key + ": must be 0 or more, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v.get(key) + "' is not a whole number");
        }
    }
}
