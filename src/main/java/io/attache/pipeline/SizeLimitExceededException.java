package io.attache.pipeline;

import java.io.IOException;

/** The stream carried more bytes than the write was allowed (the user's remaining quota). */
public final class SizeLimitExceededException extends IOException {

    private final long limit;

    public SizeLimitExceededException(long limit) {
        super("the upload exceeds the " + limit + " bytes left in the quota");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
