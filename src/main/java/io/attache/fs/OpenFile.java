package io.attache.fs;

import io.attache.pipeline.Content;
import io.attache.pipeline.RangeReader;
import io.attache.store.StoreException;

import java.io.IOException;
import java.io.OutputStream;

/** A file opened for reading: its entry and the exact version it describes. */
public final class OpenFile {

    private final Entry entry;
    private final Content content;
    private final RangeReader reader;

    OpenFile(Entry entry, Content content, RangeReader reader) {
        this.entry = entry;
        this.content = content;
        this.reader = reader;
    }

    public Entry entry() {
        return entry;
    }

    /** Writes bytes {@code [offset, offset + length)} to {@code out}, decrypting only the segments they need. */
    public void copyRange(long offset, long length, OutputStream out) throws IOException {
        try {
            reader.copy(content, offset, length, out);
        } catch (StoreException.Retryable e) {
            throw new ContentUnavailableException("the content of " + entry.path() + " cannot be read now: " + e.getMessage(), e);
        }
    }
}
