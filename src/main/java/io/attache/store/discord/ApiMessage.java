package io.attache.store.discord;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The fields of a Discord message the store uses.
 *
 * @param webhookId null unless a webhook posted it
 */
record ApiMessage(String id, String channelId, String authorId, String webhookId, List<ApiAttachment> attachments) {

    /** One attachment; {@code url} is signed and expires. */
    record ApiAttachment(@JsonProperty(value = "id", required = true) String id,
                         @JsonProperty(value = "filename", required = true) String filename,
                         @JsonProperty(value = "size", required = true) long size,
                         @JsonProperty(value = "url", required = true) String url) {
    }

    record Author(@JsonProperty("id") String id) {
    }

    @JsonCreator
    static ApiMessage of(@JsonProperty(value = "id", required = true) String id,
                         @JsonProperty(value = "channel_id", required = true) String channelId,
                         @JsonProperty("author") Author author,
                         @JsonProperty("webhook_id") String webhookId,
                         @JsonProperty("attachments") List<ApiAttachment> attachments) {
        if (!Snowflake.isValid(id)) {
            throw new IllegalArgumentException("message id is not a snowflake: " + id);
        }
        if (channelId == null) {
            throw new IllegalArgumentException("message " + id + " names no channel");
        }
        return new ApiMessage(id, channelId, author == null ? null : author.id(), webhookId,
                attachments == null ? List.of() : List.copyOf(attachments));
    }

    /** @throws DiscordJson.MalformedJson when {@code json} is not a message */
    static ApiMessage from(JsonNode json) {
        return DiscordJson.read(json, ApiMessage.class);
    }

    ApiAttachment named(String filename) {
        return attachments.stream().filter(a -> a.filename().equals(filename)).findFirst().orElse(null);
    }

    ApiAttachment withId(String attachmentId) {
        return attachments.stream().filter(a -> a.id().equals(attachmentId)).findFirst().orElse(null);
    }
}
