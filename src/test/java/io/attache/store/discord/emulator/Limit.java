package io.attache.store.discord.emulator;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code count} requests per {@code period}; written {@code 5/5s}, {@code 50/1s}, {@code 30/60s}, {@code 5/250ms}. */
public record Limit(int count, Duration period) {

    private static final Pattern TEXT = Pattern.compile("(\\d+)/(\\d+)(ms|s|m)");

    public Limit {
        if (count < 1 || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("a limit is a positive count per positive period: " + count + "/" + period);
        }
    }

    public static Limit of(int count, Duration period) {
        return new Limit(count, period);
    }

    public static Limit parse(String text) {
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("a limit looks like 5/5s, 50/1s or 5/250ms: " + text);
        }
        long amount = Long.parseLong(m.group(2));
        Duration period = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
        return new Limit(Integer.parseInt(m.group(1)), period);
    }

    @Override
    public String toString() {
        return count + "/" + period.toMillis() + "ms";
    }
}
