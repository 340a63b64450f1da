package io.attache.store.discord;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {

    @Test
    void readsADiscordMessage() {
        String text = """
                {"id": "1299999999999999999", "channel_id": "42", "content": "",
                 "attachments": [{"id": "7", "filename": "ab-cd", "size": 10485760,
                                  "url": "https://cdn.example/a?ex=1&is=2&hm=3"}],
                 "webhook_id": null, "pinned": false, "retry_after": 0.25}
                """;
        Map<String, Object> message = Json.parseObject(text);
        assertEquals("1299999999999999999", Json.string(message, "id"));
        assertNull(Json.optString(message, "webhook_id"));
        assertEquals(Boolean.FALSE, message.get("pinned"));
        assertEquals(0.25, Json.number(message, "retry_after", -1));
        Map<String, Object> attachment = Json.asObject(Json.array(message, "attachments").get(0), "attachment");
        assertEquals(10_485_760L, Json.longValue(attachment, "size"));
        assertEquals(List.of("id", "channel_id", "content", "attachments", "webhook_id", "pinned", "retry_after"),
                List.copyOf(message.keySet()));
    }

    @Test
    void readsEscapesAndUnicode() {
        assertEquals("a\"b\\c/d\n\t\u00e9\uD83D\uDE00", Json.parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00\""));
        assertEquals("\u00e9\uD83D\uDE00", Json.parse("\"\u00e9\uD83D\uDE00\""));
    }

    @Test
    void readsNumbers() {
        assertEquals(0L, Json.parse("0"));
        assertEquals(-12L, Json.parse("-12"));
        assertEquals(1.5e3, Json.parse("1.5e3"));
        assertEquals(-0.125, Json.parse("-0.125"));
        assertEquals(9.223372036854776E19, Json.parse("92233720368547758070"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "-", "1.", ".5", "1e", "+1", "NaN",
            "tru", "nul", "\"abc", "\"a\u0001b\"", "\"\\x\"", "\"\\u12\"", "{\"a\":1,\"a\":2}", "[1] [2]",
            "// c\n1", "{'a':1}", "\"\\ud83d\"", "\"\\ude00x\"", "[1}", "{1:2}"})
    void refusesMalformedInput(String text) {
        assertThrows(Json.JsonException.class, () -> Json.parse(text), text);
    }

    @Test
    void refusesDeepNesting() {
        String deep = "[".repeat(100) + "]".repeat(100);
        assertThrows(Json.JsonException.class, () -> Json.parse(deep));
        String ok = "[".repeat(60) + "]".repeat(60);
        Json.parse(ok);
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> value = Json.obj(
                "nonce", "0123456789abcdef012345678",
                "enforce_nonce", true,
                "attachments", List.of(Json.obj("id", 0, "filename", "q\"uote\\\n\u0001")),
                "n", null,
                "x", 2.5,
                "big", 1_234_567_890_123L);
        String text = Json.write(value);
        assertEquals("{\"nonce\":\"0123456789abcdef012345678\",\"enforce_nonce\":true,"
                + "\"attachments\":[{\"id\":0,\"filename\":\"q\\\"uote\\\\\\n\\u0001\"}],"
                + "\"n\":null,\"x\":2.5,\"big\":1234567890123}", text);
        Map<String, Object> back = Json.parseObject(text);
        assertEquals("q\"uote\\\n\u0001", Json.string(Json.asObject(Json.array(back, "attachments").get(0), "a"), "filename"));
        assertEquals(1_234_567_890_123L, back.get("big"));
    }

    @Test
    void refusesToWriteWhatJsonCannotHold() {
        assertThrows(Json.JsonException.class, () -> Json.write(Double.NaN));
        assertThrows(Json.JsonException.class, () -> Json.write(new Object()));
        assertThrows(Json.JsonException.class, () -> Json.write(Map.of(1, 2)));
    }

    @Test
    void typedAccessorsNameTheKeyThatIsWrong() {
        Map<String, Object> object = Json.parseObject("{\"id\": 5, \"list\": {}}");
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.string(object, "id"));
        assertEquals("\"id\" is missing or not a string", e.getMessage());
        assertThrows(Json.JsonException.class, () -> Json.array(object, "list"));
        assertEquals(List.of(), Json.optArray(object, "absent"));
        assertEquals(Arrays.asList(1L, null), Json.parse("[1,null]"));
    }
}
