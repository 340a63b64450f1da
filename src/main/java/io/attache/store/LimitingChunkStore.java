package io.attache.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Caps how many calls run against another store at once: one cap for writes (put, delete,
 * pointer writes), one for reads (open, stat, list, pointer reads). A stream returned by
 * {@link #open} holds its read slot until it is closed or fully read, because the transfer, not
 * the call, is what costs. Callers wait for a slot in arrival order.
 *
 * <p>Wrap it inside {@link RetryingChunkStore}, not around it, so a call sleeping between two
 * attempts does not hold a slot.
 */
public final class LimitingChunkStore extends ForwardingChunkStore {

    @FunctionalInterface
    private interface Call<T> {
        T run() throws StoreException;
    }

    private final Semaphore writes;
    private final Semaphore reads;

    public LimitingChunkStore(ChunkStore inner, int maxConcurrentWrites, int maxConcurrentReads) {
        super(inner);
        if (maxConcurrentWrites < 1 || maxConcurrentReads < 1) {
            throw new IllegalArgumentException("concurrency limits must be at least 1: writes "
                    + maxConcurrentWrites + ", reads " + maxConcurrentReads);
        }
        this.writes = new Semaphore(maxConcurrentWrites, true);
        this.reads = new Semaphore(maxConcurrentReads, true);
    }

    @Override
    public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
        return with(writes, () -> inner.put(chunkName, data, offset, length));
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        acquire(reads);
        boolean handedOver = false;
        try {
            InputStream in = new SlotStream(inner.open(locator, offset, length), reads);
            handedOver = true;
            return in;
        } finally {
            if (!handedOver) {
                reads.release();
            }
        }
    }

    @Override
    public void delete(Locator locator) throws StoreException {
        with(writes, () -> {
            inner.delete(locator);
            return null;
        });
    }

    @Override
    public void deleteAll(Collection<Locator> locators) throws StoreException {
        with(writes, () -> {
            inner.deleteAll(locators);
            return null;
        });
    }

    @Override
    public long stat(Locator locator) throws StoreException {
        return with(reads, () -> inner.stat(locator));
    }

    @Override
    public void list(Consumer<Locator> sink) throws StoreException {
        with(reads, () -> {
            inner.list(sink);
            return null;
        });
    }

    @Override
    public void putPointer(String name, byte[] data) throws StoreException {
        with(writes, () -> {
            inner.putPointer(name, data);
            return null;
        });
    }

    @Override
    public Optional<byte[]> getPointer(String name) throws StoreException {
        return with(reads, () -> inner.getPointer(name));
    }

    /** Slots free right now, for tests and status pages. */
    public int availableWriteSlots() {
        return writes.availablePermits();
    }

    public int availableReadSlots() {
        return reads.availablePermits();
    }

    private static <T> T with(Semaphore slots, Call<T> call) throws StoreException {
        acquire(slots);
        try {
            return call.run();
        } finally {
            slots.release();
        }
    }

    private static void acquire(Semaphore slots) throws StoreException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Permanent("interrupted while waiting for a store slot", e);
        }
    }

    /** Gives the slot back exactly once: on close, or as soon as the range has been read. */
    private static final class SlotStream extends FilterInputStream {
        private final Semaphore slots;
        private final AtomicBoolean released = new AtomicBoolean();

        SlotStream(InputStream in, Semaphore slots) {
            super(in);
            this.slots = slots;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b == -1) {
                release();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n == -1) {
                release();
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                release();
            }
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        }
    }
}
