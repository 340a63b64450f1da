package io.attache.store.discord;

import io.attache.store.StoreException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every rule of the limiter, on a fake clock: nothing here sleeps. */
class RateLimiterTest {

    private static final String BOT = "bot #1";
    private static final Route CREATE_A = Route.createMessage("100");
    private static final Route CREATE_B = Route.createMessage("200");

    private long now = 5_000_000_000L;
    private double random = 0.0;
    private RateLimitSettings settings = RateLimitSettings.defaults();
    private RateLimiter limiter = newLimiter();

    private RateLimiter newLimiter() {
        return new RateLimiter(settings, () -> now, () -> random);
    }

    private void advanceMillis(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private RateLimiter.Ticket grant(Route route) {
        return grant(route, BOT);
    }

    private RateLimiter.Ticket grant(Route route, String identity) {
        RateLimiter.Decision d = limiter.tryAcquire(route, identity, null);
        assertTrue(d.granted(), "expected a ticket for " + route + ", got a wait: " + d.reason());
        return d.ticket();
    }

    private long waitMillis(Route route) {
        return waitMillis(route, BOT);
    }

    private long waitMillis(Route route, String identity) {
        RateLimiter.Decision d = limiter.tryAcquire(route, identity, null);
        assertFalse(d.granted(), "expected to wait for " + route);
        return TimeUnit.NANOSECONDS.toMillis(d.waitNanos());
    }

    private static RateAnswer window(int limit, int remaining, double resetAfter, String bucket) {
        return new RateAnswer(200, limit, remaining, resetAfter, bucket, null, false, null, false);
    }

    private static RateAnswer limited(String scope, int remaining, double retryAfter) {
        return new RateAnswer(429, 5, remaining, retryAfter, "hash-a", scope, "global".equals(scope), retryAfter, false);
    }

    @Nested
    @DisplayName("buckets")
    class Buckets {

        @Test
        void anUnknownBucketLetsOneRequestThroughUntilItsLimitsAreKnown() {
            RateLimiter.Ticket first = grant(CREATE_A);
            RateLimiter.Decision second = limiter.tryAcquire(CREATE_A, BOT, null);
            assertFalse(second.granted());
            assertTrue(second.reason().startsWith("learning"), second.reason());
            limiter.complete(first, window(5, 4, 5.0, "hash-a"));
            for (int i = 0; i < 4; i++) {
                grant(CREATE_A);
            }
            assertEquals(5_000, waitMillis(CREATE_A));
        }

        @Test
        void theMajorParameterSeparatesBuckets() {
            limiter.complete(grant(CREATE_A), window(1, 0, 5.0, "hash-a"));
            assertTrue(waitMillis(CREATE_A) > 0);
            grant(CREATE_B);
            Route getOne = Route.getMessage("100", "1");
            Route getOther = Route.getMessage("100", "2");
            limiter.complete(grant(getOne), window(1, 0, 2.0, "hash-get"));
            assertEquals(2_000, waitMillis(getOther), "the message id is not a major parameter");
        }

        @Test
        void theResetIsTakenRelativeToTheLocalClock() {
            limiter.complete(grant(CREATE_A), window(2, 1, 2.5, "hash-a"));
            limiter.complete(grant(CREATE_A), window(2, 0, 2.25, "hash-a"));
            assertEquals(2_250, waitMillis(CREATE_A));
            advanceMillis(2_249);
            assertEquals(1, waitMillis(CREATE_A));
            advanceMillis(1);
            grant(CREATE_A);
            grant(CREATE_A);
            assertTrue(limiter.tryAcquire(CREATE_A, BOT, null).waitNanos() > 0);
        }

        @Test
        void concurrentRequestsAreCountedBeforeTheirAnswersArrive() {
            limiter.complete(grant(CREATE_A), window(5, 4, 5.0, "hash-a"));
            List<RateLimiter.Ticket> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                inFlight.add(grant(CREATE_A));
            }
            assertTrue(waitMillis(CREATE_A) > 0, "five in one window, the sixth must wait");
        }

        @Test
        void requestsStillInFlightAtTheResetCountAgainstTheNextWindow() {
            limiter.complete(grant(CREATE_A), window(5, 4, 5.0, "hash-a"));
            for (int i = 0; i < 2; i++) {
                limiter.complete(grant(CREATE_A), window(5, 3 - i, 5.0, "hash-a"));
            }
            grant(CREATE_A);
            grant(CREATE_A);
            advanceMillis(5_000);
            grant(CREATE_A);
            grant(CREATE_A);
            grant(CREATE_A);
            assertTrue(limiter.tryAcquire(CREATE_A, BOT, null).waitNanos() > 0,
                    "two requests of the last window may land in this one");
        }

        @Test
        void anAnswerFromAnOlderWindowDoesNotRefillTheCurrentOne() {
            limiter.complete(grant(CREATE_A), window(2, 1, 1.0, "hash-a"));
            RateLimiter.Ticket late = grant(CREATE_A);
            advanceMillis(1_000);
            limiter.complete(grant(CREATE_A), window(2, 1, 1.0, "hash-a"));
            assertTrue(waitMillis(CREATE_A) > 0, "the late request may have landed in this window");
            // The late answer says the old window had 0 left and resets "now": it must be ignored.
            limiter.complete(late, window(2, 0, 0.001, "hash-a"));
            assertTrue(waitMillis(CREATE_A) > 500);
        }

        @Test
        void anAnswerFromALaterServerWindowRestartsTheCount() {
            limiter.complete(grant(CREATE_A), window(5, 4, 1.0, "hash-a"));
            RateLimiter.Ticket slow = grant(CREATE_A);
            advanceMillis(900);
            // The slow request reached the server after its window had rolled over.
            limiter.complete(slow, window(5, 4, 1.0, "hash-a"));
            advanceMillis(100);
            for (int i = 0; i < 4; i++) {
                grant(CREATE_A);
            }
            assertEquals(900, waitMillis(CREATE_A), "the server's window ends 1 s after the slow answer");
        }

        @Test
        void routesSharingABucketHashShareTheirLimit() {
            Route get = Route.getMessage("100", "1");
            Route history = Route.history("100");
            limiter.complete(grant(get), window(3, 2, 1.0, "shared-hash"));
            limiter.complete(grant(history), window(3, 1, 1.0, "shared-hash"));
            grant(get);
            assertEquals(1_000, waitMillis(history));
            assertEquals(1_000, waitMillis(get));
        }

        @Test
        void aChangedBucketHashStartsAFreshBucket() {
            limiter.complete(grant(CREATE_A), window(2, 1, 60.0, "old-hash"));
            RateLimiter.Ticket inFlight = grant(CREATE_A);
            assertEquals(60_000, waitMillis(CREATE_A));
            // Its answer says Discord moved the route to another bucket with room to spare.
            limiter.complete(inFlight, window(5, 4, 5.0, "new-hash"));
            for (int i = 0; i < 4; i++) {
                grant(CREATE_A);
            }
            assertEquals(5_000, waitMillis(CREATE_A));
        }

        @Test
        void aBucketKeepsItsRequestInFlightWhenAnotherChannelTeachesTheHash() {
            RateLimiter.Ticket probeB = grant(CREATE_B);
            limiter.complete(grant(CREATE_A), window(5, 4, 5.0, "hash-a"));
            RateLimiter.Decision second = limiter.tryAcquire(CREATE_B, BOT, null);
            assertFalse(second.granted(), "channel 200's probe is still in flight: " + second.reason());
            limiter.complete(probeB, window(5, 4, 5.0, "hash-a"));
            for (int i = 0; i < 4; i++) {
                grant(CREATE_B);
            }
            assertTrue(waitMillis(CREATE_B) > 0);
        }

        @Test
        void channelsAnsweringWithTheirOwnHashesNeverRemapEachOther() {
            // Each channel has its own bucket hash; answers alternate between them. A limiter that
            // learned one hash per template would flip the mapping on every answer and start a
            // fresh, unknown bucket each time, letting requests through that Discord refuses.
            java.util.Map<Route, Integer> remaining = new java.util.HashMap<>(java.util.Map.of(CREATE_A, 5, CREATE_B, 5));
            int granted = 0;
            for (int round = 0; round < 10; round++) {
                for (Route route : List.of(CREATE_A, CREATE_B)) {
                    RateLimiter.Decision d = limiter.tryAcquire(route, BOT, null);
                    if (d.granted()) {
                        granted++;
                        int left = remaining.merge(route, -1, Integer::sum);
                        limiter.complete(d.ticket(), window(5, left, 5.0, route == CREATE_A ? "hash-a" : "hash-b"));
                    }
                }
            }
            assertEquals(10, granted, "five per channel window, no more");
            assertEquals(5_000, waitMillis(CREATE_A));
            assertEquals(5_000, waitMillis(CREATE_B));
        }

        @Test
        void missingHeadersKeepAnUnknownBucketToOneRequestAtATime() {
            for (int i = 0; i < 3; i++) {
                RateLimiter.Ticket t = grant(CREATE_A);
                assertFalse(limiter.tryAcquire(CREATE_A, BOT, null).granted());
                limiter.complete(t, RateAnswer.ok(200));
            }
        }

        @Test
        void missingHeadersOnAKnownBucketKeepTheLocalCountAndGuessTheReset() {
            limiter.complete(grant(CREATE_A), window(3, 2, 2.0, "hash-a"));
            advanceMillis(2_000);
            for (int i = 0; i < 3; i++) {
                limiter.complete(grant(CREATE_A), RateAnswer.ok(200));
            }
            assertEquals(2_000, waitMillis(CREATE_A), "a whole observed window from the last answer");
        }
    }

