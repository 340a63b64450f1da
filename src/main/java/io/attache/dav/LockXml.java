package io.attache.dav;

import io.attache.fs.LockInfo;

import java.util.List;

/** The XML of locks: {@code activelock} elements for {@code lockdiscovery}, and {@code supportedlock}. */
final class LockXml {

    static final String SUPPORTED = "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>"
            + "<D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>";

    private LockXml() {
    }

    /** The content of a {@code lockdiscovery} element for these locks (empty for none). */
    static String discovery(List<LockInfo> locks) {
        StringBuilder out = new StringBuilder();
        for (LockInfo lock : locks) {
            activeLock(lock, out);
        }
        return out.toString();
    }

    static void activeLock(LockInfo lock, StringBuilder out) {
        out.append("<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope>")
                .append(lock.exclusive() ? "<D:exclusive/>" : "<D:shared/>")
                .append("</D:lockscope><D:depth>").append(lock.infinite() ? "infinity" : "0").append("</D:depth>");
        if (lock.ownerXml() != null) {
            out.append("<D:owner>").append(lock.ownerXml()).append("</D:owner>");
        }
        out.append("<D:timeout>Second-").append(lock.timeoutSeconds()).append("</D:timeout>")
                .append("<D:locktoken><D:href>").append(Xml.escapeText(lock.token())).append("</D:href></D:locktoken>")
                .append("<D:lockroot><D:href>").append(Xml.escapeText(lock.rootHref())).append("</D:href></D:lockroot>")
                .append("</D:activelock>");
    }
}
