package io.attache.store.discord;

import io.attache.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The disaster-recovery pointer: a message in the first usable configured channel whose one
 * attachment, {@code pointer-<name>}, holds the record, pinned so that it can be found again with
 * nothing but the configuration ({@code GET /channels/{c}/messages/pins}). Writing posts and pins
 * the new message first and only then unpins and deletes older ones, so a reader always finds the
 * old record or the new one; with several pinned (a crash in between), the newest wins.
 */
final class PointerBoard {

    private static final Logger LOG = LoggerFactory.getLogger(PointerBoard.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}");
    private static final int MAX_SIZE = 1 << 20;
    private static final int MAX_PIN_PAGES = 20;

    /** A pinned message holding a pointer record. */
    private record Pinned(String channel, ApiMessage message, ApiMessage.ApiAttachment attachment, String pinnedAt) {
    }

    private final StoreContext ctx;
    private final BotIds botIds;

    PointerBoard(StoreContext ctx, BotIds botIds) {
        this.ctx = ctx;
        this.botIds = botIds;
    }

    void put(String name, byte[] data) throws StoreException {
        String filename = filename(name);
        if (data.length > MAX_SIZE) {
            throw new StoreException.Permanent("a pointer record holds at most " + MAX_SIZE + " bytes: " + data.length);
        }
        String channel = homeChannel();
        Lanes.Token token = ctx.lanes().tokenFor(channel);
        // No nonce: deduplicating could hand back an older message with the same bytes, which a newer
        // record would then outrank. A retried write may leave two equal records; the next removes one.
        String payload = DiscordJson.write(DiscordJson.MessagePayload.of(filename));
        MultipartBody body = MultipartBody.of(payload, filename, data, 0, data.length);
        DiscordApi.Answer posted = ctx.api().send(Route.createMessage(channel), token, null, body.contentType(),
                body.publisher(), null);
        if (!posted.ok()) {
            throw refused("posting pointer " + name + " to channel " + channel, posted);
        }
        ApiMessage message = parse(posted);
        DiscordApi.Answer pinned = ctx.api().call(Route.pin(channel, message.id()), token, null, null);
        if (!pinned.ok()) {
            throw refused("pinning pointer " + name + " in channel " + channel, pinned);
        }
        for (Pinned older : pinned(channel, token, filename, botIds.get())) {
            if (Snowflake.compare(older.message().id(), message.id()) < 0) {
                removeQuietly(token, older);
            }
        }
    }

    Optional<byte[]> get(String name) throws StoreException {
        String filename = filename(name);
        Set<String> ours = botIds.get();
        Pinned newest = null;
        boolean readAny = false;
        for (String channel : ctx.lanes().channels()) {
            Lanes.Token token = ctx.lanes().tokenFor(channel);
            if (token == null) {
                continue;
            }
            readAny = true;
            for (Pinned p : pinned(channel, token, filename, ours)) {
                if (newest == null || Snowflake.compare(p.message().id(), newest.message().id()) > 0) {
                    newest = p;
                }
            }
        }
        if (!readAny) {
            throw new StoreException.Permanent("cannot look for pointer " + name + ": "
                    + (ctx.lanes().hasTokens() ? ctx.lanes().describeUnusable() : "pointers need a bot token and a channel"));
        }
        return newest == null ? Optional.empty() : Optional.of(download(newest));
    }

    private String homeChannel() throws StoreException {
        for (String channel : ctx.lanes().channels()) {
            if (ctx.lanes().tokenFor(channel) != null) {
                return channel;
            }
        }
        throw new StoreException.Permanent("cannot write a pointer: " + (ctx.lanes().hasTokens()
                ? ctx.lanes().describeUnusable() : "pointers need a bot token and a channel"));
    }

    /** Our pinned messages in the channel that hold {@code filename}. */
    private List<Pinned> pinned(String channel, Lanes.Token token, String filename, Set<String> ours)
            throws StoreException {
        List<Pinned> found = new ArrayList<>();
        String before = null;
        for (int page = 0; page < MAX_PIN_PAGES; page++) {
            String query = "?limit=50" + (before == null ? "" : "&before=" + URLEncoder.encode(before, StandardCharsets.UTF_8));
            DiscordApi.Answer answer = ctx.api().call(Route.pins(channel), token, query, null);
            if (!answer.ok()) {
                throw refused("reading the pins of channel " + channel, answer);
            }
            try {
                DiscordJson.Pins body = answer.read(DiscordJson.Pins.class);
                for (DiscordJson.Pin pin : body.items()) {
                    ApiMessage m = pin.message();
                    before = pin.pinnedAt();
                    ApiMessage.ApiAttachment a = m.named(filename);
                    if (a != null && ours.contains(m.authorId()) && m.webhookId() == null) {
                        found.add(new Pinned(channel, m, a, before));
                    }
                }
                if (!body.hasMore()) {
                    return found;
                }
            } catch (DiscordJson.MalformedJson e) {
                throw new StoreException.Retryable("malformed pins of channel " + channel + ": " + e.getMessage(), e);
            }
        }
        return found;
    }

    private byte[] download(Pinned p) throws StoreException {
        long size = p.attachment().size();
        if (size > MAX_SIZE) {
            throw new StoreException.Permanent("pointer message " + p.message().id() + " holds " + size + " bytes");
        }
        String what = "pointer message " + p.message().id();
        try (InputStream in = ctx.cdn().open(URI.create(p.attachment().url()), 0, size, size, null, what)) {
            return in.readAllBytes();
        } catch (CdnReader.StaleUrl e) {
            throw new StoreException.Retryable("the CDN refused the URL of " + what + " just signed (" + e.getMessage() + ")");
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw new StoreException.Retryable("reading " + what + " failed: " + e.getMessage(), e);
        }
    }

    private void removeQuietly(Lanes.Token token, Pinned older) {
        try {
            ctx.api().call(Route.unpin(older.channel(), older.message().id()), token, null, null);
            ctx.api().call(Route.deleteMessage(older.channel(), older.message().id(),
                    !ctx.youngerThanBulkLimit(older.message().id())), token, null, null);
        } catch (StoreException e) {
            LOG.warn("could not remove the replaced pointer message {} in channel {}: {}; the next write retries",
                    older.message().id(), older.channel(), e.getMessage());
        }
    }

    private StoreException refused(String what, DiscordApi.Answer answer) {
        if (answer.status() == 401 || answer.status() == 403 || answer.status() == 404 && answer.code() == 10003) {
            return ctx.laneLost(what + " was refused: " + answer.describe());
        }
        return new StoreException.Permanent(what + " was refused: " + answer.describe());
    }

    private static ApiMessage parse(DiscordApi.Answer answer) throws StoreException {
        try {
            return ApiMessage.from(answer.json());
        } catch (DiscordJson.MalformedJson e) {
            throw new DiscordApi.Ambiguous("malformed message in the answer: " + e.getMessage(), e);
        }
    }

    private static String filename(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("pointer name must match [a-z0-9-]{1,40}: " + name);
        }
        return "pointer-" + name;
    }
}
