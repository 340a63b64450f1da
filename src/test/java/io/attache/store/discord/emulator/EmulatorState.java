package io.attache.store.discord.emulator;


import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Bots, channels, webhooks, messages and attachments, with Discord's rules for who may see and
 * do what. Operations answer with a {@link Result} that the HTTP layer writes. Synchronized: the
 * emulator serves tests, not load.
 */
final class EmulatorState {

    static final long DISCORD_EPOCH = 1_420_070_400_000L;
    static final long FOURTEEN_DAYS_MILLIS = 14L * 24 * 3600 * 1000;

    /** A status and a JSON body (null for 204). */
    /**
     * An answer. {@code created} is true only for a request that created a message; an enforced
     * nonce that matched one already there is answered like a creation but creates nothing.
     */
    record Result(int status, Object body, boolean created) {
        Result(int status, Object body) {
            this(status, body, false);
        }

        static Result ok(Object body) {
            return new Result(200, body);
        }

        static Result createdOk(Object body) {
            return new Result(200, body, true);
        }

        static Result noContent() {
            return new Result(204, null);
        }

        static Result error(int status, int code, String message) {
            return new Result(status, EmulatorJson.obj("message", message, "code", code));
        }
    }

    static final class Bot {
        final String token;
        final String userId;
        final String name;
        volatile boolean revoked;
        volatile boolean manageMessages = true;
        final Set<String> deniedChannels = ConcurrentHashMap.newKeySet();

        Bot(String token, String userId, String name) {
            this.token = token;
            this.userId = userId;
            this.name = name;
        }
    }

    static final class Channel {
        final String id;
        volatile boolean deleted;
        final NavigableMap<Long, Message> messages = new ConcurrentSkipListMap<>();
        /** message id → pinned at (epoch ms) */
        final Map<Long, Long> pins = new LinkedHashMap<>();

        Channel(String id) {
            this.id = id;
        }
    }

    static final class Hook {
        final String id;
        final String token;
        final String channelId;
        volatile boolean deleted;

        Hook(String id, String token, String channelId) {
            this.id = id;
            this.token = token;
            this.channelId = channelId;
        }
    }

    record Attachment(long id, String channelId, String filename, long size, byte[] data) {
    }

    record Message(long id, String channelId, String authorId, String authorName, String webhookId, String nonce,
                   List<Attachment> attachments) {
    }

    /** An upload as the HTTP layer parsed it. */
    record Upload(String filename, byte[] body, int offset, int length) {
    }

    final Map<String, Bot> botsByToken = new ConcurrentHashMap<>();
    final Map<String, Channel> channels = new ConcurrentHashMap<>();
    final Map<String, Hook> hooks = new ConcurrentHashMap<>();
    private final Map<Long, Attachment> attachments = new ConcurrentHashMap<>();
    private final EmulatorSettings settings;
    private final UrlSigner signer;
    private volatile long clockOffsetMillis;
    /** Deletions, single or in bulk, of messages that were not there (deleted already, or never). Guarded by this. */
    private long deletesOfMissing;
    private long lastId;

    EmulatorState(EmulatorSettings settings, UrlSigner signer) {
        this.settings = settings;
        this.signer = signer;
    }

    long nowMillis() {
        return System.currentTimeMillis() + clockOffsetMillis;
    }

    void advanceClock(long millis) {
        clockOffsetMillis += millis;
    }

    synchronized long nextId() {
        long candidate = (nowMillis() - DISCORD_EPOCH) << 22;
        lastId = Math.max(lastId + 1, candidate);
        return lastId;
    }

    static long createdMillis(long id) {
        return (id >>> 22) + DISCORD_EPOCH;
    }

    // ---- messages -----------------------------------------------------------------------------

    synchronized Result create(Channel channel, String authorId, String authorName, String webhookId, String nonce,
                               boolean enforceNonce, List<Upload> uploads, String cdnBase) {
        if (enforceNonce && nonce != null) {
            long since = nowMillis() - settings.nonceWindow.toMillis();
            for (Message m : channel.messages.descendingMap().values()) {
                if (createdMillis(m.id()) < since) {
                    break;
                }
                if (nonce.equals(m.nonce()) && authorId.equals(m.authorId())) {
                    return Result.ok(json(m, cdnBase, true));
                }
            }
        }
        long id = nextId();
        List<Attachment> stored = new ArrayList<>();
        for (Upload upload : uploads) {
            byte[] data = settings.storeContent
                    ? java.util.Arrays.copyOfRange(upload.body(), upload.offset(), upload.offset() + upload.length())
                    : null;
            Attachment a = new Attachment(nextId(), channel.id, upload.filename(), upload.length(), data);
            attachments.put(a.id(), a);
            stored.add(a);
        }
        Message message = new Message(id, channel.id, authorId, authorName, webhookId, nonce, List.copyOf(stored));
        channel.messages.put(id, message);
        return Result.createdOk(json(message, cdnBase, true));
    }

    synchronized boolean delete(Channel channel, long messageId) {
        Message m = channel.messages.remove(messageId);
        if (m == null) {
            deletesOfMissing++;
            return false;
        }
        channel.pins.remove(messageId);
        m.attachments().forEach(a -> attachments.remove(a.id()));
        return true;
    }

    synchronized long deletesOfMissing() {
        return deletesOfMissing;
    }

