package io.attache.store.discord.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator's JSON, as Discord's servers see it: documents read strictly into maps and lists
 * (integers as {@link Long}), maps written back out. Jackson does the reading and writing.
 */
final class EmulatorJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private EmulatorJson() {
    }

    /** Malformed JSON, or a value of an unexpected shape. */
    static final class JsonException extends RuntimeException {
        JsonException(String message) {
            super(message);
        }
    }

    static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new JsonException("malformed JSON: " + e.getOriginalMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static List<Object> asArray(Object value, String what) {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new JsonException(what + " is not an array");
    }

    static Map<String, Object> parseObject(String text) {
        try {
            Map<String, Object> map = MAPPER.readValue(text, OBJECT);
            if (map == null) {
                throw new JsonException("document is not an object");
            }
            return map;
        } catch (JsonProcessingException e) {
            throw new JsonException("malformed JSON: " + e.getOriginalMessage());
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new JsonException("cannot write " + value.getClass().getName());
        }
    }

    /** A map literal with keys in the given order: {@code obj("a", 1, "b", "x")}. */
    static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asObject(Object value, String what) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new JsonException(what + " is not an object");
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(Map<String, Object> object, String key) {
        if (object.get(key) instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new JsonException("\"" + key + "\" is missing or not an array");
    }

    static List<Object> optArray(Map<String, Object> object, String key) {
        return object.get(key) == null ? List.of() : array(object, key);
    }

    static String string(Map<String, Object> object, String key) {
        if (object.get(key) instanceof String s) {
            return s;
        }
        throw new JsonException("\"" + key + "\" is missing or not a string");
    }

    static String optString(Map<String, Object> object, String key) {
        Object value = object.get(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new JsonException("\"" + key + "\" is not a string");
    }

    static long longValue(Map<String, Object> object, String key) {
        if (object.get(key) instanceof Long l) {
            return l;
        }
        throw new JsonException("\"" + key + "\" is missing or not an integer");
    }

    static double number(Map<String, Object> object, String key, double fallback) {
        Object value = object.get(key);
        return value instanceof Number n ? n.doubleValue() : fallback;
    }
}
