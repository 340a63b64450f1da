package io.attache.dav;

import io.attache.fs.DavPath;
import io.attache.fs.FsException;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The {@code Destination} header of COPY and MOVE. Only its path counts: scheme, host and port
 * differ behind proxies and are ignored, and the path is resolved in the requesting user's own
 * tree like any request path, so it cannot name anything outside it.
 */
final class Destination {

    private Destination() {
    }

    static DavPath parse(String header) throws DavException {
        if (header == null || header.isBlank()) {
            throw new DavException(400, "COPY and MOVE need a Destination header");
        }
        String value = header.trim();
        String rawPath;
        if (value.startsWith("/")) {
            rawPath = value;
        } else {
            try {
                URI uri = new URI(value);
                if (uri.getScheme() == null || uri.getRawPath() == null) {
                    throw new DavException(400, "Destination must be an absolute URI or path: " + value);
                }
                rawPath = uri.getRawPath();
            } catch (URISyntaxException e) {
                throw new DavException(400, "invalid Destination: " + e.getMessage());
            }
        }
        int query = rawPath.indexOf('?');
        if (query >= 0) {
            rawPath = rawPath.substring(0, query);
        }
        try {
            return DavPath.parse(rawPath);
        } catch (FsException.BadRequest e) {
            throw new DavException(400, "invalid Destination path: " + e.getMessage());
        }
    }
}
