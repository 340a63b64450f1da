package io.attache.server;

import io.attache.fs.FsException;
import io.attache.fs.StagedBlobs;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster listener: requests that arrive on its own connector are the other nodes' reads of
 * blobs this node has staged ({@code GET} or {@code HEAD /staged/NODE/NAME} with one byte range,
 * signed with the cluster secret); everything else passes to the WebDAV servlet, which never
 * sees a request from that connector. A separate port keeps the nodes' traffic out of the
 * WebDAV namespace and lets a firewall keep it inside the cluster.
 */
final class ClusterHandler extends Handler.Wrapper {

    private static final Logger log = LoggerFactory.getLogger(ClusterHandler.class);
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{1,18})-(\\d{1,18})");

    private volatile Connector connector;
    private volatile StagedBlobs blobs;

    ClusterHandler(Handler dav) {
        super(dav);
    }

    void serve(Connector connector, StagedBlobs blobs) {
        this.connector = connector;
        this.blobs = blobs;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (connector == null || request.getConnectionMetaData().getConnector() != connector) {
            return super.handle(request, response, callback);
        }
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        String range = request.getHeaders().get(HttpHeader.RANGE);
        if (!blobs.authorized(method, path, range == null ? "" : range, request.getHeaders().get("X-Attache-Node"),
                request.getHeaders().get("X-Attache-Date"), request.getHeaders().get("X-Attache-Signature"))) {
            log.warn("Refused an unsigned or badly signed cluster request from {}: {} {}",
                    Request.getRemoteAddr(request), method, path);
            Response.writeError(request, response, callback, 403, "not signed with this cluster's secret");
            return true;
        }
        try {
            if (method.equals("HEAD")) {
                long size = blobs.size(path);
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size);
                callback.succeeded();
                return true;
            }
            Matcher m = range == null ? null : RANGE.matcher(range);
            if (!method.equals("GET") || m == null || !m.matches() || Long.parseLong(m.group(2)) < Long.parseLong(m.group(1))) {
                Response.writeError(request, response, callback, 400, "GET with one byte range, or HEAD");
                return true;
            }
            long first = Long.parseLong(m.group(1));
            long length = Long.parseLong(m.group(2)) - first + 1;
            try (InputStream in = blobs.open(path, first, length)) {
                response.setStatus(206);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
                try (OutputStream out = Content.Sink.asOutputStream(response)) {
                    in.transferTo(out);
                }
            }
            callback.succeeded();
        } catch (FsException.NotFound e) {
            Response.writeError(request, response, callback, 404, e.getMessage());
        } catch (Exception e) {
            log.warn("Serving {} to another node failed: {}", path, e.toString());
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                Response.writeError(request, response, callback, 500, e.getMessage());
            }
        }
        return true;
    }
}
