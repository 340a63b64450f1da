package io.attache.server;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.CyclicTimeout;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Minimum data rates for request bodies and responses ({@link TransferMeter}): a client that
 * reads a download or sends an upload slower than the configured rate, beyond a grace, has its
 * connection closed, which also frees the thread blocked on it. Jetty's idle timeout alone cannot
 * do this: a byte every few seconds keeps a connection from ever being idle.
 */
final class TransferGuard extends Handler.Wrapper {

    private static final Logger log = LoggerFactory.getLogger(TransferGuard.class);

    private final long minRate;
    private final long graceNanos;

    /**
     * @param minRate bytes per second; 0 turns the guard off
     */
    TransferGuard(Handler handler, long minRate, Duration grace) {
        super(handler);
        this.minRate = minRate;
        this.graceNanos = grace.toNanos();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (minRate <= 0) {
            return super.handle(request, response, callback);
        }
        GuardedRequest guardedRequest = new GuardedRequest(request);
        GuardedResponse guardedResponse = new GuardedResponse(guardedRequest, response);
        Request.addCompletionListener(request, failure -> {
            guardedRequest.watch.destroy();
            guardedResponse.watch.destroy();
        });
        return super.handle(guardedRequest, guardedResponse, callback);
    }

    /** One direction's meter and the timeout that fires when a wait overruns it. */
    private final class Watch extends CyclicTimeout {
        private final Request request;
        private final String direction;
        private final TransferMeter meter = new TransferMeter(minRate, graceNanos);

        Watch(Request request, String direction) {
            super(request.getComponents().getScheduler());
            this.request = request;
            this.direction = direction;
        }

        synchronized void started(long pending) {
            long now = System.nanoTime();
            schedule(Math.max(0, meter.waitStarted(now, pending) - now), TimeUnit.NANOSECONDS);
        }

        synchronized void ended(long moved) {
            cancel();
            meter.waitEnded(System.nanoTime(), moved);
        }

        synchronized void moved(long count) {
            meter.moved(count);
        }

        @Override
        public void onTimeoutExpired() {
            synchronized (this) {
                if (!meter.tooSlow(System.nanoTime())) {
                    return;
                }
            }
            log.debug("Closing the connection of {}: it {} slower than {} bytes/s", Request.getRemoteAddr(request), direction, minRate);
            request.getConnectionMetaData().getConnection().getEndPoint()
                    .close(new TimeoutException("the client " + direction + " slower than " + minRate + " bytes/s"));
        }
    }

    private final class GuardedRequest extends Request.Wrapper {
        final Watch watch;

        GuardedRequest(Request request) {
            super(request);
            this.watch = new Watch(request, "sends");
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                watch.moved(chunk.remaining());
            }
            return chunk;
        }

        @Override
        public void demand(Runnable onContent) {
            watch.started(0);
            super.demand(Invocable.from(Invocable.getInvocationType(onContent), () -> {
                watch.ended(0);
                onContent.run();
            }));
        }
    }

    private final class GuardedResponse extends Response.Wrapper {
        final Watch watch;

        GuardedResponse(GuardedRequest request, Response response) {
            super(request, response);
            this.watch = new Watch(request.getWrapped(), "reads");
        }

        @Override
        public void write(boolean last, ByteBuffer content, Callback callback) {
            long length = content == null ? 0 : content.remaining();
            watch.started(length);
            super.write(last, content, Callback.from(Invocable.getInvocationType(callback), () -> {
                watch.ended(length);
                callback.succeeded();
            }, failure -> {
                watch.ended(0);
                callback.failed(failure);
            }));
        }
    }
}
