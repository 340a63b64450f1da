package io.attache.dav;

import io.attache.fs.DavPath;
import io.attache.fs.FsException;

/**
 * The {@code Destination} header of COPY and MOVE, and the resource tags of an If header. Only
 * the path counts: scheme, host and port differ behind proxies and are ignored. The path is
 * taken as sent and parsed by {@link DavPath#parse}, the parser of request paths, so a name one
 * method can create every other method can reach; and it is resolved in the requesting user's own
 * tree like any request path, so it cannot name anything outside it.
 */
final class Destination {

    private Destination() {
    }

    static DavPath parse(String header) throws DavException {
        if (header == null || header.isBlank()) {
            throw new DavException(400, "COPY and MOVE need a Destination header");
        }
        try {
            return DavPath.parse(rawPath(header.trim()));
        } catch (FsException.BadRequest e) {
            throw new DavException(400, "invalid Destination path: " + e.getMessage());
        }
    }

    /**
     * The still percent-encoded path of an absolute URI ({@code scheme://authority/path}) or of
     * an absolute path, without query or fragment. Nothing is decoded or checked here: characters
     * a strict URI parser refuses ({@code \}, {@code |}, ...) are left to the name rule, as they
     * are in a request line.
     */
    static String rawPath(String value) throws DavException {
        String path;
        if (value.startsWith("/")) {
            path = value;
        } else {
            int authority = value.indexOf("://");
            if (authority <= 0 || !isScheme(value.substring(0, authority))) {
                throw new DavException(400, "Destination must be an absolute URI or path: " + value);
            }
            int slash = value.indexOf('/', authority + 3);
            path = slash < 0 ? "/" : value.substring(slash);
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '?' || c == '#') {
                return path.substring(0, i);
            }
        }
        return path;
    }

    /** RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
    private static boolean isScheme(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
