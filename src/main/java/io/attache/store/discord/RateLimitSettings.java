package io.attache.store.discord;

import java.time.Duration;

/**
 * The knobs of the client-side rate limiter. Discord publishes the global limit and the
 * invalid-request threshold; per-route limits are learned from response headers and need no knob.
 *
 * @param globalPerSecond       requests per second per bot token (Discord: 50)
 * @param invalidRequestBudget  401/403/429 answers allowed per {@code invalidRequestWindow}
 *                              before the client stops sending; Discord bans an IP at 10,000 per
 *                              10 minutes, so the default stays at 5 % of that
 * @param invalidRequestWindow  the window of that budget (Discord: 10 minutes)
 * @param webhookChannelLimit   webhook executions per channel per {@code webhookChannelWindow},
 *                              shared by all webhooks of the channel (observed: 30 per minute)
 * @param webhookChannelWindow  the window of that limit
 * @param backoffBase           first pause of a route after a 5xx or a network error; doubles
 * @param backoffMax            longest such pause
 * @param maxWait               the longest a call waits for the limiter; a longer wait fails the
 *                              call at once with a {@code RetryAfter} instead
 * @param banPause              how long to stop after a Cloudflare ban that names no delay
 * @param jitterMargin          added to the windows the client counts itself (the global gate, the
 *                              webhook channel limit): they count requests when sent, the server
 *                              when they arrive, and a request delayed in transit could otherwise
 *                              land in the same server window as one sent a full window later
 */
public record RateLimitSettings(
        int globalPerSecond,
        int invalidRequestBudget,
        Duration invalidRequestWindow,
        int webhookChannelLimit,
        Duration webhookChannelWindow,
        Duration backoffBase,
        Duration backoffMax,
        Duration maxWait,
        Duration banPause,
        Duration jitterMargin) {

    public RateLimitSettings {
        requireRange("globalPerSecond", globalPerSecond, 1, 10_000);
        requireRange("invalidRequestBudget", invalidRequestBudget, 1, 9_000);
        requireRange("webhookChannelLimit", webhookChannelLimit, 1, 10_000);
        requirePositive("invalidRequestWindow", invalidRequestWindow);
        requirePositive("webhookChannelWindow", webhookChannelWindow);
        requirePositive("backoffBase", backoffBase);
        requirePositive("backoffMax", backoffMax);
        requirePositive("maxWait", maxWait);
        requirePositive("banPause", banPause);
        if (jitterMargin == null || jitterMargin.isNegative()) {
            throw new IllegalArgumentException("jitterMargin must not be negative: " + jitterMargin);
        }
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoffMax " + backoffMax + " is below backoffBase " + backoffBase);
        }
    }

    public static RateLimitSettings defaults() {
        return new RateLimitSettings(50, 500, Duration.ofMinutes(10), 30, Duration.ofMinutes(1),
                Duration.ofMillis(250), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofHours(1),
                Duration.ofMillis(250));
    }

    public RateLimitSettings withGlobalPerSecond(int value) {
        return new RateLimitSettings(value, invalidRequestBudget, invalidRequestWindow, webhookChannelLimit,
                webhookChannelWindow, backoffBase, backoffMax, maxWait, banPause, jitterMargin);
    }

    public RateLimitSettings withInvalidRequestBudget(int value) {
        return new RateLimitSettings(globalPerSecond, value, invalidRequestWindow, webhookChannelLimit,
                webhookChannelWindow, backoffBase, backoffMax, maxWait, banPause, jitterMargin);
    }

    public RateLimitSettings withWebhookChannelLimit(int value, Duration window) {
        return new RateLimitSettings(globalPerSecond, invalidRequestBudget, invalidRequestWindow, value,
                window, backoffBase, backoffMax, maxWait, banPause, jitterMargin);
    }

    public RateLimitSettings withBackoff(Duration base, Duration max) {
        return new RateLimitSettings(globalPerSecond, invalidRequestBudget, invalidRequestWindow, webhookChannelLimit,
                webhookChannelWindow, base, max, maxWait, banPause, jitterMargin);
    }

    public RateLimitSettings withMaxWait(Duration value) {
        return new RateLimitSettings(globalPerSecond, invalidRequestBudget, invalidRequestWindow, webhookChannelLimit,
                webhookChannelWindow, backoffBase, backoffMax, value, banPause, jitterMargin);
    }

    public RateLimitSettings withJitterMargin(Duration value) {
        return new RateLimitSettings(globalPerSecond, invalidRequestBudget, invalidRequestWindow, webhookChannelLimit,
                webhookChannelWindow, backoffBase, backoffMax, maxWait, banPause, value);
    }

    static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
        }
    }

    static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration: " + value);
        }
    }
}
