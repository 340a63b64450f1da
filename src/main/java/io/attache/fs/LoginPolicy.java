package io.attache.fs;

import java.time.Duration;

/**
 * How failed logins are answered, in the spirit of fail2ban and SFTPGo's defender: the first few
 * failures of an address or a user name are answered at once; after {@code delayAfter} each
 * further failure waits longer (0.25 s, doubling up to 4 s); at {@code banAfter} failures from one
 * address, or {@code userBanAfter} for one user name from anywhere, within {@code banTime}, the
 * address or name is banned for {@code banTime}: answered 429 without checking any password.
 * Pure arithmetic, table-tested.
 */
public record LoginPolicy(int delayAfter, int banAfter, int userBanAfter, Duration banTime) {

    static final long FIRST_DELAY_MS = 250;
    static final long MAX_DELAY_MS = 4_000;

    public LoginPolicy {
        if (delayAfter < 0 || banAfter < 1 || userBanAfter < 1 || banTime.toMillis() < 1) {
            throw new IllegalArgumentException("invalid login policy " + delayAfter + ", " + banAfter + ", " + userBanAfter
                    + ", " + banTime);
        }
    }

    /** Failures counted in a window that starts at the first of them; {@code bannedUntil} is 0 when never banned. */
    public record State(long failures, long firstAt, long bannedUntil) {
        public boolean bannedAt(long now) {
            return bannedUntil > now;
        }
    }

    /**
     * The state after one more failure at {@code now}, for a subject banned after {@code limit}
     * failures. A window older than the ban time starts over; a ban is set once, when the count
     * reaches the limit, and runs its time.
     */
    public State afterFailure(State before, long now, int limit) {
        if (before == null || now - before.firstAt() >= banTime.toMillis()) {
            before = new State(0, now, before == null ? 0 : before.bannedUntil());
        }
        long failures = before.failures() + 1;
        long bannedUntil = failures >= limit && !before.bannedAt(now) ? now + banTime.toMillis() : before.bannedUntil();
        return new State(failures, before.firstAt(), bannedUntil);
    }

    /** How long the answer to a failure waits when the subject has {@code failures} in its window. */
    public Duration delay(long failures) {
        if (failures <= delayAfter) {
            return Duration.ZERO;
        }
        long doublings = Math.min(failures - delayAfter - 1, 20);
        return Duration.ofMillis(Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << doublings));
    }
}
