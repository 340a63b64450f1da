package io.attache.pipeline;

import java.io.IOException;
import java.util.List;

/**
 * Where the pipeline records every pack it has stored (or staged) with the blobs in it, before
 * the writes they belong to commit, so that a crash or a failed write leaves nothing the
 * collector cannot find.
 */
public interface PendingChunkLog {

    /** One encrypted chunk of a write in progress, at {@code offset} in its pack. */
    record Blob(byte[] contentId, int index, long offset, int length, int plainSize) {
    }

    /**
     * A pack of {@code size} bytes is now at {@code locator} (in the store, or in the staging area
     * when {@code staged}) and holds {@code blobs}. The record may still be on its way when this
     * returns, but it is ordered before every commit or abandonment of those writes that starts
     * afterwards; a commit that does not find its blobs fails.
     */
    void stored(String locator, long size, boolean staged, List<Blob> blobs) throws IOException;

    /** The write failed: every blob recorded for it is to be forgotten. */
    void abandoned(byte[] contentId) throws IOException;
}
