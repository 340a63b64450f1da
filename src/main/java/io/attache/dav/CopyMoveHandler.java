package io.attache.dav;

import io.attache.fs.DavPath;
import io.attache.fs.Entry;
import io.attache.fs.FsException;

import java.io.IOException;

/**
 * COPY and MOVE, both metadata-only: a copy shares the source's content. {@code Overwrite}
 * defaults to T (RFC 4918); COPY takes Depth 0 or infinity, MOVE only infinity.
 */
final class CopyMoveHandler extends DavHandler {

    @Override
    public String[] getMethods() {
        return new String[]{"COPY", "MOVE"};
    }

    @Override
    void handle(DavExchange ex) throws FsException, DavException, IOException {
        boolean copy = "COPY".equals(ex.method());
        DavPath destination = Destination.parse(ex.header("Destination"));
        boolean overwrite = overwrite(ex.header("Overwrite"));
        boolean recursive = recursive(ex.header("Depth"), copy);
        Entry source = ex.drive().get(ex.path());
        int condition = Conditions.evaluate(ex, source);
        if (condition != Conditions.PROCEED) {
            ex.sendText(condition, "precondition failed");
            return;
        }
        boolean created = copy
                ? ex.drive().copy(ex.path(), destination, recursive, overwrite)
                : ex.drive().move(ex.path(), destination, overwrite);
        ex.status(created ? 201 : 204);
        ex.contentLength(0);
    }

    static boolean overwrite(String header) throws DavException {
        if (header == null) {
            return true;
        }
        return switch (header.trim()) {
            case "T", "t" -> true;
            case "F", "f" -> false;
            default -> throw new DavException(400, "Overwrite must be T or F, not " + header);
        };
    }

    static boolean recursive(String depth, boolean copy) throws DavException {
        if (depth == null || depth.trim().equalsIgnoreCase("infinity")) {
            return true;
        }
        if (copy && depth.trim().equals("0")) {
            return false;
        }
        throw new DavException(400, (copy ? "COPY" : "MOVE") + " does not accept Depth: " + depth);
    }
}
