package io.attache.dav;

import io.attache.fs.Entry;
import io.attache.fs.Quota;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The properties the server computes (RFC 4918 section 15, RFC 4331 quotas). They are protected:
 * PROPPATCH cannot set or remove them.
 *
 * <p>{@code allprop} returns the RFC 4918 properties except {@code supportedlock}, which is the
 * same on every resource and available by name or {@code propname}: leaving its 240 bytes out of
 * every entry is what keeps a listing of 2,000 files under Windows' 1,000,000-byte limit. Quota
 * properties are returned by name only, as RFC 4331 asks.
 */
final class LiveProperties {

    static final long UNLIMITED = 1L << 50;
    static final PropertyName RESOURCETYPE = PropertyName.dav("resourcetype");
    static final PropertyName CREATIONDATE = PropertyName.dav("creationdate");
    static final PropertyName GETLASTMODIFIED = PropertyName.dav("getlastmodified");
    static final PropertyName GETCONTENTLENGTH = PropertyName.dav("getcontentlength");
    static final PropertyName GETCONTENTTYPE = PropertyName.dav("getcontenttype");
    static final PropertyName GETETAG = PropertyName.dav("getetag");
    static final PropertyName QUOTA_USED = PropertyName.dav("quota-used-bytes");
    static final PropertyName QUOTA_AVAILABLE = PropertyName.dav("quota-available-bytes");

    /** In the order allprop writes them. */
    private static final List<PropertyName> FILE_ALLPROP = List.of(
            RESOURCETYPE, GETCONTENTLENGTH, GETLASTMODIFIED, CREATIONDATE, GETETAG, GETCONTENTTYPE);
    private static final List<PropertyName> FOLDER_ALLPROP = List.of(RESOURCETYPE, GETLASTMODIFIED, CREATIONDATE);
    private static final Set<PropertyName> PROTECTED = Set.of(RESOURCETYPE, CREATIONDATE, GETLASTMODIFIED,
            GETCONTENTLENGTH, GETCONTENTTYPE, GETETAG, QUOTA_USED, QUOTA_AVAILABLE,
            PropertyName.dav("lockdiscovery"), PropertyName.dav("supportedlock"));

    private LiveProperties() {
    }

    static boolean isProtected(PropertyName name) {
        return PROTECTED.contains(name);
    }

    static List<PropertyName> allprop(Entry entry) {
        return entry.folder() ? FOLDER_ALLPROP : FILE_ALLPROP;
    }

    /** Every live property the resource has, for {@code propname}. */
    static List<PropertyName> names(Entry entry) {
        return entry.folder()
                ? List.of(RESOURCETYPE, GETLASTMODIFIED, CREATIONDATE, QUOTA_USED, QUOTA_AVAILABLE)
                : List.of(RESOURCETYPE, GETCONTENTLENGTH, GETLASTMODIFIED, CREATIONDATE, GETETAG, GETCONTENTTYPE,
                QUOTA_USED, QUOTA_AVAILABLE);
    }

    /**
     * Writes {@code name}'s value for {@code entry} if the resource has that live property.
     *
     * @param quota the user's quota, looked up lazily by the caller only when a quota property is asked for
     * @return false when it is not a live property of this resource
     */
    static boolean write(MultistatusWriter out, PropertyName name, Entry entry, QuotaSource quota) throws IOException {
        if (!Xml.DAV.equals(name.namespace())) {
            return false;
        }
        switch (name.name()) {
            case "resourcetype" -> out.propertyXml(Xml.DAV, "resourcetype", entry.folder() ? "<D:collection/>" : null);
            case "creationdate" -> out.property(Xml.DAV, "creationdate", HttpDates.iso(entry.created()));
            case "getlastmodified" -> out.property(Xml.DAV, "getlastmodified", HttpDates.http(entry.modified()));
            case "getcontentlength" -> {
                if (entry.folder()) {
                    return false;
                }
                out.property(Xml.DAV, "getcontentlength", Long.toString(entry.size()));
            }
            case "getcontenttype" -> {
                if (entry.folder()) {
                    return false;
                }
                out.property(Xml.DAV, "getcontenttype", entry.contentType());
            }
            case "getetag" -> {
                if (entry.etag() == null) {
                    return false;
                }
                out.property(Xml.DAV, "getetag", entry.etag());
            }
            case "quota-used-bytes" -> out.property(Xml.DAV, "quota-used-bytes", Long.toString(quota.get().usedBytes()));
            case "quota-available-bytes" -> {
                Long available = quota.get().availableBytes();
                // RFC 4331: without a quota, report what could be stored; the store sets no limit, so say 1 PiB.
                out.property(Xml.DAV, "quota-available-bytes", Long.toString(available == null ? UNLIMITED : available));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The user's quota, fetched at most once per request. */
    interface QuotaSource {
        Quota get() throws IOException;
    }
}
