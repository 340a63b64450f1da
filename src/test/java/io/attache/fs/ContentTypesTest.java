package io.attache.fs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ContentTypesTest {

    @ParameterizedTest(name = "{0} active: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            text/html                        | true
            TEXT/HTML; charset=utf-8         | true
            application/xhtml+xml            | true
            image/svg+xml                    | true
            text/xml                         | true
            application/xml                  | true
            application/rss+xml              | true
            application/javascript           | true
            text/javascript                  | true
            application/pdf                  | true
            multipart/x-mixed-replace        | true
            text/plain                       | false
            text/plain; charset=utf-8        | false
            image/png                        | false
            video/mp4                        | false
            application/json                 | false
            application/octet-stream         | false
            text/css                         | false
            """)
    void activeTypesCanRunScript(String type, boolean active) {
        assertEquals(active, ContentTypes.isActive(type));
    }

    @ParameterizedTest(name = "client says {0}: stored {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            text/plain                 | text/plain
            video/mp4                  | video/mp4
            text/html                  | -
            image/svg+xml              | -
            application/xml            | -
            application/pdf            | -
            application/octet-stream   | -
            ISO-8859-1                 | -
            -                          | -
            """)
    void theClientsTypeIsKeptOnlyWhenHarmless(String requested, String stored) {
        assertEquals(stored, ContentTypes.fromRequest(requested));
    }

    @ParameterizedTest(name = "{0} stored as {1}: served as {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            notes.txt    | -          | text/plain
            page.html    | -          | text/html
            drawing.svg  | -          | image/svg+xml
            movie.mp4    | -          | video/mp4
            notes.txt    | text/csv   | text/csv
            noextension  | -          | application/octet-stream
            """)
    void servedTypes(String name, String stored, String served) {
        assertEquals(served, ContentTypes.of(stored, name));
    }
}