    Message message(Channel channel, long id) {
        return channel.messages.get(id);
    }

    Attachment attachment(long id) {
        return attachments.get(id);
    }

    synchronized int messageCount() {
        return channels.values().stream().mapToInt(c -> c.messages.size()).sum();
    }

    synchronized List<Message> history(Channel channel, Long before, Long after, int limit) {
        NavigableMap<Long, Message> view = channel.messages;
        if (before != null) {
            view = view.headMap(before, false);
        }
        if (after != null) {
            view = view.tailMap(after, false);
        }
        List<Message> out = new ArrayList<>();
        if (after != null && before == null) {
            // Discord pages "after" from the oldest side but still answers newest first.
            for (Message m : view.values()) {
                if (out.size() == limit) {
                    break;
                }
                out.add(0, m);
            }
            return out;
        }
        for (Message m : view.descendingMap().values()) {
            if (out.size() == limit) {
                break;
            }
            out.add(m);
        }
        return out;
    }

    /** Bulk delete: Discord refuses the whole request if any id is too old or repeated. */
    synchronized Result bulkDelete(Channel channel, List<Long> ids) {
        if (ids.size() < 2 || ids.size() > 100) {
            return Result.error(400, 50016, "Provided too few or too many messages to delete. Must provide at least 2 and fewer than 100 messages to delete.");
        }
        if (new HashSet<>(ids).size() != ids.size()) {
            return Result.error(400, 50035, "Invalid Form Body: duplicate message ids");
        }
        long oldest = nowMillis() - FOURTEEN_DAYS_MILLIS;
        for (long id : ids) {
            if (createdMillis(id) < oldest) {
                return Result.error(400, 50034, "You can only bulk delete messages that are under 14 days old.");
            }
        }
        ids.forEach(id -> delete(channel, id));
        return Result.noContent();
    }

    synchronized Result pin(Channel channel, long messageId) {
        if (!channel.messages.containsKey(messageId)) {
            return Result.error(404, 10008, "Unknown Message");
        }
        if (!channel.pins.containsKey(messageId) && channel.pins.size() >= settings.maxPins) {
            return Result.error(400, 30003, "Maximum number of pins reached (" + settings.maxPins + ")");
        }
        channel.pins.put(messageId, nowMillis());
        return Result.noContent();
    }

    synchronized Result unpin(Channel channel, long messageId) {
        channel.pins.remove(messageId);
        return Result.noContent();
    }

    /** Pins newest first, as {@code {items: [{pinned_at, message}], has_more}}. */
    synchronized Result pins(Channel channel, Instant before, int limit, Bot viewer, String cdnBase) {
        List<Map.Entry<Long, Long>> sorted = new ArrayList<>(channel.pins.entrySet());
        sorted.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        List<Object> items = new ArrayList<>();
        boolean more = false;
        for (Map.Entry<Long, Long> pin : sorted) {
            if (before != null && pin.getValue() >= before.toEpochMilli()) {
                continue;
            }
            if (items.size() == limit) {
                more = true;
                break;
            }
            Message m = channel.messages.get(pin.getKey());
            items.add(EmulatorJson.obj("pinned_at", Instant.ofEpochMilli(pin.getValue()).toString(),
                    "message", json(m, cdnBase, canSeeContent(viewer, m))));
        }
        return Result.ok(EmulatorJson.obj("items", items, "has_more", more));
    }

    // ---- visibility and JSON ------------------------------------------------------------------

    /** Without the MESSAGE_CONTENT intent a bot sees content and attachments of its own messages only. */
    boolean canSeeContent(Bot viewer, Message m) {
        return viewer == null || settings.messageContentIntent || viewer.userId.equals(m.authorId());
    }

    Map<String, Object> json(Message m, String cdnBase, boolean withContent) {
        List<Object> files = new ArrayList<>();
        if (withContent) {
            for (Attachment a : m.attachments()) {
                files.add(attachmentJson(a, cdnBase));
            }
        }
        Map<String, Object> author = EmulatorJson.obj("id", m.authorId(), "username", m.authorName(), "discriminator", "0000",
                "bot", true);
        Map<String, Object> out = EmulatorJson.obj("id", Long.toString(m.id()), "type", 0, "channel_id", m.channelId(),
                "author", author, "content", "", "timestamp", Instant.ofEpochMilli(createdMillis(m.id())).toString(),
                "edited_timestamp", null, "attachments", files, "pinned", pinned(m));
        if (m.webhookId() != null) {
            out.put("webhook_id", m.webhookId());
        }
        if (m.nonce() != null) {
            out.put("nonce", m.nonce());
        }
        return out;
    }

    private synchronized boolean pinned(Message m) {
        Channel c = channels.get(m.channelId());
        return c != null && c.pins.containsKey(m.id());
    }

    Map<String, Object> attachmentJson(Attachment a, String cdnBase) {
        String url = signedUrl(a, cdnBase);
        return EmulatorJson.obj("id", Long.toString(a.id()), "filename", a.filename(), "size", a.size(), "url", url,
                "proxy_url", url, "content_type", "application/octet-stream");
    }

    String signedUrl(Attachment a, String cdnBase) {
        String path = "/attachments/" + a.channelId() + "/" + a.id() + "/" + a.filename();
        long now = nowMillis() / 1000;
        return cdnBase + path + "?" + signer.query(path, now, now + settings.urlLifetime.toSeconds());
    }
}