    @Nested
    @DisplayName("the global gate")
    class Global {

        @Test
        void aCredentialSendsAtMostItsGlobalRatePerSecondPlusTheJitterMargin() {
            settings = settings.withGlobalPerSecond(5).withJitterMargin(Duration.ofMillis(250));
            limiter = newLimiter();
            for (int i = 0; i < 5; i++) {
                grant(Route.getMessage("10" + i, "1"));
                grant(Route.getMessage("30" + i, "1"), "bot #2");
                advanceMillis(100);
            }
            // The first of the five was sent at 0: the sixth may go at 1 s + 250 ms, not earlier.
            assertEquals(750, waitMillis(Route.getMessage("400", "1")));
            advanceMillis(749);
            assertFalse(limiter.tryAcquire(Route.getMessage("400", "1"), BOT, null).granted());
            advanceMillis(1);
            grant(Route.getMessage("400", "1"));
        }

        @Test
        void aGlobal429PausesEveryRouteOfThatCredentialOnly() {
            limiter.complete(grant(CREATE_A), limited("global", 0, 1.5));
            assertEquals(1_500, waitMillis(CREATE_B));
            assertEquals(1_500, waitMillis(Route.currentUser()));
            grant(CREATE_B, "bot #2");
            assertEquals(1, limiter.stats().invalidInWindow());
            assertEquals(1, limiter.stats().globalRateLimited());
        }
    }

