package io.attache.store.discord;

import io.attache.store.Locator;
import io.attache.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pages through the history of every channel the store writes to (configured channels and the
 * channels of its webhooks), newest first, and reports each chunk attachment posted by one of our
 * bots or webhooks, as the same locator {@code put} returned. Other messages, and pointer records,
 * are not chunks and are skipped. Needs a bot token: webhooks cannot read history.
 */
final class Lister {

    private static final Logger LOG = LoggerFactory.getLogger(Lister.class);
    private static final Pattern CHUNK_FILE = Pattern.compile("([0-9a-f]{16,64})-([0-9a-f]{8})");
    private static final int PAGE = 100;

    private final StoreContext ctx;
    private final BotIds botIds;

    Lister(StoreContext ctx, BotIds botIds) {
        this.ctx = ctx;
        this.botIds = botIds;
    }

    void list(Consumer<Locator> sink) throws StoreException {
        Set<String> ours = botIds.get();
        int hidden = 0;
        for (String channel : channels()) {
            Lanes.Token token = ctx.lanes().tokenFor(channel);
            if (token == null) {
                throw new StoreException.Permanent("cannot list channel " + channel + ": no bot token may read it ("
                        + ctx.lanes().describeRetired() + ")");
            }
            String before = null;
            while (true) {
                DiscordApi.Answer answer = ctx.api().call(Route.history(channel), token,
                        "?limit=" + PAGE + (before == null ? "" : "&before=" + before), null);
                if (!answer.ok()) {
                    throw new StoreException.Retryable("listing channel " + channel + " failed: " + answer.describe());
                }
                List<ApiMessage> page;
                try {
                    page = answer.messages();
                    for (ApiMessage m : page) {
                        before = before == null || Snowflake.compare(m.id(), before) < 0 ? m.id() : before;
                        hidden += report(m, ours, sink);
                    }
                } catch (DiscordJson.MalformedJson e) {
                    throw new StoreException.Retryable("malformed history of channel " + channel + ": " + e.getMessage(), e);
                }
                if (page.size() < PAGE) {
                    break;
                }
            }
        }
        if (hidden > 0) {
            LOG.info("{} webhook messages could not be listed: their webhook is gone and the bot cannot see"
                    + " their attachments", hidden);
        }
    }

    /** Reports the chunks of one message; returns 1 when it is ours but its attachments are hidden. */
    private int report(ApiMessage m, Set<String> ours, Consumer<Locator> sink) throws StoreException {
        boolean byBot = m.webhookId() == null && ours.contains(m.authorId());
        boolean byWebhook = ctx.lanes().isOurWebhook(m.webhookId());
        if (!byBot && !byWebhook) {
            return 0;
        }
        ApiMessage full = m;
        if (byWebhook && m.attachments().isEmpty()) {
            Lanes.Lane lane = ctx.lanes().webhookLane(m.webhookId());
            DiscordApi.Answer answer = lane.retired ? null : ctx.api().send(
                    Route.getWebhookMessage(lane.webhook, m.id()), null, null, null, HttpRequest.BodyPublishers.noBody(), null);
            if (answer == null || !answer.ok()) {
                return 1;
            }
            full = ApiMessage.from(answer.json());
        }
        for (ApiMessage.ApiAttachment a : full.attachments()) {
            Matcher chunk = CHUNK_FILE.matcher(a.filename());
            if (chunk.matches()) {
                sink.accept(new DiscordLocator(byWebhook ? m.webhookId() : null, m.channelId(), m.id(), a.id(), a.size(),
                        Integer.parseUnsignedInt(chunk.group(2), 16)).toLocator());
            }
        }
        return 0;
    }

    /** Configured channels, then the channels of live webhooks, each once. */
    private Set<String> channels() throws StoreException {
        Set<String> channels = new LinkedHashSet<>();
        for (String channel : ctx.lanes().channels()) {
            if (!ctx.lanes().channelGone(channel)) {
                channels.add(channel);
            }
        }
        for (Lanes.Lane lane : ctx.lanes().lanes()) {
            if (!lane.isWebhook() || lane.retired) {
                continue;
            }
            if (lane.webhookChannel == null) {
                DiscordApi.Answer answer = ctx.api().send(Route.getWebhook(lane.webhook), null, null, null,
                        HttpRequest.BodyPublishers.noBody(), null);
                if (!answer.ok()) {
                    continue;
                }
                try {
                    lane.webhookChannel = answer.read(DiscordJson.WebhookInfo.class).channelId();
                } catch (DiscordJson.MalformedJson e) {
                    throw new StoreException.Retryable("malformed answer for " + lane.webhook + ": " + e.getMessage(), e);
                }
            }
            if (!ctx.lanes().channelGone(lane.webhookChannel)) {
                channels.add(lane.webhookChannel);
            }
        }
        return channels;
    }
}
