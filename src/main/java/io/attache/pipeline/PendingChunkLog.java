package io.attache.pipeline;

import java.io.IOException;

/**
 * Where {@link ChunkWriter} records every chunk it has stored, before the write commits, so that a
 * crash or a failed write leaves nothing the collector cannot find.
 */
public interface PendingChunkLog {

    /** A chunk of the write identified by {@code contentId} is now in the store at {@code locator}. */
    void stored(byte[] contentId, String locator) throws IOException;

    /** The write failed: every chunk recorded for it is to be deleted. */
    void abandoned(byte[] contentId) throws IOException;
}