    @Nested
    @DisplayName("429 by scope")
    class TooManyRequests {

        @Test
        void aBucket429PausesThatBucketForRetryAfter() {
            limiter.complete(grant(CREATE_A), limited("user", 0, 3.0));
            assertEquals(3_000, waitMillis(CREATE_A));
            grant(CREATE_B);
            assertEquals(1, limiter.stats().invalidInWindow());
        }

        @Test
        void aSubLimit429IsHonouredEvenWithRemainingLeft() {
            limiter.complete(grant(CREATE_A), window(5, 4, 5.0, "hash-a"));
            limiter.complete(grant(CREATE_A), limited("user", 3, 2.0));
            assertEquals(2_000, waitMillis(CREATE_A));
            advanceMillis(2_000);
            // The bucket is exhausted until its reset too, remaining notwithstanding.
            assertTrue(waitMillis(CREATE_A) > 0);
            advanceMillis(3_000);
            grant(CREATE_A);
        }

        @Test
        void aShared429JustWaitsAndCostsNoStanding() {
            limiter.complete(grant(CREATE_A), window(5, 4, 5.0, "hash-a"));
            limiter.complete(grant(CREATE_A), limited("shared", 3, 1.0));
            assertEquals(1_000, waitMillis(CREATE_A));
            advanceMillis(1_000);
            grant(CREATE_A);
            assertEquals(0, limiter.stats().invalidInWindow());
            assertEquals(1, limiter.stats().sharedRateLimited());
        }

