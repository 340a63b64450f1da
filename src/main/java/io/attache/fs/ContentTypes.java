package io.attache.fs;

import java.net.FileNameMap;
import java.net.URLConnection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Media types of stored files: the one reported for a file (what the client said when it was
 * specific and harmless, else one guessed from the name), and which types are <em>active</em>,
 * that is, a browser would run script or plugins in them on the server's origin, where it holds
 * the user's credentials. Whoever serves stored content to a browser (WebDAV GET, the web
 * interface) serves active types sandboxed.
 */
public final class ContentTypes {

    private static final String GENERIC = "application/octet-stream";
    private static final FileNameMap JDK = URLConnection.getFileNameMap();
    /** RFC 9110 {@code type "/" subtype} with optional parameters; anything else is not a media type. */
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\\s*;.*)?");
    /** Common types the JDK's table lacks. */
    private static final Map<String, String> EXTRA = Map.ofEntries(
            Map.entry("mp4", "video/mp4"), Map.entry("m4v", "video/mp4"), Map.entry("mkv", "video/x-matroska"),
            Map.entry("webm", "video/webm"), Map.entry("mov", "video/quicktime"), Map.entry("avi", "video/x-msvideo"),
            Map.entry("mp3", "audio/mpeg"), Map.entry("m4a", "audio/mp4"), Map.entry("flac", "audio/flac"),
            Map.entry("ogg", "audio/ogg"), Map.entry("opus", "audio/opus"), Map.entry("wav", "audio/wav"),
            Map.entry("webp", "image/webp"), Map.entry("heic", "image/heic"), Map.entry("svg", "image/svg+xml"),
            Map.entry("json", "application/json"), Map.entry("md", "text/markdown"), Map.entry("csv", "text/csv"),
            Map.entry("7z", "application/x-7z-compressed"), Map.entry("gz", "application/gzip"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"));

    /**
     * Types a browser renders as a document that can run script or plugins: HTML and XHTML, XML
     * of any kind (XSLT can make HTML of it), SVG, JavaScript, PDF, Flash, and multipart types
     * that a browser renders part by part.
     */
    private static final Set<String> ACTIVE = Set.of("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml",
            "application/xml", "text/xsl", "text/javascript", "application/javascript", "application/x-javascript",
            "text/ecmascript", "application/ecmascript", "text/jscript", "application/pdf", "application/x-pdf",
            "application/x-shockwave-flash", "application/futuresplash", "text/x-component", "multipart/x-mixed-replace");

    private ContentTypes() {
    }

    /**
     * True when a browser could run script or plugins in a document of {@code type} (see
     * {@link #ACTIVE}; any {@code +xml} type too). Such content must never be served inline on the
     * server's origin without a sandbox.
     */
    public static boolean isActive(String type) {
        if (type == null) {
            return false;
        }
        int semicolon = type.indexOf(';');
        String base = (semicolon >= 0 ? type.substring(0, semicolon) : type).trim().toLowerCase(Locale.ROOT);
        return ACTIVE.contains(base) || base.endsWith("+xml") || base.endsWith("/xml");
    }

    /**
     * The type to store for a PUT: the client's, unless it is missing, says nothing, is not a
     * media type at all (Sardine sends {@code Content-Type: ISO-8859-1}), or is active: a client
     * must not be able to make {@code notes.txt} an HTML page. Without one, the type follows the
     * file's name when it is served.
     */
    static String fromRequest(String requested) {
        if (requested == null) {
            return null;
        }
        String type = requested.trim();
        String base = type.toLowerCase(Locale.ROOT);
        if (!MEDIA_TYPE.matcher(type).matches() || base.startsWith(GENERIC) || base.startsWith("application/x-www-form-urlencoded")
                || base.startsWith("multipart/") || type.length() > 200 || isActive(type)) {
            return null;
        }
        return type;
    }

    /** The type a file is served with: the stored one, else one guessed from its name. */
    public static String of(String stored, String name) {
        if (stored != null) {
            return stored;
        }
        int dot = name.lastIndexOf('.');
        if (dot >= 0 && dot < name.length() - 1) {
            String extension = name.substring(dot + 1).toLowerCase(Locale.ROOT);
            String extra = EXTRA.get(extension);
            if (extra != null) {
                return extra;
            }
        }
        String guessed = JDK.getContentTypeFor(name);
        return guessed != null ? guessed : GENERIC;
    }
}
