package io.attache.store.discord;

import io.attache.store.Locator;
import io.attache.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * Uploads one chunk as the single attachment of a new message, through the next lane.
 *
 * <p>Idempotence: a bot upload carries {@code nonce} (the chunk name's first 25 characters) and
 * {@code enforce_nonce}, so a retry into the same channel within Discord's nonce window returns
 * the message already created instead of a second one. After an ambiguous failure (5xx, timeout,
 * lost connection) the chunk's lane is remembered for {@code nonceWindow}, so that the retry goes
 * to the same channel. Webhooks have no nonce: when a webhook upload succeeds after an ambiguous
 * attempt, the store looks through the channel's recent messages with a bot token and deletes the
 * duplicate; when it cannot, it logs the duplicate's whereabouts and {@code list()} reports it.
 */
final class Uploader {

    private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
    private static final int NONCE_LENGTH = 25;

    /** A chunk whose last attempt ended ambiguously: its lane, and when the first attempt started. */
    private record Pending(Lanes.Lane lane, long sinceMillis) {
    }

    /** A lane and, when it was free, the rate-limit ticket already taken for it. */
    private record Choice(Lanes.Lane lane, Lanes.Token token, RateLimiter.Ticket ticket) {
    }

    private final StoreContext ctx;
    private final RateLimiter limiter;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    Uploader(StoreContext ctx, RateLimiter limiter) {
        this.ctx = ctx;
        this.limiter = limiter;
    }

    Locator put(String name, byte[] data, int offset, int length) throws StoreException {
        CRC32C crc32c = new CRC32C();
        crc32c.update(data, offset, length);
        int crc = (int) crc32c.getValue();
        String filename = name + "-" + DiscordLocator.crcHex(crc);
        long now = ctx.clock().millis();
        Pending earlier = pending.get(name);
        if (earlier != null && (now - earlier.sinceMillis() > ctx.config().nonceWindow().toMillis()
                || !ctx.lanes().usable(earlier.lane()))) {
            earlier = null;
        }
        Choice choice = earlier != null ? new Choice(earlier.lane(), tokenOf(earlier.lane()), null) : choose(name);
        if (choice == null) {
            throw new StoreException.Permanent("cannot upload " + name + ": " + ctx.lanes().describeUnusable());
        }
        Lanes.Lane lane = choice.lane();
        ApiMessage message;
        try {
            message = lane.isWebhook() ? execute(choice, filename, data, offset, length)
                    : post(choice, name, filename, data, offset, length);
        } catch (DiscordApi.Ambiguous e) {
            pending.put(name, new Pending(lane, earlier != null ? earlier.sinceMillis() : now));
            prune(now);
            throw e;
        } catch (StoreException e) {
            pending.remove(name);
            throw e;
        } catch (RuntimeException e) {
            if (choice.ticket() != null) {
                limiter.abandon(choice.ticket());
            }
            throw e;
        }
        pending.remove(name);
        ApiMessage.ApiAttachment attachment = attachmentOf(lane, message, filename, length);
        if (earlier != null && lane.isWebhook()) {
            removeWebhookDuplicates(lane, filename, message.id(), earlier.sinceMillis());
        }
        ctx.urls().put(attachment.id(), attachment.url(), attachment.size());
        String webhookId = lane.isWebhook() ? lane.webhook.id() : null;
        return new DiscordLocator(webhookId, message.channelId(), message.id(), attachment.id(), length, crc).toLocator();
    }

    /**
     * The first lane in round-robin order that may send now, with its ticket taken in the same
     * step, so that concurrent uploads spread instead of all picking the lane that looked free.
     * When every lane must wait, it waits for the soonest to free up (or for any answer) and looks
     * again, rather than queue behind one lane while the others refill unused. Null when no lane
     * is usable.
     */
    private Choice choose(String name) throws StoreException {
        long deadline = limiter.now() + ctx.config().rateLimits().maxWait().toNanos();
        while (true) {
            long soonest = Long.MAX_VALUE;
            String why = null;
            boolean any = false;
            for (Lanes.Lane lane : ctx.lanes().roundRobin()) {
                Lanes.Token token = tokenOf(lane);
                if (!lane.isWebhook() && token == null) {
                    continue;
                }
                any = true;
                RateLimiter.Decision d = limiter.tryAcquire(routeOf(lane), DiscordApi.identity(token), lane.webhookChannel);
                if (d.granted()) {
                    return new Choice(lane, token, d.ticket());
                }
                if (d.waitNanos() < soonest) {
                    soonest = d.waitNanos();
                    why = d.reason();
                }
            }
            if (!any) {
                return null;
            }
            if (limiter.now() + soonest > deadline) {
                throw new StoreException.RetryAfter("no upload lane is free for " + name + " within "
                        + soonest / 1_000_000 + " ms: " + why, (soonest + 999_999) / 1_000_000);
            }
            try {
                limiter.awaitChange(soonest);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException.Permanent("interrupted while waiting for an upload lane", e);
            }
        }
    }

    private Lanes.Token tokenOf(Lanes.Lane lane) {
        return lane.isWebhook() ? null : ctx.lanes().tokenFor(lane.channelId);
    }

    private static Route routeOf(Lanes.Lane lane) {
        return lane.isWebhook() ? Route.executeWebhook(lane.webhook) : Route.createMessage(lane.channelId);
    }

    /** Sends with the ticket taken while choosing, or waits for one. */
    private DiscordApi.Answer send(Choice choice, String query, MultipartBody body) throws StoreException {
        if (choice.ticket() != null) {
            return ctx.api().send(choice.ticket(), choice.token(), query, body.contentType(), body.publisher());
        }
        return ctx.api().send(routeOf(choice.lane()), choice.token(), query, body.contentType(), body.publisher(),
                choice.lane().webhookChannel);
    }

    private ApiMessage post(Choice choice, String name, String filename, byte[] data, int offset, int length)
            throws StoreException {
        Lanes.Lane lane = choice.lane();
        Lanes.Token token = choice.token();
        if (token == null) {
            throw ctx.laneLost("no token can post in channel " + lane.channelId + " any more");
        }
        String nonce = name.length() <= NONCE_LENGTH ? name : name.substring(0, NONCE_LENGTH);
        String payload = DiscordJson.write(DiscordJson.MessagePayload.withNonce(nonce, filename));
        DiscordApi.Answer answer = send(choice, null, MultipartBody.of(payload, filename, data, offset, length));
        if (!answer.ok()) {
            throw refused(lane, token, answer, length);
        }
        return parse(answer, "upload to channel " + lane.channelId);
    }

    private ApiMessage execute(Choice choice, String filename, byte[] data, int offset, int length)
            throws StoreException {
        Lanes.Lane lane = choice.lane();
        String payload = DiscordJson.write(DiscordJson.MessagePayload.webhook(filename));
        DiscordApi.Answer answer = send(choice, "?wait=true", MultipartBody.of(payload, filename, data, offset, length));
        if (!answer.ok()) {
            throw refused(lane, null, answer, length);
        }
        ApiMessage message = parse(answer, "upload through " + lane.webhook);
        lane.webhookChannel = message.channelId();
        return message;
    }

    private StoreException refused(Lanes.Lane lane, Lanes.Token token, DiscordApi.Answer answer, int length) {
        String what = "upload to " + lane + " refused: " + answer.describe();
        return switch (answer.status()) {
            case 401 -> ctx.laneLost(what);
            case 403 -> {
                if (token != null) {
                    ctx.lanes().accessDenied(token, lane.channelId, answer.status(), answer.code());
                } else {
                    ctx.lanes().webhookGone(lane.webhook.id(), "is refused (403 code " + answer.code() + ")");
                }
                yield ctx.laneLost(what);
            }
            case 404 -> answer.code() == 10003 || answer.code() == 10015 ? ctx.laneLost(what)
                    : new StoreException.Retryable(what);
            case 413 -> new StoreException.Permanent("Discord refused a " + length + "-byte attachment as too large"
                    + " (413 code " + answer.code() + "): maxAttachmentSize is above what this server allows");
            default -> new StoreException.Permanent(what);
        };
    }

    /**
     * The attachment the answer lists for our file. A webhook answer may list none (the message is
     * then read back); a nonce may have matched an earlier upload of the same chunk name with other
     * bytes, which is a caller's bug.
     */
    private ApiMessage.ApiAttachment attachmentOf(Lanes.Lane lane, ApiMessage message, String filename, int length)
            throws StoreException {
        ApiMessage.ApiAttachment attachment = message.named(filename);
        if (attachment == null && !message.attachments().isEmpty()) {
            throw new StoreException.Permanent("the nonce of " + filename + " matched message " + message.id()
                    + " holding " + message.attachments().get(0).filename() + ": a chunk name was reused for other bytes");
        }
        if (attachment == null) {
            ApiMessage again = reread(lane, message);
            attachment = again == null ? null : again.named(filename);
        }
        if (attachment == null || attachment.size() != length) {
            String problem = attachment == null ? "lists no attachment" : "holds " + attachment.size() + " of " + length + " bytes";
            deleteQuietly(lane, message);
            throw new StoreException.Retryable("message " + message.id() + " for " + filename + " " + problem
                    + "; it was deleted and the upload can be retried");
        }
        return attachment;
    }

    private ApiMessage reread(Lanes.Lane lane, ApiMessage message) throws StoreException {
        DiscordApi.Answer answer;
        if (lane.isWebhook()) {
            answer = ctx.api().send(Route.getWebhookMessage(lane.webhook, message.id()), null, null, null,
                    HttpRequest.BodyPublishers.noBody(), null);
        } else {
            Lanes.Token token = ctx.lanes().tokenFor(message.channelId());
            if (token == null) {
                return null;
            }
            answer = ctx.api().call(Route.getMessage(message.channelId(), message.id()), token, null, null);
        }
        return answer.ok() ? parse(answer, "message " + message.id()) : null;
    }

    private void deleteQuietly(Lanes.Lane lane, ApiMessage message) {
        try {
            if (lane.isWebhook()) {
                ctx.api().send(Route.deleteWebhookMessage(lane.webhook, message.id()), null, null, null,
                        HttpRequest.BodyPublishers.noBody(), null);
            } else {
                Lanes.Token token = ctx.lanes().tokenFor(message.channelId());
                if (token != null) {
                    ctx.api().call(Route.deleteMessage(message.channelId(), message.id(), false), token, null, null);
                }
            }
        } catch (StoreException e) {
            LOG.warn("could not delete the unusable message {} in channel {}: {}; list() reports it for collection",
                    message.id(), message.channelId(), e.getMessage());
        }
    }

    /**
     * After an ambiguous webhook upload, an earlier attempt may have created a message too: look
     * through the channel's messages since the first attempt and delete any other one of this
     * webhook that holds the same file.
     */
    private void removeWebhookDuplicates(Lanes.Lane lane, String filename, String keep, long sinceMillis) {
        String channel = lane.webhookChannel;
        Lanes.Token token = channel == null ? null : ctx.lanes().tokenFor(channel);
        if (token == null) {
            LOG.warn("an earlier attempt to upload {} through {} ended ambiguously and may have left a duplicate"
                    + " message in its channel; no bot token can read that channel, so it cannot be found", filename, lane.webhook);
            return;
        }
        try {
            String after = Snowflake.atMillis(sinceMillis - 5_000);
            for (int page = 0; page < 5; page++) {
                DiscordApi.Answer answer = ctx.api().call(Route.history(channel), token, "?limit=100&after=" + after, null);
                List<ApiMessage> messages = answer.ok() ? answer.messages() : List.of();
                if (messages.isEmpty()) {
                    return;
                }
                for (ApiMessage m : messages) {
                    if (Snowflake.compare(m.id(), after) > 0) {
                        after = m.id();
                    }
                    if (lane.webhook.id().equals(m.webhookId()) && !m.id().equals(keep)) {
                        deleteIfHolding(lane, m, filename);
                    }
                }
            }
        } catch (StoreException | DiscordJson.MalformedJson e) {
            LOG.warn("could not look for a duplicate of {} in channel {}: {}; list() will report it", filename, channel,
                    e.getMessage());
        }
    }

    private void deleteIfHolding(Lanes.Lane lane, ApiMessage m, String filename) throws StoreException {
        ApiMessage full = m.attachments().isEmpty() ? reread(lane, m) : m;
        if (full != null && full.named(filename) != null) {
            DiscordApi.Answer answer = ctx.api().send(Route.deleteWebhookMessage(lane.webhook, m.id()), null, null,
                    null, HttpRequest.BodyPublishers.noBody(), null);
            LOG.info("deleted message {} in channel {}: a duplicate of {} left by an ambiguous upload ({})",
                    m.id(), m.channelId(), filename, answer.describe());
        }
    }

    private static ApiMessage parse(DiscordApi.Answer answer, String what) throws StoreException {
        try {
            return ApiMessage.from(answer.json());
        } catch (DiscordJson.MalformedJson e) {
            throw new DiscordApi.Ambiguous(what + ": malformed message in the answer: " + e.getMessage(), e);
        }
    }

    private void prune(long now) {
        long window = ctx.config().nonceWindow().toMillis();
        pending.values().removeIf(p -> now - p.sinceMillis() > window);
    }
}
