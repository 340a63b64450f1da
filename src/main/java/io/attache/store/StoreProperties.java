package io.attache.store;

/**
 * What a store can do.
 *
 * @param maxObjectSize the largest object {@link ChunkStore#put} accepts, in bytes
 * @param rangeReads    true when {@link ChunkStore#open} transfers only the requested bytes;
 *                      false when it must fetch the whole object (the answer is still sliced)
 * @param listable      true when {@link ChunkStore#list} is supported
 */
public record StoreProperties(long maxObjectSize, boolean rangeReads, boolean listable) {

    public StoreProperties {
        if (maxObjectSize <= 0) {
            throw new IllegalArgumentException("maxObjectSize must be positive: " + maxObjectSize);
        }
    }
}
