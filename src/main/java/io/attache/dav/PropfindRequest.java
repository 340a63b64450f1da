package io.attache.dav;

import io.attache.fs.Entry;

import java.util.ArrayList;
import java.util.List;

/**
 * What a PROPFIND asks for: all properties (with optional {@code include}d extras), only their
 * names, or the named ones. Which names are live properties of a file and of a folder is worked
 * out once here, not for every entry of a listing.
 */
final class PropfindRequest {

    enum Kind { ALLPROP, PROPNAME, PROP }

    static final PropfindRequest ALLPROP = new PropfindRequest(Kind.ALLPROP, List.of());

    private final Kind kind;
    private final List<PropertyName> names;
    private final boolean[] liveOnFile;
    private final boolean[] liveOnFolder;
    private final boolean[] conditional;
    private final boolean liveOnly;

    PropfindRequest(Kind kind, List<PropertyName> names) {
        this.kind = kind;
        this.names = List.copyOf(names);
        this.liveOnFile = new boolean[this.names.size()];
        this.liveOnFolder = new boolean[this.names.size()];
        this.conditional = new boolean[this.names.size()];
        boolean allLive = true;
        for (int i = 0; i < this.names.size(); i++) {
            liveOnFile[i] = LiveProperties.isLiveOnFile(this.names.get(i));
            liveOnFolder[i] = LiveProperties.isLiveOnFolder(this.names.get(i));
            conditional[i] = LiveProperties.isConditional(this.names.get(i));
            allLive &= liveOnFile[i];
        }
        this.liveOnly = kind == Kind.PROP && allLive;
    }

    Kind kind() {
        return kind;
    }

    List<PropertyName> names() {
        return names;
    }

    /** Whether {@code names().get(i)} is a live property of {@code entry}. */
    boolean isLive(int i, Entry entry) {
        boolean kind = entry.folder() ? liveOnFolder[i] : liveOnFile[i];
        return kind && (!conditional[i] || LiveProperties.has(names.get(i), entry));
    }

    /** Interprets a parsed body; an empty body means allprop. */
    static PropfindRequest parse(XmlElement root) throws DavException {
        if (root == null) {
            return ALLPROP;
        }
        if (!root.is(Xml.DAV, "propfind")) {
            throw new DavException(400, "PROPFIND body must be a DAV:propfind element");
        }
        // RFC 4918 section 17: elements a server does not know are ignored, in any namespace.
        XmlElement first = root.elements().stream().filter(PropfindRequest::isRequestKind).findFirst()
                .orElseThrow(() -> new DavException(400, "DAV:propfind needs allprop, propname or prop"));
        switch (first.name()) {
            case "allprop" -> {
                List<PropertyName> include = new ArrayList<>();
                root.child(Xml.DAV, "include").ifPresent(e -> e.elements().forEach(p -> include.add(PropertyName.of(p))));
                return new PropfindRequest(Kind.ALLPROP, include);
            }
            case "propname" -> {
                return new PropfindRequest(Kind.PROPNAME, List.of());
            }
            case "prop" -> {
                List<PropertyName> names = new ArrayList<>();
                for (XmlElement p : first.elements()) {
                    names.add(PropertyName.of(p));
                }
                return new PropfindRequest(Kind.PROP, names);
            }
            default -> throw new IllegalStateException("not a kind of PROPFIND: " + first.name());
        }
    }

    private static boolean isRequestKind(XmlElement e) {
        return Xml.DAV.equals(e.namespace()) && (e.name().equals("allprop") || e.name().equals("propname")
                || e.name().equals("prop"));
    }

    /** True when answering needs no dead property (a named request for live properties only). */
    boolean liveOnly() {
        return liveOnly;
    }
}
