package io.attache.dav;

import java.io.IOException;

/**
 * OPTIONS on any path, without authentication: Windows probes {@code OPTIONS /} before it sends
 * credentials, even when mapping a sub-folder. The answer does not depend on the resource.
 */
final class OptionsHandler extends DavHandler {

    static final String ALLOW = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK";

    @Override
    public String[] getMethods() {
        return new String[]{"OPTIONS"};
    }

    @Override
    void handle(DavExchange ex) throws IOException {
        ex.status(200);
        ex.setHeader("DAV", "1, 2");
        ex.setHeader("MS-Author-Via", "DAV");
        ex.setHeader("Allow", ALLOW);
        ex.setHeader("Accept-Ranges", "bytes");
        ex.contentLength(0);
    }
}
