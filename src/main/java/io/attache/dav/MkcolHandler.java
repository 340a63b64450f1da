package io.attache.dav;

import io.attache.fs.FsException;

import java.io.IOException;

/** MKCOL: 201, 405 when something exists there, 409 without a parent, 415 with a body. */
final class MkcolHandler extends DavHandler {

    @Override
    public String[] getMethods() {
        return new String[]{"MKCOL"};
    }

    @Override
    void handle(DavExchange ex) throws FsException, DavException, IOException {
        if (ex.hasBody()) {
            throw new DavException(415, "MKCOL with a body is not supported");
        }
        ex.drive().mkdir(ex.path());
        ex.aboutCollection(ex.path());
        ex.status(201);
        ex.contentLength(0);
    }
}
