package io.attache.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Exactly {@code length} bytes of an open file from {@code offset}; a file that shrinks
 * underneath is an error. Closing the stream closes the channel.
 */
public final class FileRangeStream extends ExactLengthInputStream {

    private final FileChannel channel;
    private long position;

    public FileRangeStream(FileChannel channel, long offset, long length) {
        super(length);
        this.channel = channel;
        this.position = offset;
    }

    @Override
    protected int fill(byte[] b, int off, int len) throws IOException {
        int n = channel.read(ByteBuffer.wrap(b, off, len), position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    protected IOException endedEarly(long delivered, long length) {
        return new EOFException("object ended after " + delivered + " of " + length + " bytes");
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
