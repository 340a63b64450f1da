package io.attache.meta;

/**
 * One chunk of a version as stored: its position in the content, the pack that holds its
 * encrypted blob, where in the pack the blob starts and how long it is, and its plaintext size.
 */
public record ChunkRef(int index, String locator, long offset, int length, int plainSize) {
}