        @Test
        void aCloudflareBanStopsEverything() {
            RateAnswer ban = new RateAnswer(429, null, null, null, null, null, false, 120.0, true);
            limiter.complete(grant(CREATE_A), ban);
            assertEquals(120_000, waitMillis(CREATE_B, "bot #2"));
            assertEquals(120_000, waitMillis(Route.executeWebhook(new Webhook("9", "tok")), "webhooks"));
            advanceMillis(120_000);
            grant(CREATE_B, "bot #2");
        }

        @Test
        void aCloudflareBanWithoutDelayPausesForTheConfiguredTime() {
            limiter.complete(grant(CREATE_A), new RateAnswer(429, null, null, null, null, null, false, null, true));
            assertEquals(Duration.ofHours(1).toMillis(), waitMillis(CREATE_B));
        }
    }

    @Nested
    @DisplayName("the invalid-request breaker")
    class Breaker {

        @Test
        void stopsSendingWhenTheBudgetIsSpentAndResumesAsAnswersAgeOut() {
            settings = settings.withInvalidRequestBudget(3);
            limiter = newLimiter();
            limiter.complete(grant(CREATE_A), RateAnswer.ok(401));
            advanceMillis(1_000);
            limiter.complete(grant(CREATE_A), RateAnswer.ok(403));
            limiter.complete(grant(CREATE_B), RateAnswer.ok(404));
            grant(CREATE_B);
            limiter.complete(grant(Route.currentUser()), RateAnswer.ok(401));
            RateLimiter.Decision d = limiter.tryAcquire(Route.currentUser(), "bot #3", null);
            assertFalse(d.granted());
            assertTrue(d.reason().startsWith("invalid-request breaker"), d.reason());
            assertEquals(Duration.ofMinutes(10).toMillis() - 1_000, TimeUnit.NANOSECONDS.toMillis(d.waitNanos()),
                    "until the first invalid answer is ten minutes old");
            advanceMillis(Duration.ofMinutes(10).toMillis() - 1_000);
            grant(Route.getMessage("1", "2"), "bot #3");
        }
    }

    @Nested
    @DisplayName("errors")
    class Errors {

        @Test
        void serverErrorsPauseTheRouteWithJitteredExponentialBackoff() {
            random = 1.0;
            settings = settings.withBackoff(Duration.ofMillis(100), Duration.ofMillis(350));
            limiter = newLimiter();
            RateAnswer error = new RateAnswer(503, null, null, null, null, null, false, null, false);
            limiter.complete(grant(CREATE_A), error);
            assertEquals(100, waitMillis(CREATE_A));
            advanceMillis(100);
            limiter.complete(grant(CREATE_A), error);
            assertEquals(200, waitMillis(CREATE_A));
            advanceMillis(200);
            limiter.complete(grant(CREATE_A), error);
            assertEquals(350, waitMillis(CREATE_A), "capped");
            advanceMillis(350);
            limiter.complete(grant(CREATE_A), RateAnswer.ok(200));
            limiter.complete(grant(CREATE_A), error);
            assertEquals(100, waitMillis(CREATE_A), "a success resets the backoff");
            grant(CREATE_B);
        }

        @Test
        void theJitterTakesBetweenHalfAndAllOfTheStep() {
            random = 0.0;
            settings = settings.withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
            limiter = newLimiter();
            limiter.failed(grant(CREATE_A));
            assertEquals(50, waitMillis(CREATE_A));
        }

