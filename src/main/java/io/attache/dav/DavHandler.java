package io.attache.dav;

import io.attache.fs.FsException;
import io.milton.http.HttpManager;
import io.milton.http.Request;
import io.milton.http.Response;
import io.milton.resource.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Base of Attaché's method handlers, registered with Milton in place of its own. Maps every
 * refusal to its HTTP status in one place ({@link #statusOf}); a failure after the response was
 * committed marks the exchange aborted so that the connection is cut rather than a wrong or short
 * body being passed off as complete.
 */
abstract class DavHandler implements io.milton.http.Handler {

    private static final Logger log = LoggerFactory.getLogger(DavHandler.class);

    @Override
    public final void process(HttpManager manager, Request request, Response response) {
        DavExchange exchange = DavExchange.of(request);
        try {
            try {
                handle(exchange);
            } catch (FsException e) {
                if (e instanceof FsException.Unavailable) {
                    log.warn("{} {} failed: {}", exchange.method(), exchange.path(), e.getMessage(), e.getCause());
                    exchange.setHeader("Retry-After", "5");
                }
                fail(exchange, statusOf(e), e.getMessage(), e);
            } catch (DavException e) {
                if (e.condition() != null && !exchange.committed()) {
                    exchange.sendCondition(e.status(), e.condition());
                } else {
                    fail(exchange, e.status(), e.getMessage(), e);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (exchange.committed()) {
                log.debug("{} {} broke off after the response started: {}", exchange.method(), exchange.path(), e.toString());
                exchange.abort(e);
            } else {
                log.error("{} {} failed", exchange.method(), exchange.path(), e);
                try {
                    exchange.sendText(500, "internal error: " + e.getMessage());
                } catch (IOException | RuntimeException again) {
                    exchange.abort(again);
                }
            }
        }
    }

    private static void fail(DavExchange exchange, int status, String message, Exception cause) throws IOException {
        if (exchange.committed()) {
            exchange.abort(cause);
            return;
        }
        exchange.sendText(status, message);
    }

    /** The one mapping from file-system refusals to HTTP statuses. */
    static int statusOf(FsException e) {
        if (e instanceof FsException.NotFound) {
            return 404;
        } else if (e instanceof FsException.BadRequest) {
            return 400;
        } else if (e instanceof FsException.Conflict) {
            return 409;
        } else if (e instanceof FsException.AlreadyExists || e instanceof FsException.NotAllowed) {
            return 405;
        } else if (e instanceof FsException.Forbidden) {
            return 403;
        } else if (e instanceof FsException.PreconditionFailed) {
            return 412;
        } else if (e instanceof FsException.InsufficientStorage) {
            return 507;
        } else if (e instanceof FsException.Unavailable) {
            return 503;
        }
        return 500;
    }

    abstract void handle(DavExchange exchange) throws FsException, DavException, IOException;

    @Override
    public boolean isCompatible(Resource resource) {
        return true;
    }
}
