package io.attache.meta;

/** One stored chunk of a version: its position, where the store keeps it, and its plaintext size. */
public record ChunkRef(int index, String locator, int plainSize) {
}
