package io.attache.dav;

import io.attache.fs.Entry;
import io.attache.fs.FsException;

import java.io.IOException;

/** DELETE of a file, or of a folder with everything in it (Depth must be infinity). */
final class DeleteHandler extends DavHandler {

    @Override
    public String[] getMethods() {
        return new String[]{"DELETE"};
    }

    @Override
    void handle(DavExchange ex) throws FsException, DavException, IOException {
        Entry current = ex.drive().get(ex.path());
        String depth = ex.header("Depth");
        if (current.folder() && depth != null && !depth.trim().equalsIgnoreCase("infinity")) {
            throw new DavException(400, "DELETE of a folder needs Depth: infinity");
        }
        int condition = Conditions.evaluate(ex, current);
        if (condition != Conditions.PROCEED) {
            ex.sendText(condition, "precondition failed");
            return;
        }
        ex.drive().delete(ex.path());
        ex.status(204);
    }
}
