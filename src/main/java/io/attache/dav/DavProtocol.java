package io.attache.dav;

import io.milton.http.Handler;
import io.milton.http.HttpExtension;
import io.milton.http.http11.CustomPostHandler;

import java.util.List;
import java.util.Set;

/**
 * Attaché's WebDAV method handlers as one Milton protocol extension. They replace Milton CE's
 * handlers for every method, because those differ from RFC 4918 where clients notice (see
 * docs/ and the tests): MKCOL with a body, PUT into a missing folder, Overwrite's default, ranges,
 * PROPPATCH order, the If header, and LOCK and UNLOCK, which Milton CE lacks.
 */
public final class DavProtocol implements HttpExtension {

    private final Set<Handler> handlers = Set.of(new OptionsHandler(), new GetHandler(), new PutHandler(),
            new MkcolHandler(), new DeleteHandler(), new CopyMoveHandler(), new PropfindHandler(),
            new ProppatchHandler(), new LockHandler(), new UnlockHandler());

    @Override
    public Set<Handler> getHandlers() {
        return handlers;
    }

    @Override
    public List<CustomPostHandler> getCustomPostHandlers() {
        return List.of();
    }

    /** Methods with a handler, for the server's unauthenticated pre-check. */
    public static Set<String> methods() {
        return Set.of("OPTIONS", "GET", "HEAD", "PUT", "MKCOL", "DELETE", "COPY", "MOVE", "PROPFIND", "PROPPATCH",
                "LOCK", "UNLOCK");
    }
}
