package io.attache.fs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Collection;

/** Feeds every byte read through it to some digests: checksums computed while a body streams, in one pass. */
final class DigestingInputStream extends FilterInputStream {

    private final Collection<MessageDigest> digests;

    DigestingInputStream(InputStream in, Collection<MessageDigest> digests) {
        super(in);
        this.digests = digests;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            for (MessageDigest digest : digests) {
                digest.update((byte) b);
            }
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            for (MessageDigest digest : digests) {
                digest.update(buffer, offset, n);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes would be missing from the digests: read them instead.
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
