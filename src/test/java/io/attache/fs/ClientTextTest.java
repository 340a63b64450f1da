package io.attache.fs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            plain name                 | alice                      | alice
            path with spaces           | /a b/ü.txt                 | /a b/ü.txt
            a forged line              | "x\\nFAKE from 6.6.6.6"    | "x\\\\nFAKE from 6.6.6.6"
            carriage return and tab    | "a\\r\\tb"                 | "a\\\\r\\\\tb"
            backslash stays unambiguous| "C:\\\\dir"                | "C:\\\\\\\\dir"
            """)
    void escapesWhatBreaksALine(String what, String input, String expected) {
        assertEquals(unescapeJava(expected), ClientText.escape(unescapeJava(input)), what);
    }

    @Test
    void controlsSeparatorsAndBidiOverridesBecomeCodes() {
        assertEquals("a\\u0000b\\u001bc\\u007fd\\u0085e", ClientText.escape("a\0b\u001bc\u007fd\u0085e"));
        assertEquals("x\\u2028y\\u2029z", ClientText.escape("x\u2028y\u2029z"));
        assertEquals("evil\\u202etxt.exe", ClientText.escape("evil\u202etxt.exe"));
    }

    @Test
    void longValuesAreCut() {
        String escaped = ClientText.escape("a".repeat(1000));
        assertTrue(escaped.startsWith("a".repeat(ClientText.MAX_LENGTH) + "…("), escaped);
        assertTrue(escaped.endsWith("744 more)"), escaped);
    }

    @Test
    void nullIsWrittenAsNull() {
        assertEquals("null", ClientText.escape(null));
    }

    /** The table writes \n, \r, \t and \\ as in Java source. */
    private static String unescapeJava(String s) {
        return s.replace("\\\\", "\u0001").replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t").replace("\u0001", "\\");
    }
}
