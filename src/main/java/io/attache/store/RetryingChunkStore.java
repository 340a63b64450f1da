package io.attache.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Retries the calls of another store when they fail with {@link StoreException.Retryable}: after a
 * jittered exponential backoff, or after the delay a {@link StoreException.RetryAfter} names, for
 * at most {@link Policy#maxAttempts} attempts and {@link Policy#maxElapsed} in total. Permanent
 * failures pass through at once. A stream returned by {@link #open} resumes where it stopped when
 * a read fails with a retryable error, so a dropped transfer costs only the missing bytes.
 *
 * <p>Every {@link ChunkStore} method is idempotent, which is what makes retrying them safe; a
 * retried {@link #list} may report an object twice.
 */
public final class RetryingChunkStore extends ForwardingChunkStore {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingChunkStore.class);

    /**
     * How hard to try.
     *
     * @param maxAttempts    attempts per call, the first one included
     * @param initialBackoff the backoff before the second attempt; it doubles each time
     * @param maxBackoff     the largest backoff (a {@code RetryAfter} may ask for more)
     * @param maxElapsed     a call gives up rather than start a wait that would end after this
     */
    public record Policy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxElapsed) {
        public Policy {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
            }
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxElapsed.isNegative()) {
                throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff and maxElapsed >= 0");
            }
        }

        /** Eight attempts within three minutes, backing off from 250 ms to 20 s. */
        public static Policy defaults() {
            return new Policy(8, Duration.ofMillis(250), Duration.ofSeconds(20), Duration.ofMinutes(3));
        }
    }

    /** Waits; tests replace it with one that advances a fake clock. */
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws StoreException;
    }

    private final Policy policy;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong rateLimitedRetries = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong givenUp = new java.util.concurrent.atomic.AtomicLong();

    public RetryingChunkStore(ChunkStore inner, Policy policy) {
        this(inner, policy, System::nanoTime, TimeUnit.NANOSECONDS::sleep,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    RetryingChunkStore(ChunkStore inner, Policy policy, LongSupplier nanoClock, Sleeper sleeper, DoubleSupplier random) {
        super(inner);
        this.policy = policy;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.random = random;
    }

    @Override
    public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
        return retry("put " + chunkName, () -> inner.put(chunkName, data, offset, length));
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        InputStream first = retry("open " + locator, () -> inner.open(locator, offset, length));
        return new ResumingStream(locator, offset, length, first);
    }

    @Override
    public void delete(Locator locator) throws StoreException {
        retry("delete " + locator, () -> {
            inner.delete(locator);
            return null;
        });
    }

    @Override
    public void deleteAll(Collection<Locator> locators) throws StoreException {
        retry("delete " + locators.size() + " objects", () -> {
            inner.deleteAll(locators);
            return null;
        });
    }

    @Override
    public long stat(Locator locator) throws StoreException {
        return retry("stat " + locator, () -> inner.stat(locator));
    }

    @Override
    public void list(Consumer<Locator> sink) throws StoreException {
        retry("list", () -> {
            inner.list(sink);
            return null;
        });
    }

    @Override
    public void putPointer(String name, byte[] data) throws StoreException {
        retry("put pointer " + name, () -> {
            inner.putPointer(name, data);
            return null;
        });
    }

    @Override
    public Optional<byte[]> getPointer(String name) throws StoreException {
        return retry("get pointer " + name, () -> inner.getPointer(name));
    }

    private <T> T retry(String what, Call<T> call) throws StoreException {
        long start = nanoClock.getAsLong();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (StoreException.Retryable e) {
                pause(what, attempt, start, e);
            }
        }
    }

    /** Sleeps before the next attempt, or throws when the policy says this was the last one. */
    private void pause(String what, int attempt, long start, StoreException.Retryable failure) throws StoreException {
        long delay = delayNanos(failure, attempt);
        long elapsed = nanoClock.getAsLong() - start;
        if (attempt >= policy.maxAttempts() || elapsed + delay > policy.maxElapsed().toNanos()) {
            givenUp.incrementAndGet();
            throw giveUp(what, attempt, elapsed, failure);
        }
        retries.incrementAndGet();
        if (failure instanceof StoreException.RetryAfter) {
            rateLimitedRetries.incrementAndGet();
        }
        LOG.debug("{} failed (attempt {}), retrying in {} ms: {}", what, attempt,
                TimeUnit.NANOSECONDS.toMillis(delay), failure.getMessage());
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            StoreException.Permanent interrupted = new StoreException.Permanent(what + " was interrupted", e);
            interrupted.addSuppressed(failure);
            throw interrupted;
        }
    }

    /**
     * A server's {@code RetryAfter} is honoured in full with up to 10 % added, so that callers who
     * were told the same delay do not return in the same instant; otherwise "equal jitter": half
     * of the exponential step is fixed, half random, which never retries at once yet spreads.
     */
    long delayNanos(StoreException.Retryable failure, int attempt) {
        if (failure instanceof StoreException.RetryAfter after) {
            long asked = TimeUnit.MILLISECONDS.toNanos(after.delayMillis());
            return asked + (long) (asked * 0.1 * random.getAsDouble());
        }
        long initial = policy.initialBackoff().toNanos();
        long step = initial << Math.min(attempt - 1, 30);
        if (step < initial) {
            step = Long.MAX_VALUE;
        }
        step = Math.min(step, policy.maxBackoff().toNanos());
        return step / 2 + (long) (step / 2 * random.getAsDouble());
    }

    /** Attempts repeated after a retryable failure, since the start. */
    public long retries() {
        return retries.get();
    }

    /** Of those, the ones the store asked to delay (a 429). */
    public long rateLimitedRetries() {
        return rateLimitedRetries.get();
    }

    /** Calls that failed after their last attempt. */
    public long givenUp() {
        return givenUp.get();
    }

    @Override
    public void status(java.util.Map<String, Object> into) {
        into.put("retries", retries());
        into.put("retries after a rate limit (429)", rateLimitedRetries());
        into.put("operations given up after retrying", givenUp());
        inner.status(into);
    }

    private static StoreException giveUp(String what, int attempts, long elapsedNanos, StoreException.Retryable last) {
        String message = what + " failed after " + attempts + (attempts == 1 ? " attempt" : " attempts") + " in "
                + TimeUnit.NANOSECONDS.toMillis(elapsedNanos) + " ms: " + last.getMessage();
        StoreException.Retryable result = last instanceof StoreException.RetryAfter after
                ? new StoreException.RetryAfter(message, after.delayMillis())
                : new StoreException.Retryable(message);
        result.addSuppressed(last);
        return result;
    }

    /**
     * Reads the range; when the underlying stream fails with a retryable error it reopens the
     * remainder of the range, with the same backoff and budget as a call.
     */
    private final class ResumingStream extends InputStream {
        private final Locator locator;
        private final long offset;
        private final long length;
        private InputStream current;
        private long consumed;
        private int failures;
        private long firstFailure;

        ResumingStream(Locator locator, long offset, long length, InputStream first) {
            this.locator = locator;
            this.offset = offset;
            this.length = length;
            this.current = first;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                try {
                    int n = current.read(b, off, len);
                    if (n > 0) {
                        consumed += n;
                    } else if (n < 0 && consumed < length) {
                        throw new IOException(locator + " ended after " + consumed + " of " + length + " bytes");
                    }
                    return n;
                } catch (StoreException.Retryable e) {
                    resume(e);
                }
            }
        }

        private void resume(StoreException.Retryable failure) throws StoreException {
            closeQuietly(current);
            current = InputStream.nullInputStream();
            failures++;
            if (failures == 1) {
                firstFailure = nanoClock.getAsLong();
            }
            String what = "read " + locator + " from byte " + (offset + consumed);
            pause(what, failures, firstFailure, failure);
            current = retry(what, () -> inner.open(locator, offset + consumed, length - consumed));
        }

        @Override
        public void close() throws IOException {
            current.close();
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the read already failed; its error is the one reported
        }
    }
}
