package io.attache.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginPolicyTest {

    static final LoginPolicy POLICY = new LoginPolicy(3, 10, 30, Duration.ofMinutes(15));
    static final long MIN = 60_000;

    @ParameterizedTest(name = "failure {0} waits {1} ms")
    @CsvSource(textBlock = """
            1,   0
            3,   0
            4,   250
            5,   500
            6,   1000
            7,   2000
            8,   4000
            9,   4000
            1000, 4000
            """)
    void failuresWaitLongerAndLonger(long failures, long millis) {
        assertEquals(Duration.ofMillis(millis), POLICY.delay(failures));
    }

    @Test
    void theTenthFailureInTheWindowBansForTheBanTime() {
        LoginPolicy.State s = null;
        long now = 1_000_000;
        for (int i = 1; i <= 9; i++) {
            s = POLICY.afterFailure(s, now + i, 10);
            assertFalse(s.bannedAt(now + i), "failure " + i);
        }
        s = POLICY.afterFailure(s, now + 10, 10);
        assertEquals(10, s.failures());
        assertTrue(s.bannedAt(now + 10));
        assertEquals(now + 10 + 15 * MIN, s.bannedUntil());
        LoginPolicy.State later = POLICY.afterFailure(s, now + 11, 10);
        assertEquals(s.bannedUntil(), later.bannedUntil(), "a ban runs its time; failures during it do not extend it");
        assertFalse(later.bannedAt(s.bannedUntil()), "and then it is over");
    }

    @Test
    void aWindowOlderThanTheBanTimeStartsOver() {
        LoginPolicy.State s = new LoginPolicy.State(9, 0, 0);
        LoginPolicy.State fresh = POLICY.afterFailure(s, 15 * MIN, 10);
        assertEquals(1, fresh.failures());
        assertEquals(15 * MIN, fresh.firstAt());
        assertFalse(fresh.bannedAt(15 * MIN));
    }
}
