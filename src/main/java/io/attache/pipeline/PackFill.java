package io.attache.pipeline;

import java.util.concurrent.atomic.LongAdder;

/**
 * How full the packs this server stored are, for the metrics: a pack that goes out a tenth full
 * costs a whole store request (a Discord message) for a tenth of its worth. Counted by whatever
 * stores packs, the write-through {@link Packer} or the write-back uploader.
 */
public final class PackFill {

    private final int capacity;
    private final LongAdder packs = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    /** @param capacity the most bytes of one pack */
    public PackFill(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
    }

    /** One pack of {@code size} bytes is in the store. */
    public void stored(long size) {
        packs.increment();
        bytes.add(size);
    }

    public long packs() {
        return packs.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    /** The mean fill of the packs stored so far, from 0 to 1; 0 before the first. */
    public double mean() {
        long n = packs.sum();
        return n == 0 ? 0 : (double) bytes.sum() / ((double) n * capacity);
    }
}
