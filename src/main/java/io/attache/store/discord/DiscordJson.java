package io.attache.store.discord;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.List;

/**
 * Jackson, set up for Discord's payloads: strict about the syntax (no duplicate keys, nothing after
 * the document), lenient about fields the store does not use. Requests are written from the
 * records below; answers are read into records next to the code that uses them.
 */
final class DiscordJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private DiscordJson() {
    }

    /** Malformed JSON, or a document of an unexpected shape. */
    static final class MalformedJson extends RuntimeException {
        MalformedJson(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The document, or null for JSON's {@code null}. */
    static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node == null || node.isNull() || node.isMissingNode() ? null : node;
        } catch (JsonProcessingException e) {
            throw new MalformedJson("malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    static <T> T read(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(require(node, type.getSimpleName()), type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedJson("unexpected " + type.getSimpleName() + ": " + message(e), e);
        }
    }

    static <T> T read(JsonNode node, TypeReference<T> type) {
        try {
            return MAPPER.readValue(MAPPER.treeAsTokens(require(node, "answer")), type);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new MalformedJson("unexpected answer: " + message(e), e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static JsonNode require(JsonNode node, String what) {
        if (node == null) {
            throw new MalformedJson("no " + what + " in the answer", null);
        }
        return node;
    }

    private static String message(Exception e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    // ---- requests ----------------------------------------------------------------------------

    /** The {@code payload_json} of a message with one attachment, {@code files[0]}. */
    record MessagePayload(String content, String nonce, @JsonProperty("enforce_nonce") Boolean enforceNonce,
                          List<AttachmentSlot> attachments) {

        /** A bot upload that Discord deduplicates by nonce. */
        static MessagePayload withNonce(String nonce, String filename) {
            return new MessagePayload("", nonce, true, List.of(new AttachmentSlot(0, filename)));
        }

        /** A bot message without a nonce. */
        static MessagePayload of(String filename) {
            return new MessagePayload("", null, null, List.of(new AttachmentSlot(0, filename)));
        }

        /** A webhook execution: nonces do not apply. */
        static MessagePayload webhook(String filename) {
            return new MessagePayload(null, null, null, List.of(new AttachmentSlot(0, filename)));
        }
    }

    record AttachmentSlot(int id, String filename) {
    }

    /** {@code POST /channels/{c}/messages/bulk-delete}. */
    record MessageIds(List<String> messages) {
    }

    /** {@code POST /attachments/refresh-urls}. */
    record UrlBatch(@JsonProperty("attachment_urls") List<String> attachmentUrls) {
    }

    // ---- answers -----------------------------------------------------------------------------

    /** Anything with an id: {@code GET /users/@me}. */
    record Identified(@JsonProperty(value = "id", required = true) String id) {
    }

    /** {@code GET /webhooks/{id}/{token}}. */
    record WebhookInfo(@JsonProperty(value = "channel_id", required = true) String channelId) {
    }

    /** The answer to refresh-urls. */
    record RefreshedUrls(@JsonProperty("refreshed_urls") List<Refreshed> refreshedUrls) {
        RefreshedUrls {
            refreshedUrls = refreshedUrls == null ? List.of() : refreshedUrls;
        }
    }

    record Refreshed(@JsonProperty(value = "original", required = true) String original,
                     @JsonProperty(value = "refreshed", required = true) String refreshed) {
    }

    /** A page of {@code GET /channels/{c}/messages/pins}. */
    record Pins(List<Pin> items, @JsonProperty("has_more") boolean hasMore) {
        Pins {
            items = items == null ? List.of() : items;
        }
    }

    record Pin(@JsonProperty(value = "message", required = true) ApiMessage message,
               @JsonProperty(value = "pinned_at", required = true) String pinnedAt) {
    }

    static final TypeReference<List<ApiMessage>> MESSAGES = new TypeReference<>() {
    };
}
