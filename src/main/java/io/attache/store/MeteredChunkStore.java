package io.attache.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Counts what passes through to a store for /metrics: every call timed by operation and outcome
 * ({@code ok}, {@code rate_limited} for a 429, {@code retryable}, {@code not_found},
 * {@code permanent}), and the bytes uploaded and downloaded. Placed right around the real store,
 * below the retries, it counts every attempt.
 */
public final class MeteredChunkStore extends ForwardingChunkStore {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final Counter bytesUp;
    private final Counter bytesDown;

    public MeteredChunkStore(ChunkStore inner, MeterRegistry registry) {
        super(inner);
        this.registry = registry;
        this.bytesUp = Counter.builder("attache.store.bytes").tag("direction", "up").baseUnit("bytes")
                .description("Bytes sent to the chunk store").register(registry);
        this.bytesDown = Counter.builder("attache.store.bytes").tag("direction", "down").baseUnit("bytes")
                .description("Bytes read from the chunk store").register(registry);
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws StoreException;
    }

    private <T> T timed(String operation, Call<T> call) throws StoreException {
        long start = System.nanoTime();
        String outcome = "ok";
        try {
            return call.run();
        } catch (StoreException.RetryAfter e) {
            outcome = "rate_limited";
            throw e;
        } catch (StoreException.Retryable e) {
            outcome = "retryable";
            throw e;
        } catch (StoreException.NotFound e) {
            outcome = "not_found";
            throw e;
        } catch (StoreException | RuntimeException e) {
            outcome = "permanent";
            throw e;
        } finally {
            timer(operation, outcome).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private Timer timer(String operation, String outcome) {
        return timers.computeIfAbsent(operation + "/" + outcome, k -> Timer.builder("attache.store.operations")
                .description("Calls to the chunk store, each attempt counted")
                .tag("operation", operation).tag("outcome", outcome).register(registry));
    }

    @Override
    public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
        Locator locator = timed("put", () -> inner.put(chunkName, data, offset, length));
        bytesUp.increment(length);
        return locator;
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        InputStream in = timed("open", () -> inner.open(locator, offset, length));
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bytesDown.increment();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    bytesDown.increment(n);
                }
                return n;
            }
        };
    }

    @Override
    public void delete(Locator locator) throws StoreException {
        timed("delete", () -> {
            inner.delete(locator);
            return null;
        });
    }

    @Override
    public void deleteAll(Collection<Locator> locators) throws StoreException {
        timed("delete_all", () -> {
            inner.deleteAll(locators);
            return null;
        });
    }

    @Override
    public long stat(Locator locator) throws StoreException {
        return timed("stat", () -> inner.stat(locator));
    }

    @Override
    public void list(Consumer<Locator> sink) throws StoreException {
        timed("list", () -> {
            inner.list(sink);
            return null;
        });
    }

    @Override
    public void putPointer(String name, byte[] data) throws StoreException {
        timed("put_pointer", () -> {
            inner.putPointer(name, data);
            return null;
        });
    }

    @Override
    public Optional<byte[]> getPointer(String name) throws StoreException {
        return timed("get_pointer", () -> inner.getPointer(name));
    }
}
