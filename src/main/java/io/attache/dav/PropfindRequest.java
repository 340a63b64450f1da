package io.attache.dav;

import java.util.ArrayList;
import java.util.List;

/**
 * What a PROPFIND asks for: all properties (with optional {@code include}d extras), only their
 * names, or the named ones.
 */
record PropfindRequest(Kind kind, List<PropertyName> names) {

    enum Kind { ALLPROP, PROPNAME, PROP }

    static final PropfindRequest ALLPROP = new PropfindRequest(Kind.ALLPROP, List.of());

    PropfindRequest {
        names = List.copyOf(names);
    }

    /** Interprets a parsed body; an empty body means allprop. */
    static PropfindRequest parse(XmlElement root) throws DavException {
        if (root == null) {
            return ALLPROP;
        }
        if (!root.is(Xml.DAV, "propfind")) {
            throw new DavException(400, "PROPFIND body must be a DAV:propfind element");
        }
        List<XmlElement> parts = root.elements();
        XmlElement first = parts.stream().filter(e -> Xml.DAV.equals(e.namespace())).findFirst()
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
            default -> throw new DavException(400, "unknown PROPFIND element DAV:" + first.name());
        }
    }

    /** True when answering needs no dead property (a named request for live properties only). */
    boolean liveOnly() {
        return kind == Kind.PROP && names.stream().allMatch(n -> Xml.DAV.equals(n.namespace()) && isKnownLive(n));
    }

    private static boolean isKnownLive(PropertyName n) {
        return LiveProperties.isProtected(n);
    }
}
