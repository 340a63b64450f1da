package io.attache.dav;

import io.attache.fs.Drive;
import io.attache.fs.DriveLocks;
import io.attache.fs.FsException;
import io.attache.fs.LockInfo;
import io.attache.fs.LockRequest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * LOCK (RFC 4918 section 9.10): a new exclusive or shared write lock with Depth 0 or infinity,
 * on an existing resource or on an unmapped URL (which becomes an empty locked file, 201); or,
 * without a body, a refresh of the lock whose token the If header submits. The npm webdav library
 * refreshes with its lockinfo body and the token bare in the If header ({@code If: token}), a
 * form no other request has: that too is a refresh.
 */
final class LockHandler extends DavHandler {

    @Override
    public String[] getMethods() {
        return new String[]{"LOCK"};
    }

    @Override
    void handle(DavExchange ex) throws FsException, DavException, IOException {
        DavSettings settings = ex.settings();
        long timeout = LockTimeouts.grant(ex.header("Timeout"), settings.defaultLockSeconds(), settings.maxLockSeconds());
        byte[] body = Xml.readBody(ex.body(), settings.maxXmlBodyBytes());
        Drive drive = ex.drive();
        int condition = Conditions.evaluate(ex, drive.find(ex.path()).orElse(null));
        if (condition != Conditions.PROCEED) {
            // davfs2 locks a new file with If-None-Match: * and reads 412 as "it exists already".
            ex.sendText(condition, "precondition failed");
            return;
        }
        String ifHeader = ex.header("If");
        if (body.length == 0 || (ifHeader != null && IfHeader.bareStateToken(ifHeader) != null)) {
            if (ifHeader == null) {
                throw new DavException(400, "a LOCK without a body refreshes a lock and needs its token in an If header");
            }
            LockInfo refreshed = drive.locking().refresh(ex.path(), timeout);
            send(ex, 200, refreshed, false);
            return;
        }
        LockRequest request = parse(Xml.parse(body), infinite(ex.header("Depth")), timeout);
        DriveLocks.LockResult result = drive.locking().lock(ex.path(), request);
        send(ex, result.created() ? 201 : 200, result.lock(), true);
    }

    static LockRequest parse(XmlElement root, boolean infinite, long timeout) throws DavException {
        if (!root.is(Xml.DAV, "lockinfo")) {
            throw new DavException(400, "LOCK body must be a DAV:lockinfo element");
        }
        XmlElement scope = root.child(Xml.DAV, "lockscope")
                .orElseThrow(() -> new DavException(400, "DAV:lockinfo needs a DAV:lockscope"));
        boolean exclusive;
        if (scope.child(Xml.DAV, "exclusive").isPresent()) {
            exclusive = true;
        } else if (scope.child(Xml.DAV, "shared").isPresent()) {
            exclusive = false;
        } else {
            throw new DavException(400, "DAV:lockscope must be exclusive or shared");
        }
        XmlElement type = root.child(Xml.DAV, "locktype")
                .orElseThrow(() -> new DavException(400, "DAV:lockinfo needs a DAV:locktype"));
        if (type.child(Xml.DAV, "write").isEmpty()) {
            throw new DavException(422, "only write locks exist");
        }
        String owner = root.child(Xml.DAV, "owner").map(XmlElement::contentAsXml).orElse(null);
        return new LockRequest(exclusive, infinite, owner, timeout);
    }

    static boolean infinite(String depth) throws DavException {
        if (depth == null || depth.trim().equalsIgnoreCase("infinity")) {
            return true;
        }
        if (depth.trim().equals("0")) {
            return false;
        }
        throw new DavException(400, "LOCK takes Depth 0 or infinity, not " + depth);
    }

    private static void send(DavExchange ex, int status, LockInfo lock, boolean newLock) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:prop xmlns:D=\"DAV:\"><D:lockdiscovery>");
        LockXml.activeLock(lock, xml);
        xml.append("</D:lockdiscovery></D:prop>");
        byte[] body = xml.toString().getBytes(StandardCharsets.UTF_8);
        ex.status(status);
        if (lock.rootIsFolder() && lock.root().equals(ex.path())) {
            ex.aboutCollection(lock.root());
        }
        if (newLock) {
            ex.setHeader("Lock-Token", "<" + lock.token() + ">");
        }
        ex.setHeader("Timeout", "Second-" + lock.timeoutSeconds());
        ex.contentType("application/xml;charset=utf-8");
        ex.contentLength(body.length);
        try (OutputStream out = ex.output()) {
            out.write(body);
        }
    }
}
