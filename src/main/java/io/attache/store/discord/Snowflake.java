package io.attache.store.discord;

import java.util.regex.Pattern;

/** Discord ids: {@code (milliseconds since 2015-01-01) << 22}, sent as decimal strings. */
final class Snowflake {

    static final long DISCORD_EPOCH_MILLIS = 1_420_070_400_000L;
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,20}");

    private Snowflake() {
    }

    static boolean isValid(String id) {
        if (id == null || !DIGITS.matcher(id).matches()) {
            return false;
        }
        try {
            return Long.parseLong(id) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** When the object with this id was created, in epoch milliseconds. */
    static long timestampMillis(String id) {
        return (Long.parseLong(id) >>> 22) + DISCORD_EPOCH_MILLIS;
    }

    /** The smallest id created at {@code epochMillis}, for {@code after=} queries. */
    static String atMillis(long epochMillis) {
        return Long.toString(Math.max(0, epochMillis - DISCORD_EPOCH_MILLIS) << 22);
    }

    /** Orders ids by value, which is creation order. */
    static int compare(String a, String b) {
        return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }
}
