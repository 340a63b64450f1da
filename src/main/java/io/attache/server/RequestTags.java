package io.attache.server;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.http.Outcome;
import io.micrometer.jetty12.server.JettyCoreRequestTagsProvider;
import org.eclipse.jetty.server.Request;

import java.util.Set;

/**
 * Tags of the request timer: the method (WebDAV's included, anything else "OTHER" so a client
 * cannot create series at will), the status, its outcome class and the face (connector) that
 * answered: dav, web or metrics.
 */
final class RequestTags implements JettyCoreRequestTagsProvider {

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH",
            "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK");
    /** Where micrometer-jetty12's TimedHandler leaves the status for the tags provider. */
    private static final String STATUS = "__micrometer_jetty_core_response_status";

    @Override
    public Iterable<Tag> getTags(Request request) {
        String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "OTHER";
        Object status = request.getAttribute(STATUS);
        String name = request.getConnectionMetaData().getConnector().getName();
        return Tags.of(Tag.of("method", method),
                Tag.of("status", status instanceof Integer s ? Integer.toString(s) : "UNKNOWN"),
                status instanceof Integer s ? Outcome.forStatus(s).asTag() : Tag.of("outcome", "UNKNOWN"),
                Tag.of("face", name == null ? "unknown" : name));
    }
}
