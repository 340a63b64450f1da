package io.attache.dav;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IfHeaderTest {

    static final String TOKEN = "opaquelocktoken:11111111-2222-3333-4444-555555555555";
    static final String ETAG = "\"abc123\"";

    /** The request URI holds TOKEN and has ETAG; /other has no lock and no entity tag. */
    static IfHeader.ResourceState state(String etag, Set<String> tokens) {
        return new IfHeader.ResourceState() {
            @Override
            public String etag() {
                return etag;
            }

            @Override
            public boolean hasLockToken(String token) {
                return tokens.contains(token);
            }
        };
    }

    static boolean evaluate(String header) throws DavException {
        Map<String, IfHeader.ResourceState> byTag = Map.of(
                "http://elsewhere:9/dav/file", state(ETAG, Set.of(TOKEN)),
                "/dav/other", state(null, Set.of()));
        IfHeader.ResourceState request = state(ETAG, Set.of(TOKEN));
        return IfHeader.parse(header).evaluate(tag -> tag == null ? request : byTag.getOrDefault(tag, state(null, Set.of())));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "(<" + TOKEN + ">)                                        | true",
            "(<opaquelocktoken:other>)                                | false",
            "(<DAV:no-lock>)                                          | false",
            "(Not <DAV:no-lock>)                                      | true",
            "(not <DAV:no-lock>)                                      | true",
            "([\"abc123\"])                                           | true",
            "([W/\"abc123\"])                                         | true",
            "([\"zzz\"])                                              | false",
            "(Not [\"zzz\"])                                          | true",
            "(<" + TOKEN + "> [\"abc123\"])                           | true",
            "(<" + TOKEN + "> [\"zzz\"])                              | false",
            "(<" + TOKEN + "x>) (Not <DAV:no-lock>)                   | true",
            "(<DAV:no-lock> [\"abc123\"])                             | false",
            "(<" + TOKEN + "> [\"abc124\"]) (Not <DAV:no-lock> [\"abc124\"]) | false",
            "<http://elsewhere:9/dav/file> (<" + TOKEN + ">)          | true",
            "<http://elsewhere:9/dav/file> (<x:y>) (<" + TOKEN + ">)  | true",
            "</dav/other> (<" + TOKEN + ">)                           | false",
            "</dav/other> (Not <" + TOKEN + ">)                       | true",
            "</dav/other> ([\"abc123\"]) <http://elsewhere:9/dav/file> ([\"abc123\"]) | true",
            "  (  <" + TOKEN + ">  )  ( [\"zzz\"] )                   | true",
    })
    void evaluation(String header, boolean expected) throws DavException {
        assertEquals(expected, evaluate(header));
    }

    @ParameterizedTest(name = "{0} is malformed")
    @ValueSource(strings = {"", "   ", "<" + TOKEN + ">", "(" + TOKEN + ")", "()", "(<a>", "(<a>) <http://x/> (<b>)",
            "<http://x/> (<a>) (<b>) (", "([abc])", "([\"abc\")", "(Not)", "(<>)", "garbage"})
    void malformedHeadersAreRefused(String header) {
        DavException e = assertThrows(DavException.class, () -> IfHeader.parse(header));
        assertEquals(400, e.status());
    }

    @ParameterizedTest(name = "bare {0} is (<token>) where allowed")
    @ValueSource(strings = {TOKEN, "<" + TOKEN + ">", "  " + TOKEN + "  ", "< " + TOKEN + " >",
            "urn:uuid:11111111-2222-3333-4444-555555555555", "OpaqueLockToken:abc"})
    void aBareStateTokenWhereAllowed(String header) throws DavException {
        IfHeader parsed = IfHeader.parse(header, true);
        assertEquals(1, parsed.productions().size());
        assertNull(parsed.productions().get(0).tag());
        String token = header.trim().replaceAll("^<\\s*|\\s*>$", "");
        assertEquals(Set.of(token), parsed.submittedTokens());
        assertEquals(List.of(List.of(new IfHeader.Condition(false, token, null))), parsed.productions().get(0).lists());
        assertThrows(DavException.class, () -> IfHeader.parse(header), "strict everywhere else");
    }

    @ParameterizedTest(name = "{0} stays malformed even where bare tokens are allowed")
    @ValueSource(strings = {"<http://host/dav/file>", "http://host/dav/file", "<" + TOKEN + "> <" + TOKEN + ">",
            TOKEN + " " + TOKEN, TOKEN + ")", "<" + TOKEN, "[\"abc\"]", "Not " + TOKEN, "opaquelocktoken", ""})
    void onlyOneStateTokenIsBare(String header) {
        assertThrows(DavException.class, () -> IfHeader.parse(header, true));
    }

    @Test
    void aWellFormedHeaderParsesTheSameWhereBareTokensAreAllowed() throws DavException {
        String header = "<http://h/p> (<" + TOKEN + "> [\"e\"]) (Not <a:2>)";
        assertEquals(IfHeader.parse(header).productions(), IfHeader.parse(header, true).productions());
    }

    @Test
    void submittedTokensAreThoseNamedWithoutNot() throws DavException {
        IfHeader header = IfHeader.parse("(<a:1> [\"e\"]) (Not <a:2>) (<a:3>)");
        assertEquals(Set.of("a:1", "a:3"), header.submittedTokens());
        IfHeader tagged = IfHeader.parse("<http://h/p> (<a:4>) (Not <a:5>) </q> (<a:6>)");
        assertEquals(Set.of("a:4", "a:6"), tagged.submittedTokens());
        assertEquals("http://h/p", tagged.productions().get(0).tag());
        assertNull(IfHeader.parse("(<a:7>)").productions().get(0).tag());
    }
}
