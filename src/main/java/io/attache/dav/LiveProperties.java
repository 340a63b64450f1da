package io.attache.dav;

import io.attache.fs.Entry;
import io.attache.fs.LockInfo;
import io.attache.fs.Quota;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The properties the server computes (RFC 4918 section 15, RFC 4331 quotas). They are protected:
 * PROPPATCH cannot set or remove them.
 *
 * <p>{@code allprop} returns the RFC 4918 properties except {@code supportedlock}, which is the
 * same on every resource and available by name or {@code propname}: leaving its 240 bytes out of
 * every entry is what keeps a listing of 2,000 files under Windows' 1,000,000-byte limit. Quota
 * properties are returned by name only, as RFC 4331 asks, and on collections only: they describe
 * the space of the user's tree, and clients such as davix show them as a file's size when a file
 * has them.
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
    static final PropertyName LOCKDISCOVERY = PropertyName.dav("lockdiscovery");
    static final PropertyName SUPPORTEDLOCK = PropertyName.dav("supportedlock");
    /** ownCloud's: a file's checksums, which rclone's owncloud and nextcloud modes compare instead of downloading. */
    static final String OWNCLOUD = "http://owncloud.org/ns";
    static final PropertyName CHECKSUMS = new PropertyName(OWNCLOUD, "checksums");

    /** In the order allprop writes them. */
    private static final List<PropertyName> FILE_ALLPROP = List.of(
            RESOURCETYPE, GETCONTENTLENGTH, GETLASTMODIFIED, CREATIONDATE, GETETAG, GETCONTENTTYPE, LOCKDISCOVERY);
    private static final List<PropertyName> FOLDER_ALLPROP = List.of(RESOURCETYPE, GETLASTMODIFIED, CREATIONDATE,
            GETETAG, LOCKDISCOVERY);
    private static final List<PropertyName> FILE_NAMES = List.of(RESOURCETYPE, GETCONTENTLENGTH, GETLASTMODIFIED,
            CREATIONDATE, GETETAG, GETCONTENTTYPE, LOCKDISCOVERY, SUPPORTEDLOCK, CHECKSUMS);
    private static final List<PropertyName> FOLDER_NAMES = List.of(RESOURCETYPE, GETLASTMODIFIED, CREATIONDATE,
            GETETAG, LOCKDISCOVERY, SUPPORTEDLOCK, QUOTA_USED, QUOTA_AVAILABLE);
    private static final Set<PropertyName> FILE_NAME_SET = Set.copyOf(FILE_NAMES);
    private static final Set<PropertyName> FOLDER_NAME_SET = Set.copyOf(FOLDER_NAMES);
    private static final Set<PropertyName> PROTECTED = union(FILE_NAME_SET, FOLDER_NAME_SET);

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
        return entry.folder() ? FOLDER_NAMES : FILE_NAMES;
    }

    static boolean isLiveOnFile(PropertyName name) {
        return FILE_NAME_SET.contains(name);
    }

    static boolean isLiveOnFolder(PropertyName name) {
        return FOLDER_NAME_SET.contains(name);
    }

    /** True for a live property that some resources of its kind have and others not: ask {@link #has}. */
    static boolean isConditional(PropertyName name) {
        return CHECKSUMS.equals(name);
    }

    /** Whether {@code entry} has the live property {@code name} that its kind of resource can have. */
    static boolean has(PropertyName name, Entry entry) {
        return !CHECKSUMS.equals(name) || entry.checksums() != null;
    }

    /**
     * Writes {@code name}'s value for {@code entry} if the resource has that live property.
     *
     * @param context the user's quota and locks, looked up by the caller only when asked for
     * @return false when it is not a live property of this resource
     */
    static boolean write(MultistatusWriter out, PropertyName name, Entry entry, Context context) throws IOException {
        if (CHECKSUMS.equals(name)) {
            if (entry.folder() || entry.checksums() == null) {
                return false;
            }
            // The values are letters, digits and ':': nothing to escape.
            out.propertyXml(OWNCLOUD, "checksums", "<N:checksum>" + entry.checksums() + "</N:checksum>");
            return true;
        }
        if (!Xml.DAV.equals(name.namespace())) {
            return false;
        }
        switch (name.name()) {
            case "resourcetype" -> out.propertyXml(Xml.DAV, "resourcetype", entry.folder() ? "<D:collection/>" : null);
            case "creationdate" -> out.propertyPlain(Xml.DAV, "creationdate", HttpDates.iso(entry.created()));
            case "getlastmodified" -> out.propertyPlain(Xml.DAV, "getlastmodified", HttpDates.http(entry.modified()));
            case "getcontentlength" -> {
                if (entry.folder()) {
                    return false;
                }
                out.propertyPlain(Xml.DAV, "getcontentlength", Long.toString(entry.size()));
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
                out.propertyPlain(Xml.DAV, "getetag", entry.etag());
            }
            case "lockdiscovery" -> out.propertyXml(Xml.DAV, "lockdiscovery", LockXml.discovery(context.locks(entry)));
            case "supportedlock" -> out.propertyXml(Xml.DAV, "supportedlock", LockXml.SUPPORTED);
            case "quota-used-bytes" -> {
                if (!entry.folder()) {
                    return false;
                }
                out.property(Xml.DAV, "quota-used-bytes", Long.toString(context.quota().usedBytes()));
            }
            case "quota-available-bytes" -> {
                if (!entry.folder()) {
                    return false;
                }
                Long available = context.quota().availableBytes();
                // RFC 4331: without a quota, report what could be stored; the store sets no limit, so say 1 PiB.
                out.property(Xml.DAV, "quota-available-bytes", Long.toString(available == null ? UNLIMITED : available));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static Set<PropertyName> union(Set<PropertyName> a, Set<PropertyName> b) {
        Set<PropertyName> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** What some live properties need beyond the entry: fetched at most once per request. */
    interface Context {
        Quota quota() throws IOException;

        List<LockInfo> locks(Entry entry) throws IOException;
    }
}
