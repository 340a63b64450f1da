package io.attache.meta;

import java.util.List;

/** Immutable content written by one PUT: how to find, authenticate and decrypt its chunks. */
public record Version(long id, byte[] contentId, long size, int chunkSize, byte[] wrappedKey, int refCount,
                      List<ChunkRef> chunks) {

    public Version {
        chunks = List.copyOf(chunks);
    }
}
