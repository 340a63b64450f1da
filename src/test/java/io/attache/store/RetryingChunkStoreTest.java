package io.attache.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryingChunkStoreTest {

    private static final RetryingChunkStore.Policy POLICY = new RetryingChunkStore.Policy(
            5, Duration.ofMillis(100), Duration.ofMillis(1_000), Duration.ofSeconds(60));

    private final ScriptedStore inner = new ScriptedStore();
    /** Sleeping advances this fake clock; nothing in these tests really waits. */
    private long now = 1_000_000_000L;
    private final List<Long> sleptMillis = new ArrayList<>();
    private double randomValue = 0.0;

    private RetryingChunkStore store(RetryingChunkStore.Policy policy) {
        return new RetryingChunkStore(inner, policy, () -> now, nanos -> {
            sleptMillis.add(TimeUnit.NANOSECONDS.toMillis(nanos));
            now += nanos;
        }, () -> randomValue);
    }

    private static StoreException.Retryable transientError() {
        return new StoreException.Retryable("503 from upstream");
    }

    @Test
    void retryableFailuresAreRetriedWithExponentialBackoff() throws Exception {
        inner.failNext(transientError(), transientError(), transientError());
        Locator locator = store(POLICY).put("aa00", new byte[]{1, 2, 3}, 0, 3);
        assertEquals("mem:aa00", locator.value());
        assertEquals(4, inner.calls.size());
        // equal jitter with the random part at 0: half of 100, 200, 400 ms
        assertEquals(List.of(50L, 100L, 200L), sleptMillis);
    }

    @Test
    void theRandomHalfOfTheBackoffIsAddedOnTop() throws Exception {
        randomValue = 1.0;
        Locator locator = put("bb00", 10);
        inner.failNext(transientError(), transientError());
        store(POLICY).stat(locator);
        assertEquals(List.of(100L, 200L), sleptMillis);
    }

    @Test
    void backoffStopsGrowingAtTheMaximum() throws Exception {
        RetryingChunkStore.Policy many = new RetryingChunkStore.Policy(
                10, Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofMinutes(5));
        randomValue = 1.0;
        Locator locator = put("cc00", 1);
        inner.failNext(transientError(), transientError(), transientError(), transientError());
        store(many).stat(locator);
        assertEquals(List.of(100L, 200L, 300L, 300L), sleptMillis);
    }

    @Test
    void aRetryAfterDelayIsHonouredInFull() throws Exception {
        Locator locator = put("dd00", 1);
        inner.failNext(new StoreException.RetryAfter("429 bucket", 4_500));
        store(POLICY).stat(locator);
        assertEquals(List.of(4_500L), sleptMillis);
    }

    @Test
    void aRetryAfterDelayGetsAtMostTenPercentJitter() throws Exception {
        randomValue = 1.0;
        Locator locator = put("dd01", 1);
        inner.failNext(new StoreException.RetryAfter("429 bucket", 1_000));
        store(POLICY).stat(locator);
        assertEquals(List.of(1_100L), sleptMillis);
    }

    @Test
    void permanentFailuresAreNotRetried() {
        inner.failNext(new StoreException.Permanent("401 token rejected"));
        assertThrows(StoreException.Permanent.class, () -> store(POLICY).put("ee00", new byte[1], 0, 1));
        assertEquals(1, inner.calls.size());
        assertTrue(sleptMillis.isEmpty());
    }

    @Test
    void notFoundIsNotRetried() {
        assertThrows(StoreException.NotFound.class, () -> store(POLICY).stat(Locator.of("mem", "missing")));
        assertEquals(1, inner.calls.size());
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheLastError() {
        for (int i = 0; i < 10; i++) {
            inner.failNext(new StoreException.Retryable("502 attempt " + (i + 1)));
        }
        StoreException e = assertThrows(StoreException.Retryable.class,
                () -> store(POLICY).put("ff00", new byte[1], 0, 1));
        assertEquals(5, inner.calls.size());
        assertEquals(4, sleptMillis.size());
        assertTrue(e.getMessage().contains("after 5 attempts"), e.getMessage());
        assertTrue(e.getMessage().contains("502 attempt 5"), e.getMessage());
    }

    @Test
    void doesNotStartAWaitThatWouldOutlastTheTimeBudget() {
        inner.failNext(new StoreException.RetryAfter("banned for an hour", 3_600_000));
        StoreException e = assertThrows(StoreException.RetryAfter.class,
                () -> store(POLICY).put("ab00", new byte[1], 0, 1));
        assertEquals(1, inner.calls.size());
        assertTrue(sleptMillis.isEmpty(), "slept " + sleptMillis);
        assertEquals(3_600_000, ((StoreException.RetryAfter) e).delayMillis());
    }

    @Test
    void anInterruptedWaitStopsRetrying() {
        RetryingChunkStore store = new RetryingChunkStore(inner, POLICY, () -> now, nanos -> {
            throw new InterruptedException();
        }, () -> 0.0);
        inner.failNext(transientError());
        try {
            assertThrows(StoreException.Permanent.class, () -> store.put("ac00", new byte[1], 0, 1));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aStreamThatFailsRetryablyResumesWhereItStopped() throws Exception {
        byte[] data = bytes(10_000);
        Locator locator = put("ad00", data);
        inner.failStreamNext(3_000, new StoreException.Retryable("connection reset"));
        inner.failStreamNext(2_000, new StoreException.Retryable("truncated body"));
        byte[] read;
        try (InputStream in = store(POLICY).open(locator, 1_000, 8_000)) {
            read = in.readAllBytes();
        }
        assertArrayEquals(Arrays.copyOfRange(data, 1_000, 9_000), read);
        assertEquals(List.of("open ad00 1000+8000", "open ad00 4000+5000", "open ad00 6000+3000"),
                inner.calls);
    }

    @Test
    void aStreamGivesUpAfterTheAttemptBudget() throws Exception {
        Locator locator = put("ae00", bytes(1_000));
        for (int i = 0; i < 10; i++) {
            inner.failStreamNext(10, new StoreException.Retryable("reset " + i));
        }
        try (InputStream in = store(POLICY).open(locator, 0, 1_000)) {
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertInstanceOf(StoreException.Retryable.class, e);
        }
        assertEquals(5, inner.calls.stream().filter(c -> c.startsWith("open")).count());
    }

    @Test
    void aNonRetryableStreamErrorIsNotResumed() throws Exception {
        Locator locator = put("af00", bytes(1_000));
        inner.failStreamNext(100, new IOException("content check failed"));
        try (InputStream in = store(POLICY).open(locator, 0, 1_000)) {
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertEquals("content check failed", e.getMessage());
        }
        assertEquals(1, inner.calls.stream().filter(c -> c.startsWith("open")).count());
    }

    @Test
    void everyOperationIsRetried() throws Exception {
        RetryingChunkStore store = store(POLICY);
        Locator locator = put("ba00", bytes(5));
        inner.failNext(transientError());
        store.delete(locator);
        inner.failNext(transientError());
        store.deleteAll(List.of(locator));
        inner.failNext(transientError());
        store.putPointer("metadata", new byte[]{9});
        inner.failNext(transientError());
        assertArrayEquals(new byte[]{9}, store.getPointer("metadata").orElseThrow());
        assertEquals(4, sleptMillis.size());
    }

    private Locator put(String name, int size) throws StoreException {
        return put(name, bytes(size));
    }

    private Locator put(String name, byte[] data) throws StoreException {
        Locator locator = inner.put(name, data, 0, data.length);
        inner.calls.clear();
        return locator;
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }
}
