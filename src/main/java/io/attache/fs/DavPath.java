package io.attache.fs;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A normalised path inside one user's tree: a list of decoded names, the root being empty. Parsed
 * once from the raw (percent-encoded) request path and never re-interpreted, so no encoding
 * trick ({@code ..}, {@code %2e%2e}, {@code %2f}, {@code %00}) can name anything outside the tree.
 *
 * <p>The name rule, the same for request paths, Destination headers and If-header tags: a name
 * is any valid UTF-8 text but NUL and '/', except "." and "..", up to {@link #MAX_NAME_BYTES}
 * bytes; control characters, backslashes and anything else Linux or macOS allow in a file name
 * are ordinary characters. Empty segments ({@code //}) are dropped, as Apache does.
 */
public final class DavPath {

    public static final DavPath ROOT = new DavPath(List.of());
    public static final int MAX_NAME_BYTES = 1024;
    public static final int MAX_DEPTH = 256;

    private final List<String> names;
    /** The percent-encoded form without a trailing slash ("" for the root), made once when first needed. */
    private String encoded;

    private DavPath(List<String> names) {
        this.names = names;
    }

    private DavPath(List<String> names, String encoded) {
        this.names = names;
        this.encoded = encoded;
    }

    /**
     * Parses a percent-encoded path such as {@code /a%20b/c/}. Empty segments (doubled or trailing
     * slashes) are ignored.
     *
     * @throws FsException.BadRequest for an invalid encoding or a forbidden name
     */
    public static DavPath parse(String rawPath) throws FsException.BadRequest {
        List<String> names = new ArrayList<>();
        for (String segment : rawPath.split("/", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            names.add(checkName(decode(segment)));
            if (names.size() > MAX_DEPTH) {
                throw new FsException.BadRequest("path is deeper than " + MAX_DEPTH + " levels");
            }
        }
        return names.isEmpty() ? ROOT : new DavPath(Collections.unmodifiableList(names));
    }

    /** The path whose decoded form is {@code decoded} ({@link #toString()}'s output). */
    public static DavPath ofDecoded(String decoded) throws FsException.BadRequest {
        List<String> names = new ArrayList<>();
        for (String name : decoded.split("/")) {
            if (!name.isEmpty()) {
                names.add(checkName(name));
            }
        }
        return names.isEmpty() ? ROOT : new DavPath(Collections.unmodifiableList(names));
    }

    /** Checks a single decoded name. */
    public static String checkName(String name) throws FsException.BadRequest {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new FsException.BadRequest("'" + name + "' is not a valid name");
        }
        if (name.indexOf('\0') >= 0) {
            throw new FsException.BadRequest("a name may not contain NUL (%00)");
        }
        if (name.indexOf('/') >= 0) {
            throw new FsException.BadRequest("a name may not contain '/' (%2F)");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new FsException.BadRequest("name longer than " + MAX_NAME_BYTES + " bytes");
        }
        return name;
    }

    public boolean isRoot() {
        return names.isEmpty();
    }

    public List<String> names() {
        return names;
    }

    public int depth() {
        return names.size();
    }

    /** The last name; the root has none. */
    public String name() {
        if (isRoot()) {
            throw new IllegalStateException("the root has no name");
        }
        return names.get(names.size() - 1);
    }

    public DavPath parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root has no parent");
        }
        return new DavPath(names.subList(0, names.size() - 1));
    }

    public DavPath child(String name) throws FsException.BadRequest {
        return childTrusted(checkName(name));
    }

    /** A child whose name is known to be valid: it was read back from the database. */
    DavPath childTrusted(String name) {
        String[] longer = names.toArray(new String[names.size() + 1]);
        longer[names.size()] = name;
        StringBuilder href = new StringBuilder(base()).append('/');
        encodeSegment(name, href);
        return new DavPath(List.of(longer), href.toString());
    }

    /** True when this path is {@code other} or lies inside it. */
    public boolean isSelfOrDescendantOf(DavPath other) {
        return names.size() >= other.names.size() && names.subList(0, other.names.size()).equals(other.names);
    }

    /** The percent-encoded form, starting with '/', with a trailing '/' when {@code folder}. */
    public String encoded(boolean folder) {
        String base = base();
        return folder || base.isEmpty() ? base + "/" : base;
    }

    private String base() {
        String e = encoded;
        if (e == null) {
            StringBuilder out = new StringBuilder();
            for (String name : names) {
                out.append('/');
                encodeSegment(name, out);
            }
            e = out.toString();
            encoded = e;
        }
        return e;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DavPath p && p.names.equals(names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    /**
     * The decoded form, for messages. A name may hold any character but NUL and '/', CR and LF
     * included, so a log line must escape it (or log {@link #encoded} instead).
     */
    @Override
    public String toString() {
        return "/" + String.join("/", names);
    }

    static void encodeSegment(String name, StringBuilder out) {
        boolean plain = true;
        for (int i = 0; i < name.length() && plain; i++) {
            char c = name.charAt(i);
            plain = c < 0x80 && UNRESERVED[c];
        }
        if (plain) {
            out.append(name);
            return;
        }
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
    }

    private static final boolean[] UNRESERVED = new boolean[128];

    static {
        for (int c = 0; c < 128; c++) {
            UNRESERVED[c] = isUnreserved(c);
        }
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~'
                || c == '!' || c == '$' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+'
                || c == ',' || c == ';' || c == '=' || c == ':' || c == '@';
    }

    private static String decode(String segment) throws FsException.BadRequest {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < segment.length()) {
                    encoded = segment.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(encoded);
                continue;
            }
            if (i + 2 >= segment.length()) {
                throw new FsException.BadRequest("truncated percent-encoding in '" + segment + "'");
            }
            int hi = Character.digit(segment.charAt(i + 1), 16);
            int lo = Character.digit(segment.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw new FsException.BadRequest("invalid percent-encoding in '" + segment + "'");
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new FsException.BadRequest("path is not valid UTF-8");
        }
    }
}
