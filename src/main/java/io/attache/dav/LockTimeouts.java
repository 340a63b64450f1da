package io.attache.dav;

/**
 * The {@code Timeout} request header of LOCK (RFC 4918 section 10.7): a list of
 * {@code Second-N} and {@code Infinite}; the first one understood is granted, capped by the
 * server's maximum. Without one, the default applies.
 */
final class LockTimeouts {

    private LockTimeouts() {
    }

    static long grant(String header, long defaultSeconds, long maxSeconds) {
        if (header == null) {
            return Math.min(defaultSeconds, maxSeconds);
        }
        for (String part : header.split(",")) {
            String t = part.trim();
            if (t.equalsIgnoreCase("Infinite")) {
                return maxSeconds;
            }
            if (t.regionMatches(true, 0, "Second-", 0, 7)) {
                String digits = t.substring(7);
                if (!digits.isEmpty() && digits.length() <= 18 && digits.chars().allMatch(Character::isDigit)) {
                    long seconds = Long.parseLong(digits);
                    if (seconds > 0) {
                        return Math.min(seconds, maxSeconds);
                    }
                }
            }
        }
        return Math.min(defaultSeconds, maxSeconds);
    }
}
