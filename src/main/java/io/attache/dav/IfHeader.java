package io.attache.dav;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The RFC 4918 {@code If} header (section 10.4): untagged lists about the request URI, or lists
 * tagged with the resource they are about; each list a conjunction of conditions — a state token
 * or an entity tag, each possibly negated with {@code Not}. The header holds when any list of any
 * production holds.
 *
 * <pre>
 * If = ( 1*No-tag-list | 1*Tagged-list )
 * No-tag-list = List ; Tagged-list = Resource-Tag 1*List
 * List = "(" 1*Condition ")" ; Condition = ["Not"] (State-token | "[" entity-tag "]")
 * </pre>
 */
final class IfHeader {

    /** A state token (lock token) or an entity tag condition; exactly one of them is set. */
    record Condition(boolean not, String stateToken, String etag) {
    }

    /** Lists about one resource; {@code tag} is null for the request URI. */
    record Production(String tag, List<List<Condition>> lists) {
    }

    /** What the evaluation needs to know about a resource. */
    interface ResourceState {
        /** The current entity tag, or null when the resource has none or does not exist. */
        String etag();

        /** Whether {@code token} is the token of a lock that covers the resource. */
        boolean hasLockToken(String token);
    }

    /** Looks up the state of the resource a production is about (tag null: the request URI). */
    interface Resolver {
        ResourceState stateOf(String tag);
    }

    private final List<Production> productions;

    private IfHeader(List<Production> productions) {
        this.productions = productions;
    }

    List<Production> productions() {
        return productions;
    }

    /**
     * Lock tokens the request submits: every state token the header names without {@code Not}.
     * It is the token that opens a lock, so a token written anywhere in the header counts.
     */
    Set<String> submittedTokens() {
        Set<String> tokens = new LinkedHashSet<>();
        for (Production p : productions) {
            for (List<Condition> list : p.lists) {
                for (Condition condition : list) {
                    if (condition.stateToken() != null && !condition.not()) {
                        tokens.add(condition.stateToken());
                    }
                }
            }
        }
        return tokens;
    }

    boolean evaluate(Resolver resolver) {
        for (Production production : productions) {
            ResourceState state = resolver.stateOf(production.tag());
            for (List<Condition> list : production.lists()) {
                if (holds(list, state)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean holds(List<Condition> list, ResourceState state) {
        for (Condition c : list) {
            boolean matches = c.stateToken() != null
                    ? state.hasLockToken(c.stateToken())
                    : state.etag() != null && opaque(state.etag()).equals(opaque(c.etag()));
            if (matches == c.not()) {
                return false;
            }
        }
        return true;
    }

    private static String opaque(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }

    /** @throws DavException 400 when the header does not follow the grammar */
    static IfHeader parse(String header) throws DavException {
        return parse(header, false);
    }

    /**
     * As {@link #parse(String)}, but with {@code bareToken} a header that is nothing but one state
     * token, {@code opaquelocktoken:…} or {@code <opaquelocktoken:…>}, reads as {@code (<token>)}
     * about the request URI. The npm webdav library refreshes locks that way; the caller allows it
     * where it cannot mean anything else (a LOCK refresh), every other request stays strict.
     *
     * @throws DavException 400 when the header does not follow the grammar
     */
    static IfHeader parse(String header, boolean bareToken) throws DavException {
        String token = bareToken ? bareStateToken(header) : null;
        if (token != null) {
            return new IfHeader(List.of(new Production(null, List.of(List.of(new Condition(false, token, null))))));
        }
        Parser p = new Parser(header);
        List<Production> productions = new ArrayList<>();
        Boolean tagged = null;
        p.skipSpace();
        while (!p.atEnd()) {
            String tag = null;
            if (p.peek() == '<') {
                tag = p.codedUrl();
                p.skipSpace();
            }
            if (tagged != null && tagged != (tag != null)) {
                throw bad(header, "mixes tagged and untagged lists");
            }
            tagged = tag != null;
            List<List<Condition>> lists = new ArrayList<>();
            while (!p.atEnd() && p.peek() == '(') {
                lists.add(p.list());
                p.skipSpace();
                if (!tagged) {
                    break;
                }
            }
            if (lists.isEmpty()) {
                throw bad(header, "expected a list in parentheses");
            }
            productions.add(new Production(tag, lists));
            p.skipSpace();
        }
        if (productions.isEmpty()) {
            throw bad(header, "is empty");
        }
        return new IfHeader(List.copyOf(productions));
    }

    /** The token when {@code header} is one state token, bare or in angle brackets; else null. */
    static String bareStateToken(String header) {
        String value = header.trim();
        String token = value.startsWith("<") && value.endsWith(">") ? value.substring(1, value.length() - 1).trim() : value;
        boolean stateToken = token.regionMatches(true, 0, "opaquelocktoken:", 0, 16)
                || token.regionMatches(true, 0, "urn:uuid:", 0, 9);
        for (int i = 0; i < token.length() && stateToken; i++) {
            char c = token.charAt(i);
            stateToken = c > ' ' && c != '<' && c != '>' && c != '(' && c != ')' && c != '[' && c != ']';
        }
        return stateToken ? token : null;
    }

    private static DavException bad(String header, String why) {
        return new DavException(400, "If header " + why + ": " + header);
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        char peek() {
            return s.charAt(i);
        }

        void skipSpace() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\r' || s.charAt(i) == '\n')) {
                i++;
            }
        }

        String codedUrl() throws DavException {
            int end = s.indexOf('>', i + 1);
            if (end < 0) {
                throw bad(s, "has an unterminated <...>");
            }
            String url = s.substring(i + 1, end).trim();
            i = end + 1;
            if (url.isEmpty()) {
                throw bad(s, "has an empty <>");
            }
            return url;
        }

        List<Condition> list() throws DavException {
            i++; // '('
            List<Condition> conditions = new ArrayList<>();
            while (true) {
                skipSpace();
                if (atEnd()) {
                    throw bad(s, "has an unterminated list");
                }
                if (peek() == ')') {
                    i++;
                    break;
                }
                boolean not = false;
                if (s.regionMatches(true, i, "Not", 0, 3)) {
                    not = true;
                    i += 3;
                    skipSpace();
                    if (atEnd()) {
                        throw bad(s, "ends after Not");
                    }
                }
                if (peek() == '<') {
                    conditions.add(new Condition(not, codedUrl(), null));
                } else if (peek() == '[') {
                    conditions.add(new Condition(not, null, entityTag()));
                } else {
                    throw bad(s, "has an unexpected '" + peek() + "'");
                }
            }
            if (conditions.isEmpty()) {
                throw bad(s, "has an empty list");
            }
            return conditions;
        }

        private String entityTag() throws DavException {
            i++; // '['
            int start = i;
            if (s.startsWith("W/", i)) {
                i += 2;
            }
            if (atEnd() || peek() != '"') {
                throw bad(s, "has an entity tag that is not a quoted string");
            }
            int close = s.indexOf('"', i + 1);
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ']') {
                throw bad(s, "has an unterminated entity tag");
            }
            String tag = s.substring(start, close + 1);
            i = close + 2;
            return tag;
        }
    }
}
