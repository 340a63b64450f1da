package io.attache.fs;

/** The outcome of storing content: the file as it now is, and whether it was created or replaced. */
public record WriteResult(Entry entry, boolean created) {
}
