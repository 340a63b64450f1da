package io.attache.store.discord;

import io.attache.store.StoreException;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a working CDN URL for an attachment and reads from it. URLs come from the cache while
 * they have more than the margin left; a stale one is refreshed through
 * {@code POST /attachments/refresh-urls} together with up to 49 others that are about to go stale;
 * an unknown one (or one the CDN refuses) is signed anew by reading the message, through the
 * webhook route for webhook messages, since a bot without the MESSAGE_CONTENT intent sees no
 * attachments on them.
 */
final class AttachmentReader {

    private static final int REFRESH_BATCH = 50;
    /** A URL is handed to a read only if it works for at least this long. */
    private static final long MIN_LIFETIME_MILLIS = 30_000;

    private final StoreContext ctx;

    AttachmentReader(StoreContext ctx) {
        this.ctx = ctx;
    }

    InputStream open(DiscordLocator loc, long offset, long length) throws StoreException {
        String what = loc.toLocator().value();
        UrlCache.Entry entry = resolve(loc);
        try {
            return ctx.cdn().open(entry.url(), offset, length, loc.size(), loc.crc32c(), what);
        } catch (CdnReader.StaleUrl stale) {
            ctx.urls().remove(loc.attachmentId());
            UrlCache.Entry fresh = fetch(loc);
            try {
                return ctx.cdn().open(fresh.url(), offset, length, loc.size(), loc.crc32c(), what);
            } catch (CdnReader.StaleUrl again) {
                throw new StoreException.Retryable("the CDN refused a freshly signed URL for " + what + " ("
                        + again.getMessage() + ")");
            }
        }
    }

    UrlCache.Entry resolve(DiscordLocator loc) throws StoreException {
        UrlCache.Entry entry = ctx.urls().fresh(loc.attachmentId());
        if (entry != null) {
            return entry;
        }
        if (ctx.urls().get(loc.attachmentId()) != null && ctx.lanes().anyToken() != null) {
            try {
                refresh(loc.attachmentId());
            } catch (StoreException.Retryable e) {
                // Re-reading the message below signs a URL as well, through another bucket.
            }
            // A URL fresh from Discord is used even if its lifetime is shorter than the margin.
            entry = ctx.urls().valid(loc.attachmentId(), MIN_LIFETIME_MILLIS);
            if (entry != null) {
                return entry;
            }
        }
        return fetch(loc);
    }

    /** Refreshes the URL of {@code attachmentId} and of others about to go stale, in one call. */
    void refresh(String attachmentId) throws StoreException {
        Lanes.Token token = ctx.lanes().anyToken();
        if (token == null) {
            return;
        }
        Map<String, UrlCache.Entry> batch = ctx.urls().refreshBatch(attachmentId, REFRESH_BATCH);
        Map<String, String> idByUrl = new HashMap<>();
        batch.forEach((id, e) -> idByUrl.put(e.url().toString(), id));
        DiscordApi.Answer answer = ctx.api().call(Route.refreshUrls(), token, null,
                new DiscordJson.UrlBatch(List.copyOf(idByUrl.keySet())));
        if (!answer.ok()) {
            return;
        }
        try {
            for (DiscordJson.Refreshed pair : answer.read(DiscordJson.RefreshedUrls.class).refreshedUrls()) {
                String id = idByUrl.get(pair.original());
                if (id != null) {
                    ctx.urls().put(id, pair.refreshed(), batch.get(id).size());
                }
            }
        } catch (DiscordJson.MalformedJson e) {
            throw new StoreException.Retryable("malformed refresh-urls answer: " + e.getMessage(), e);
        }
    }

    /** Reads the message to learn that the attachment still exists and to sign a URL for it. */
    UrlCache.Entry fetch(DiscordLocator loc) throws StoreException {
        ApiMessage message = loc.viaWebhook() ? viaWebhook(loc) : null;
        if (message == null) {
            message = viaBots(loc);
        }
        ApiMessage.ApiAttachment attachment = message.withId(loc.attachmentId());
        if (attachment == null) {
            throw new StoreException.NotFound("message " + loc.messageId() + " no longer holds attachment "
                    + loc.attachmentId());
        }
        if (attachment.size() != loc.size()) {
            throw new StoreException.Permanent("attachment " + loc.attachmentId() + " has " + attachment.size()
                    + " bytes, its locator says " + loc.size());
        }
        ctx.urls().put(attachment.id(), attachment.url(), attachment.size());
        try {
            URI url = URI.create(attachment.url());
            return new UrlCache.Entry(url, UrlCache.expiryMillis(url), attachment.size());
        } catch (IllegalArgumentException e) {
            throw new StoreException.Retryable("Discord sent a malformed attachment URL for " + loc.toLocator(), e);
        }
    }

