package io.attache.fs;

/** A user's storage: bytes used, and bytes still available (null when unlimited). */
public record Quota(long usedBytes, Long availableBytes) {
}