        @Test
        void aLongerWaitThanAllowedFailsAtOnceWithoutSending() {
            settings = settings.withMaxWait(Duration.ofSeconds(2));
            limiter = newLimiter();
            limiter.complete(grant(CREATE_A), limited("user", 0, 30.0));
            StoreException.RetryAfter e = assertThrows(StoreException.RetryAfter.class,
                    () -> limiter.acquire(CREATE_A, BOT, null));
            assertEquals(30_000, e.delayMillis());
        }

        @Test
        void anAbandonedTicketGivesItsSlotBack() {
            limiter.complete(grant(CREATE_A), window(2, 1, 5.0, "hash-a"));
            RateLimiter.Ticket t = grant(CREATE_A);
            assertTrue(waitMillis(CREATE_A) > 0);
            limiter.abandon(t);
            grant(CREATE_A);
        }
    }

    @Test
    void webhooksOfOneChannelShareTheChannelsLimit() {
        settings = settings.withWebhookChannelLimit(2, Duration.ofMinutes(1)).withJitterMargin(Duration.ZERO);
        limiter = newLimiter();
        Route one = Route.executeWebhook(new Webhook("1", "a"));
        Route two = Route.executeWebhook(new Webhook("2", "b"));
        limiter.complete(limiter.tryAcquire(one, "webhooks", "777").ticket(), window(5, 4, 2.0, "wh"));
        limiter.complete(limiter.tryAcquire(two, "webhooks", "777").ticket(), window(5, 4, 2.0, "wh"));
        RateLimiter.Decision third = limiter.tryAcquire(one, "webhooks", "777");
        assertFalse(third.granted());
        assertEquals(60_000, TimeUnit.NANOSECONDS.toMillis(third.waitNanos()));
        assertTrue(limiter.tryAcquire(two, "webhooks", "888").granted(), "another channel is not affected");
    }

    @Test
    void answersAreReadFromHeadersAndBody() {
        java.net.http.HttpHeaders headers = java.net.http.HttpHeaders.of(java.util.Map.of(
                "X-RateLimit-Limit", List.of("5"), "X-RateLimit-Remaining", List.of("0"),
                "X-RateLimit-Reset-After", List.of("1.25"), "X-RateLimit-Bucket", List.of("abc"),
                "X-RateLimit-Scope", List.of("user"), "Retry-After", List.of("2"), "Via", List.of("1.1 google")),
                (a, b) -> true);
        RateAnswer a = DiscordApi.rateAnswer(429, headers, DiscordJson.parse("{\"retry_after\": 1.5, \"global\": false}"));
        assertEquals(new RateAnswer(429, 5, 0, 1.25, "abc", "user", false, 1.5, false), a);
        assertTrue(a.isInvalid());
        RateAnswer fromHeader = DiscordApi.rateAnswer(429, headers, null);
        assertEquals(2.0, fromHeader.retryAfterSeconds());
        assertFalse(fromHeader.cloudflareBan(), "a Via header means Discord's API answered");
    }

    @Test
    void anEdgeBanAndMalformedHeadersAreRecognised() {
        java.net.http.HttpHeaders edge = java.net.http.HttpHeaders.of(java.util.Map.of(
                "Retry-After", List.of("Wed, 21 Oct 2026 07:28:00 GMT"), "X-RateLimit-Remaining", List.of("many"),
                "Content-Type", List.of("text/html")), (a, b) -> true);
        RateAnswer ban = DiscordApi.rateAnswer(429, edge, null);
        assertTrue(ban.cloudflareBan());
        assertEquals(null, ban.retryAfterSeconds());
        assertEquals(null, ban.remaining());
        assertFalse(ban.isShared());
    }

    @Test
    void aRouteNeverLeaksAWebhookTokenIntoItsName() {
        Route route = Route.getWebhookMessage(new Webhook("123", "s3cr3t-token"), "456");
        assertEquals("GET /webhooks/123/{token}/messages/{message}", route.toString());
        assertEquals("GET /webhooks/{webhook}/{token}/messages/{message} | " + route.major(), route.hashKey());
        assertTrue(route.path().contains("s3cr3t-token"));
    }
}
