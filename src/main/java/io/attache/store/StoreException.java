package io.attache.store;

import java.io.IOException;

/**
 * A chunk store operation failed. Every store classifies its failures into one of the
 * subclasses so that wrappers can decide what to do without knowing the store:
 * {@link Permanent} is never retried, {@link Retryable} may be retried after a backoff,
 * {@link RetryAfter} may be retried after the delay the store names, {@link NotFound} says the
 * object is gone.
 */
public abstract class StoreException extends IOException {

    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Retrying the same request cannot help: bad credentials, an object too large, a bug. */
    public static class Permanent extends StoreException {
        public Permanent(String message) {
            super(message, null);
        }

        public Permanent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The object the locator names does not exist (any more). */
    public static final class NotFound extends Permanent {
        public NotFound(String message) {
            super(message);
        }
    }

    /** A transient failure (network error, 5xx, corrupt transfer): retry with backoff. */
    public static class Retryable extends StoreException {
        public Retryable(String message) {
            super(message, null);
        }

        public Retryable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The store asked to wait before trying again (a rate limit). */
    public static final class RetryAfter extends Retryable {
        private final long delayMillis;

        public RetryAfter(String message, long delayMillis) {
            super(message);
            this.delayMillis = Math.max(0, delayMillis);
        }

        public long delayMillis() {
            return delayMillis;
        }
    }
}