    /**
     * The message as a bot token sees it. Every chunk message has an attachment, so an empty list
     * means this token may not see it (no MESSAGE_CONTENT intent, and another bot or a webhook
     * posted it), never that the chunk is gone: the channel's other tokens try, the author may be
     * among them.
     */
    private ApiMessage viaBots(DiscordLocator loc) throws StoreException {
        if (ctx.lanes().channelGone(loc.channelId())) {
            throw new StoreException.NotFound("channel " + loc.channelId() + " no longer exists");
        }
        for (Lanes.Token token : ctx.lanes().tokensFor(loc.channelId())) {
            ApiMessage message = viaBot(loc, token);
            if (message != null && !message.attachments().isEmpty()) {
                return message;
            }
        }
        if (ctx.lanes().tokenFor(loc.channelId()) == null) {
            throw new StoreException.Permanent("cannot read " + loc.toLocator() + ": no usable credential for channel "
                    + loc.channelId() + " (" + ctx.lanes().describeRetired() + ")");
        }
        throw new StoreException.Permanent("cannot see the attachment of message " + loc.messageId() + " in channel "
                + loc.channelId() + ": no usable token posted it" + (loc.viaWebhook() ? " (its webhook is gone)" : "")
                + " and the others lack the MESSAGE_CONTENT intent");
    }

    /** The message through its webhook, or null when the webhook is gone and a bot must try. */
    private ApiMessage viaWebhook(DiscordLocator loc) throws StoreException {
        Lanes.Lane lane = ctx.lanes().webhookLane(loc.webhookId());
        if (lane == null || lane.retired) {
            return null;
        }
        DiscordApi.Answer answer = ctx.api().send(Route.getWebhookMessage(lane.webhook, loc.messageId()), null,
                null, null, HttpRequest.BodyPublishers.noBody(), null);
        if (answer.ok()) {
            return parse(answer, loc);
        }
        if (answer.status() == 404 && answer.code() == 10008) {
            throw new StoreException.NotFound("message " + loc.messageId() + " of " + lane.webhook + " does not exist");
        }
        if (answer.status() == 401 || answer.status() == 404) {
            return null;
        }
        throw new StoreException.Retryable("reading message " + loc.messageId() + " through " + lane.webhook
                + " failed: " + answer.describe());
    }

    /** The message as this token sees it, or null when the token was refused and another may try. */
    private ApiMessage viaBot(DiscordLocator loc, Lanes.Token token) throws StoreException {
        if (ctx.lanes().channelGone(loc.channelId())) {
            throw new StoreException.NotFound("channel " + loc.channelId() + " no longer exists");
        }
        DiscordApi.Answer answer = ctx.api().call(Route.getMessage(loc.channelId(), loc.messageId()), token, null, null);
        if (answer.ok()) {
            return parse(answer, loc);
        }
        if (answer.status() == 404 && (answer.code() == 10008 || answer.code() == 10003)) {
            throw new StoreException.NotFound("message " + loc.messageId() + " in channel " + loc.channelId()
                    + " does not exist (" + answer.code() + ")");
        }
        if (answer.status() == 403) {
            ctx.lanes().accessDenied(token, loc.channelId(), 403, answer.code());
        }
        if (answer.status() == 401 || answer.status() == 403) {
            return null;
        }
        throw new StoreException.Permanent("reading message " + loc.messageId() + " failed: " + answer.describe());
    }

    private static ApiMessage parse(DiscordApi.Answer answer, DiscordLocator loc) throws StoreException {
        try {
            return ApiMessage.from(answer.json());
        } catch (DiscordJson.MalformedJson e) {
            throw new StoreException.Retryable("malformed message for " + loc.toLocator() + ": " + e.getMessage(), e);
        }
    }
}
