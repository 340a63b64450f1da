package io.attache.store.discord;

import io.attache.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deletes chunk messages. Single deletes go through the webhook route for webhook messages (no
 * permission needed) and the channel route otherwise. {@link #deleteAll} deletes messages younger
 * than 14 days in bulk, 2 to 100 per request, where the token may (MANAGE_MESSAGES); a refusal is
 * remembered per token and channel and the rest go one by one. A message that is already gone
 * counts as deleted.
 */
final class Deleter {

    private static final Logger LOG = LoggerFactory.getLogger(Deleter.class);
    private static final int BULK_MAX = 100;

    private final StoreContext ctx;
    private final Set<String> bulkRefused = ConcurrentHashMap.newKeySet();

    Deleter(StoreContext ctx) {
        this.ctx = ctx;
    }

    void delete(DiscordLocator loc) throws StoreException {
        ctx.urls().remove(loc.attachmentId());
        if (loc.viaWebhook() && deleteThroughWebhook(loc)) {
            return;
        }
        if (ctx.lanes().channelGone(loc.channelId())) {
            return;
        }
        Lanes.Token token = ctx.lanes().tokenFor(loc.channelId());
        if (token == null) {
            throw new StoreException.Permanent("cannot delete " + loc.toLocator() + ": no usable credential for"
                    + " channel " + loc.channelId() + " (" + ctx.lanes().describeRetired() + ")");
        }
        boolean old = !ctx.youngerThanBulkLimit(loc.messageId());
        DiscordApi.Answer answer = ctx.api().call(Route.deleteMessage(loc.channelId(), loc.messageId(), old),
                token, null, null);
        if (answer.ok() || answer.status() == 404 && (answer.code() == 10008 || answer.code() == 10003)) {
            return;
        }
        if (answer.status() == 401) {
            throw ctx.laneLost("deleting " + loc.toLocator() + " with " + token + " was refused");
        }
        throw new StoreException.Permanent("deleting message " + loc.messageId() + " in channel " + loc.channelId()
                + " was refused: " + answer.describe() + (answer.status() == 403
                ? " (a bot needs MANAGE_MESSAGES to delete webhook messages)" : ""));
    }

    /** True when done; false when the webhook is gone and a bot token must delete instead. */
    private boolean deleteThroughWebhook(DiscordLocator loc) throws StoreException {
        Lanes.Lane lane = ctx.lanes().webhookLane(loc.webhookId());
        if (lane == null || lane.retired) {
            return false;
        }
        DiscordApi.Answer answer = ctx.api().send(Route.deleteWebhookMessage(lane.webhook, loc.messageId()), null,
                null, null, HttpRequest.BodyPublishers.noBody(), null);
        if (answer.ok() || answer.status() == 404 && answer.code() == 10008) {
            return true;
        }
        if (answer.status() == 401 || answer.status() == 404) {
            return false;
        }
        throw new StoreException.Permanent("deleting message " + loc.messageId() + " through " + lane.webhook
                + " was refused: " + answer.describe());
    }

    void deleteAll(Collection<DiscordLocator> locators) throws StoreException {
        Map<String, Map<String, DiscordLocator>> byChannel = new LinkedHashMap<>();
        for (DiscordLocator loc : locators) {
            byChannel.computeIfAbsent(loc.channelId(), c -> new LinkedHashMap<>()).putIfAbsent(loc.messageId(), loc);
        }
        StoreException first = null;
        for (Map.Entry<String, Map<String, DiscordLocator>> channel : byChannel.entrySet()) {
            List<DiscordLocator> left = bulkDelete(channel.getKey(), new ArrayList<>(channel.getValue().values()));
            for (DiscordLocator loc : left) {
                try {
                    delete(loc);
                } catch (StoreException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Deletes what it can in bulk and returns the rest, for single deletes. */
    private List<DiscordLocator> bulkDelete(String channel, List<DiscordLocator> all) throws StoreException {
        Lanes.Token token = ctx.lanes().tokenFor(channel);
        List<DiscordLocator> young = new ArrayList<>();
        List<DiscordLocator> rest = new ArrayList<>();
        for (DiscordLocator loc : all) {
            (ctx.youngerThanBulkLimit(loc.messageId()) ? young : rest).add(loc);
        }
        if (token == null || young.size() < 2) {
            return all;
        }
        for (int from = 0; from < young.size(); from += BULK_MAX) {
            List<DiscordLocator> batch = young.subList(from, Math.min(young.size(), from + BULK_MAX));
            if (batch.size() < 2 || bulkRefused.contains(token.index + "/" + channel)) {
                rest.addAll(batch);
                continue;
            }
            DiscordApi.Answer answer = ctx.api().call(Route.bulkDelete(channel), token, null,
                    new DiscordJson.MessageIds(batch.stream().map(DiscordLocator::messageId).toList()));
            if (answer.ok() || answer.status() == 404 && answer.code() == 10003) {
                batch.forEach(loc -> ctx.urls().remove(loc.attachmentId()));
                continue;
            }
            if (answer.status() == 403 && bulkRefused.add(token.index + "/" + channel)) {
                LOG.info("{} may not bulk-delete in channel {} ({}): deleting one message at a time there", token,
                        channel, answer.describe());
            }
            rest.addAll(batch);
        }
        return rest;
    }
}
