package io.attache.store.discord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fields of a Discord message the store uses.
 *
 * @param webhookId null unless a webhook posted it
 */
record ApiMessage(String id, String channelId, String authorId, String webhookId, List<ApiAttachment> attachments) {

    /** One attachment; {@code url} is signed and expires. */
    record ApiAttachment(String id, String filename, long size, String url) {
    }

    static ApiMessage from(Object json) {
        Map<String, Object> m = Json.asObject(json, "message");
        Map<String, Object> author = m.get("author") == null ? Map.of() : Json.asObject(m.get("author"), "author");
        List<ApiAttachment> attachments = new ArrayList<>();
        for (Object item : Json.optArray(m, "attachments")) {
            Map<String, Object> a = Json.asObject(item, "attachment");
            attachments.add(new ApiAttachment(Json.string(a, "id"), Json.string(a, "filename"),
                    Json.longValue(a, "size"), Json.string(a, "url")));
        }
        String id = Json.string(m, "id");
        if (!Snowflake.isValid(id)) {
            throw new Json.JsonException("message id is not a snowflake: " + id);
        }
        return new ApiMessage(id, Json.string(m, "channel_id"), Json.optString(author, "id"),
                Json.optString(m, "webhook_id"), List.copyOf(attachments));
    }

    ApiAttachment named(String filename) {
        return attachments.stream().filter(a -> a.filename().equals(filename)).findFirst().orElse(null);
    }

    ApiAttachment withId(String attachmentId) {
        return attachments.stream().filter(a -> a.id().equals(attachmentId)).findFirst().orElse(null);
    }
}
