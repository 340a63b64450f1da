package io.attache.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of the human forms of settings: sizes ({@code 10MiB}, {@code 1.5GB}), durations ({@code 15m}), addresses. */
public final class Values {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:([kmgt])(i?)(b?)|b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);

    private Values() {
    }

    /**
     * A size in bytes. IEC units are binary ({@code 64KiB}, {@code 10MiB}, {@code 1.5GiB}, and the
     * bare letters {@code 64k}, {@code 10M}, {@code 1G}, {@code 2T}, as most Unix tools read them);
     * SI units are decimal ({@code 10MB} is 10,000,000 bytes, {@code 1.5GB} 1,500,000,000). Case
     * does not matter; a fraction is rounded down to whole bytes.
     */
    public static long size(String key, String value) throws ConfigException {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new ConfigException(key + ": '" + value + "' is not a size (e.g. 65536, 64KiB, 10MiB, 1.5GiB, 10MB, 1.5GB)");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        BigDecimal unit = BigDecimal.ONE;
        if (m.group(2) != null) {
            int power = "kmgt".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
            boolean decimal = m.group(3).isEmpty() && !m.group(4).isEmpty();
            unit = decimal ? BigDecimal.TEN.pow(3 * power) : BigDecimal.valueOf(2).pow(10 * power);
        }
        BigDecimal bytes = number.multiply(unit).setScale(0, RoundingMode.FLOOR);
        if (unit.equals(BigDecimal.ONE) && number.scale() > 0 && number.stripTrailingZeros().scale() > 0) {
            throw new ConfigException(key + ": '" + value + "' is not a whole number of bytes");
        }
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new ConfigException(key + ": '" + value + "' is too large");
        }
        return bytes.longValueExact();
    }

    /** {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 7d}; a bare number is seconds. */
    public static Duration duration(String key, String value) throws ConfigException {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new ConfigException(key + ": '" + value + "' is not a duration (e.g. 30s, 15m, 2h, 7d)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    public static int positiveInt(String key, String value) throws ConfigException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw new ConfigException(key + ": must be at least 1, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + value + "' is not a whole number");
        }
    }

    public static boolean bool(String key, String value) throws ConfigException {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key + ": '" + value + "' is not true or false");
        };
    }

    /** {@code HOST:PORT}, {@code :PORT} (all interfaces) or {@code [::1]:PORT}. */
    public static Listen listen(String key, String value) throws ConfigException {
        String v = value.trim();
        int colon = v.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(key + ": '" + value + "' is not HOST:PORT");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + value + "' has no valid port");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key + ": port " + port + " is out of range");
        }
        return new Listen(host.isEmpty() ? "0.0.0.0" : host, port);
    }

    /** An address to listen on; port 0 picks a free one. */
    public record Listen(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
