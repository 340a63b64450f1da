package io.attache.dav;

import io.attache.fs.ClientText;
import io.attache.fs.ContentUnavailableException;
import io.attache.fs.DavPath;
import io.attache.fs.Entry;
import io.attache.fs.FsException;
import io.attache.fs.LockInfo;
import io.milton.http.HttpManager;
import io.milton.http.Request;
import io.milton.http.Response;
import io.milton.resource.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

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
                if (checkIfHeader(exchange)) {
                    handle(exchange);
                }
            } catch (FsException.Locked e) {
                exchange.sendError(423, "<D:lock-token-submitted><D:href>" + Xml.escapeText(e.lockRootHref())
                        + "</D:href></D:lock-token-submitted>");
            } catch (FsException e) {
                if (e instanceof FsException.Unavailable) {
                    log.warn("{} {} failed: {}", exchange.method(), ClientText.escape(exchange.path().toString()),
                            ClientText.escape(e.getMessage()), e.getCause());
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
            if (!exchange.committed() && brokenBody(e)) {
                log.debug("{} {}: {}", exchange.method(), ClientText.escape(exchange.path().toString()), ClientText.escape(e.toString()));
                try {
                    exchange.sendText(400, "the request body is malformed or ended early");
                } catch (IOException | RuntimeException again) {
                    exchange.abort(again);
                }
                return;
            }
            if (exchange.committed()) {
                log.debug("{} {} broke off after the response started: {}", exchange.method(),
                        ClientText.escape(exchange.path().toString()), ClientText.escape(e.toString()));
                exchange.abort(e);
            } else if (e instanceof ContentUnavailableException) {
                log.warn("{} {} failed: {}", exchange.method(), exchange.path(), e.getMessage());
                try {
                    exchange.setHeader("Retry-After", "5");
                    exchange.sendText(503, e.getMessage());
                } catch (IOException | RuntimeException again) {
                    exchange.abort(again);
                }
            } else {
                // The exception's own message may quote the request: escaped here, the trace kept at debug.
                log.error("{} {} failed: {}", exchange.method(), ClientText.escape(exchange.path().toString()),
                        ClientText.escape(e.toString()));
                log.debug("{} {} failed", exchange.method(), ClientText.escape(exchange.path().toString()), e);
                try {
                    exchange.sendText(500, "internal error: " + e.getMessage());
                } catch (IOException | RuntimeException again) {
                    exchange.abort(again);
                }
            }
        }
    }

    /**
     * Evaluates the If header, if any, before the method does anything: 412 when it does not hold.
     * The lock tokens it names are submitted for the rest of the request.
     *
     * @return false when the request was answered here
     */
    private static boolean checkIfHeader(DavExchange ex) throws FsException, DavException, IOException {
        String value = ex.header("If");
        if (value == null || "OPTIONS".equals(ex.method())) {
            return true;
        }
        // Only a LOCK refresh may name its token bare (the npm webdav library's form); see LockHandler.
        IfHeader header = IfHeader.parse(value, "LOCK".equals(ex.method()));
        ex.submitLockTokens(header.submittedTokens());
        Map<String, IfHeader.ResourceState> states = new HashMap<>();
        for (IfHeader.Production production : header.productions()) {
            if (!states.containsKey(production.tag())) {
                states.put(production.tag(), stateOf(ex, production.tag()));
            }
        }
        if (header.evaluate(states::get)) {
            return true;
        }
        ex.sendText(412, "the If header does not hold");
        return false;
    }

    /**
     * The state of the resource a list is about. A lock token matches it when the lock covers
     * the resource's URL (mapped or not: locks belong to URLs) or protects the membership of its
     * folder, so a client creating a file in a locked folder can name the folder's token.
     */
    private static IfHeader.ResourceState stateOf(DavExchange ex, String tag) throws FsException {
        DavPath path = ex.path();
        if (tag != null) {
            try {
                path = Destination.parse(tag);
            } catch (DavException e) {
                return NO_RESOURCE;
            }
        }
        Set<String> tokens = new HashSet<>();
        for (LockInfo lock : ex.drive().locking().covering(path)) {
            tokens.add(lock.token());
        }
        if (!path.isRoot()) {
            for (LockInfo lock : ex.drive().locking().covering(path.parent())) {
                tokens.add(lock.token());
            }
        }
        String etag = ex.drive().find(path).map(Entry::etag).orElse(null);
        return new IfHeader.ResourceState() {
            @Override
            public String etag() {
                return etag;
            }

            @Override
            public boolean hasLockToken(String token) {
                return tokens.contains(token);
            }
        };
    }

    /** A tag that names no path of this server matches no state token and no entity tag. */
    private static final IfHeader.ResourceState NO_RESOURCE = new IfHeader.ResourceState() {
        @Override
        public String etag() {
            return null;
        }

        @Override
        public boolean hasLockToken(String token) {
            return false;
        }
    };

    private static void fail(DavExchange exchange, int status, String message, Exception cause) throws IOException {
        if (exchange.committed()) {
            exchange.abort(cause);
            return;
        }
        exchange.sendText(status, message);
    }

    /** Whether {@code e} comes from reading a request body the client got wrong. */
    private static boolean brokenBody(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DavExchange.BrokenBodyException) {
                return true;
            }
        }
        return false;
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
        } else if (e instanceof FsException.Locked) {
            return 423;
        }
        return 500;
    }

    abstract void handle(DavExchange exchange) throws FsException, DavException, IOException;

    @Override
    public boolean isCompatible(Resource resource) {
        return true;
    }
}
