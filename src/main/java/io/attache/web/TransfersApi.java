package io.attache.web;

import io.attache.fs.Transfers;
import io.attache.fs.UploadQueue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Live transfers: the uploads the user is sending now (with the bytes received so far) and what
 * the write-back queue still has to push to the store for them, pushed to the page as
 * Server-Sent Events whenever they change, at most {@link #MIN_GAP_MILLIS} apart. A stream holds a
 * server thread, so there are at most {@link #MAX_STREAMS} at once and each ends after
 * {@link #STREAM_MILLIS}; the browser's EventSource reconnects by itself.
 */
final class TransfersApi {

    static final int MAX_STREAMS = 64;
    static final long STREAM_MILLIS = TimeUnit.MINUTES.toMillis(5);
    static final long MIN_GAP_MILLIS = 250;
    private static final long HEARTBEAT_MILLIS = 15_000;
    /** While uploads are being received or the queue is draining, speeds change: send at least this often. */
    private static final long BUSY_MILLIS = 1_000;

    private final Transfers transfers;
    private final UploadQueue queue;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private final java.util.Set<Thread> streaming = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    TransfersApi(Transfers transfers, UploadQueue queue) {
        this.transfers = transfers;
        this.queue = queue;
    }

    /** {@code GET /api/transfers}: the same snapshot once. */
    void snapshot(Exchange ex) throws IOException {
        ex.ok(snapshot(ex.session().userId()));
    }

    Map<String, Object> snapshot(long userId) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uploads", transfers.of(userId));
        out.put("writeBack", queue.writeBack());
        out.put("queue", queue.snapshot(userId));
        return out;
    }

    /** {@code GET /api/transfers/events}: the event stream. */
    void events(Exchange ex) throws IOException, WebException {
        if (!streams.tryAcquire()) {
            ex.response.setHeader("Retry-After", "10");
            throw new WebException(503, "too many live views open");
        }
        streaming.add(Thread.currentThread());
        try {
            if (!closed) {
                stream(ex);
            }
        } catch (InterruptedException e) {
            // the server is stopping; the browser reconnects to whichever server answers next
        } finally {
            streaming.remove(Thread.currentThread());
            Thread.interrupted();
            streams.release();
        }
    }

    /** Ends every open stream at once, so that stopping the server does not wait for them. */
    void close() {
        closed = true;
        streaming.forEach(Thread::interrupt);
    }

    private void stream(Exchange ex) throws IOException, InterruptedException {
        long userId = ex.session().userId();
        ex.response.setStatus(200);
        ex.response.setContentType("text/event-stream;charset=utf-8");
        ex.response.setHeader("Cache-Control", "no-store");
        ex.response.setHeader("X-Accel-Buffering", "no");
        OutputStream out = ex.response.getOutputStream();
        out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
        long end = System.currentTimeMillis() + STREAM_MILLIS;
        String last = null;
        long lastSent = 0;
        while (System.currentTimeMillis() < end) {
            long generation = transfers.generation();
            String json = Exchange.JSON.writeValueAsString(snapshot(userId));
            long now = System.currentTimeMillis();
            if (!json.equals(last)) {
                out.write(("event: transfers\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                last = json;
                lastSent = now;
            } else if (now - lastSent >= HEARTBEAT_MILLIS) {
                out.write(": still here\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                lastSent = now;
            }
            Thread.sleep(MIN_GAP_MILLIS);
            boolean busy = transfers.activeCount() > 0 || queue.writeBack() && queue.snapshot(userId).pendingFiles() > 0;
            transfers.awaitChange(generation, busy ? BUSY_MILLIS : HEARTBEAT_MILLIS);
        }
    }
}
