package io.attache.store.discord.emulator;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One request and its answer, written the blocking way (the emulator runs each request on its own
 * pool thread), shaped to the configured bandwidth.
 */
final class Exchange {

    private static final int SLICE = 64 * 1024;

    final Request request;
    final Response response;
    final Callback callback;
    private final LongSupplier bandwidth;
    private boolean finished;

    Exchange(Request request, Response response, Callback callback, LongSupplier bandwidth) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.bandwidth = bandwidth;
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    /**
     * Reads the whole request body at the configured bandwidth, into one array sized from
     * Content-Length when there is one (uploads are large; growing a buffer would copy them twice).
     */
    byte[] readBody() throws IOException {
        long declared = request.getHeaders().getLongField("Content-Length");
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared >= 0 && declared <= Integer.MAX_VALUE - 8) {
                byte[] body = new byte[(int) declared];
                long start = System.nanoTime();
                int read = 0;
                while (read < body.length) {
                    int n = in.read(body, read, Math.min(SLICE, body.length - read));
                    if (n < 0) {
                        throw new IOException("request body ended after " + read + " of " + declared + " bytes");
                    }
                    read += n;
                    pace(start, read);
                }
                return body;
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[SLICE];
            long start = System.nanoTime();
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                total += n;
                pace(start, total);
            }
            return out.toByteArray();
        }
    }

    void json(int status, Object body, HttpFields.Mutable headers) throws IOException {
        byte[] bytes = body == null ? null : EmulatorJson.write(body).getBytes(StandardCharsets.UTF_8);
        write(status, headers, body == null ? null : "application/json", bytes, 0, bytes == null ? 0 : bytes.length, -1);
    }

    /**
     * Writes an answer. With {@code cutAfter} >= 0 the connection is closed after that many body
     * bytes, although Content-Length promised all of them.
     *
     * @return the body bytes actually sent
     */
    long write(int status, HttpFields.Mutable headers, String contentType, byte[] body, int offset, int length,
               long cutAfter) throws IOException {
        return write(status, headers, contentType, body, offset, length, cutAfter, n -> { });
    }

    /**
     * As above; {@code sending} hears of each slice before it is written, so that a client that
     * has read the bytes can rely on their having been counted.
     */
    long write(int status, HttpFields.Mutable headers, String contentType, byte[] body, int offset, int length,
               long cutAfter, java.util.function.LongConsumer sending) throws IOException {
        response.setStatus(status);
        if (headers != null) {
            headers.forEach(field -> response.getHeaders().add(field));
        }
        if (body == null) {
            finish();
            return 0;
        }
        response.getHeaders().put("Content-Type", contentType);
        response.getHeaders().put("Content-Length", Long.toString(length));
        long limit = cutAfter >= 0 ? Math.min(cutAfter, length) : length;
        long start = System.nanoTime();
        long sent = 0;
        while (sent < limit) {
            int n = (int) Math.min(SLICE, limit - sent);
            boolean last = cutAfter < 0 && sent + n == length;
            sending.accept(n);
            Content.Sink.write(response, last, ByteBuffer.wrap(body, offset + (int) sent, n));
            sent += n;
            pace(start, sent);
        }
        if (cutAfter >= 0) {
            drop();
            return sent;
        }
        if (length == 0) {
            Content.Sink.write(response, true, ByteBuffer.allocate(0));
        }
        finish();
        return sent;
    }

    /** Closes the connection without (the rest of) an answer. */
    void drop() {
        if (finished) {
            return;
        }
        finished = true;
        request.getConnectionMetaData().getConnection().getEndPoint().close();
        // Succeeding (not failing) the callback keeps Jetty from logging an error page it cannot send.
        callback.succeeded();
    }

    void fail(Throwable t) {
        if (!finished) {
            finished = true;
            callback.failed(t);
        }
    }

    private void finish() {
        if (!finished) {
            finished = true;
            callback.succeeded();
        }
    }

    private void pace(long start, long bytes) {
        long rate = bandwidth.getAsLong();
        if (rate <= 0) {
            return;
        }
        long due = start + bytes * 1_000_000_000L / rate;
        long ahead = due - System.nanoTime();
        if (ahead > 0) {
            sleep(ahead);
        }
    }

    static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
