package io.attache.store;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream of exactly {@code length} bytes, as {@link ChunkStore#open} promises: a source that
 * ends early is an error, never a short read passed off as the whole. Subclasses supply the bytes.
 */
public abstract class ExactLengthInputStream extends InputStream {

    private final long length;
    private long remaining;

    protected ExactLengthInputStream(long length) {
        this.length = length;
        this.remaining = length;
    }

    /** Reads at most {@code len} (never more than what is left) bytes; -1 when the source ended. */
    protected abstract int fill(byte[] b, int off, int len) throws IOException;

    /** The error for a source that ended after {@code delivered} of {@code length} bytes. */
    protected abstract IOException endedEarly(long delivered, long length);

    /** Called with the bytes just delivered, for checksums. */
    protected void delivered(byte[] b, int off, int n, boolean complete) throws IOException {
    }

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = fill(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw endedEarly(length - remaining, length);
        }
        remaining -= n;
        delivered(b, off, n, remaining == 0);
        return n;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    protected long remaining() {
        return remaining;
    }
}
