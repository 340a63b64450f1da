package io.attache.dav;

import io.attache.fs.FsException;

import java.io.IOException;

/**
 * UNLOCK (RFC 4918 section 9.11). The {@code Lock-Token} header is accepted with or without its
 * angle brackets (Windows sends it bare). A token that names no lock on the resource is a 409.
 */
final class UnlockHandler extends DavHandler {

    @Override
    public String[] getMethods() {
        return new String[]{"UNLOCK"};
    }

    @Override
    void handle(DavExchange ex) throws FsException, DavException, IOException {
        String header = ex.header("Lock-Token");
        if (header == null || header.isBlank()) {
            throw new DavException(400, "UNLOCK needs a Lock-Token header");
        }
        String token = header.trim();
        if (token.startsWith("<") && token.endsWith(">")) {
            token = token.substring(1, token.length() - 1).trim();
        }
        try {
            ex.drive().locking().unlock(ex.path(), token);
        } catch (FsException.Conflict e) {
            throw new DavException(409, e.getMessage(), "lock-token-matches-request-uri");
        }
        ex.status(204);
    }
}
