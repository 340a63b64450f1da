package io.attache.store.discord.emulator;

import io.attache.store.discord.emulator.EmulatorState.Bot;
import io.attache.store.discord.emulator.EmulatorState.Channel;
import io.attache.store.discord.emulator.EmulatorState.Hook;
import io.attache.store.discord.emulator.EmulatorState.Message;
import io.attache.store.discord.emulator.EmulatorState.Result;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST API: authentication, rate limits and injected faults first (charged when the request
 * arrives), then the body is read and the operation runs.
 */
final class ApiRoutes {

    /** A matched request: its class, major parameter and path ids. */
    record Match(RouteClass route, String channel, String message, String webhook, String webhookToken) {
        String major() {
            return route.isWebhook() ? webhook : channel == null ? "" : channel;
        }
    }

    private static final String ID = "(\\d{1,20})";
    private static final String TOKEN = "([A-Za-z0-9_.-]{1,200})";
    private static final Pattern CHANNEL_MESSAGES = Pattern.compile("/channels/" + ID + "/messages");
    private static final Pattern CHANNEL_MESSAGE = Pattern.compile("/channels/" + ID + "/messages/" + ID);
    private static final Pattern BULK = Pattern.compile("/channels/" + ID + "/messages/bulk-delete");
    private static final Pattern PINS = Pattern.compile("/channels/" + ID + "/messages/pins");
    private static final Pattern PIN = Pattern.compile("/channels/" + ID + "/messages/pins/" + ID);
    private static final Pattern WEBHOOK = Pattern.compile("/webhooks/" + ID + "/" + TOKEN);
    private static final Pattern WEBHOOK_MESSAGE = Pattern.compile("/webhooks/" + ID + "/" + TOKEN + "/messages/" + ID);
    private static final Fault[] RATE_FAULTS = {Fault.RATE_LIMIT_BUCKET, Fault.RATE_LIMIT_GLOBAL,
            Fault.RATE_LIMIT_SHARED, Fault.RATE_LIMIT_SUBLIMIT};
    private static final Fault[] STATUS_FAULTS = {Fault.STATUS_500, Fault.STATUS_502, Fault.STATUS_503,
            Fault.STATUS_504, Fault.STATUS_524};

    private final DiscordEmulator emulator;
    private final EmulatorState state;
    private final EmulatorSettings settings;
    private final ServerLimits limits;
    private final Faults faults;
    private final Counters counters;

    ApiRoutes(DiscordEmulator emulator, EmulatorState state, ServerLimits limits, Faults faults, Counters counters) {
        this.emulator = emulator;
        this.state = state;
        this.settings = emulator.settings();
        this.limits = limits;
        this.faults = faults;
        this.counters = counters;
    }

    static Match match(String method, String path) {
        Matcher m;
        if ((m = PIN.matcher(path)).matches()) {
            return new Match(method.equals("PUT") ? RouteClass.PIN : method.equals("DELETE") ? RouteClass.UNPIN
                    : RouteClass.UNKNOWN, m.group(1), m.group(2), null, null);
        }
        if ((m = PINS.matcher(path)).matches() && method.equals("GET")) {
            return new Match(RouteClass.PINS, m.group(1), null, null, null);
        }
        if ((m = BULK.matcher(path)).matches() && method.equals("POST")) {
            return new Match(RouteClass.BULK_DELETE, m.group(1), null, null, null);
        }
        if ((m = CHANNEL_MESSAGE.matcher(path)).matches()) {
            RouteClass r = switch (method) {
                case "GET" -> RouteClass.MESSAGE_GET;
                case "DELETE" -> RouteClass.MESSAGE_DELETE;
                default -> RouteClass.UNKNOWN;
            };
            return new Match(r, m.group(1), m.group(2), null, null);
        }
        if ((m = CHANNEL_MESSAGES.matcher(path)).matches()) {
            RouteClass r = switch (method) {
                case "POST" -> RouteClass.MESSAGE_CREATE;
                case "GET" -> RouteClass.HISTORY;
                default -> RouteClass.UNKNOWN;
            };
            return new Match(r, m.group(1), null, null, null);
        }
        if ((m = WEBHOOK_MESSAGE.matcher(path)).matches()) {
            RouteClass r = switch (method) {
                case "GET" -> RouteClass.WEBHOOK_MESSAGE_GET;
                case "DELETE" -> RouteClass.WEBHOOK_MESSAGE_DELETE;
                default -> RouteClass.UNKNOWN;
            };
            return new Match(r, null, m.group(3), m.group(1), m.group(2));
        }
        if ((m = WEBHOOK.matcher(path)).matches()) {
            RouteClass r = switch (method) {
                case "POST" -> RouteClass.WEBHOOK_EXECUTE;
                case "GET" -> RouteClass.WEBHOOK_GET;
                default -> RouteClass.UNKNOWN;
            };
            return new Match(r, null, null, m.group(1), m.group(2));
        }
        if (path.equals("/attachments/refresh-urls") && method.equals("POST")) {
            return new Match(RouteClass.REFRESH_URLS, null, null, null, null);
        }
        if (path.equals("/users/@me") && method.equals("GET")) {
            return new Match(RouteClass.CURRENT_USER, null, null, null, null);
        }
        return new Match(RouteClass.UNKNOWN, null, null, null, null);
    }

    void serve(Exchange ex, String method, String path) throws IOException {
        Match m = match(method, path);
        counters.request(m.route());
        long now = System.nanoTime();
        if (m.route() == RouteClass.UNKNOWN) {
            answer(ex, m, Result.error(404, 0, "404: Not Found"), null, ex.readBody());
            return;
        }
        if (limits.isBanned(now) || faults.take(m.route(), Fault.CLOUDFLARE_BAN) != null) {
            ex.readBody();
            emulator.writeBan(ex, limits.banRemainingNanos(now));
            return;
        }
        Bot bot = null;
        Hook hook = null;
        String identity;
        if (m.route().isWebhook()) {
            hook = state.hooks.get(m.webhook());
            if (hook == null || hook.deleted) {
                answer(ex, m, Result.error(404, 10015, "Unknown Webhook"), null, ex.readBody());
                return;
            }
            if (!hook.token.equals(m.webhookToken())) {
                answer(ex, m, Result.error(401, 50027, "Invalid Webhook Token"), null, ex.readBody());
                return;
            }
            identity = "webhook " + hook.id;
        } else {
            bot = authenticate(ex.header("Authorization"));
            if (bot == null) {
                answer(ex, m, Result.error(401, 0, "401: Unauthorized"), null, ex.readBody());
                return;
            }
            identity = "bot " + bot.userId;
        }
        Charge charge = chargeLimits(m, identity, hook, now);
        if (charge.limited()) {
            ex.readBody();
            emulator.writeRateLimited(ex, m.route(), charge.scope(), charge.retryAtNanos(), charge.verdict());
            return;
        }
        Fault status = faults.take(m.route(), STATUS_FAULTS);
        byte[] body = ex.readBody();
        if (status != null) {
            emulator.writeServerError(ex, m.route(), Integer.parseInt(status.name().substring("STATUS_".length())));
            return;
        }
        ServerLimits.Verdict verdict = charge.verdict();
        Result result = operate(ex, m, bot, hook, body);
        if (result.status() == 200 && m.route().createsMessages()) {
            counters.uploadBytes(body.length);
            if (result.created()) {
                // An enforced nonce that matched answers with the message already there: nothing new.
                counters.messageCreated();
            }
            Fault after = faults.take(m.route(), Fault.DROP_AFTER_CREATE, Fault.EMPTY_ATTACHMENTS);
            if (after == Fault.DROP_AFTER_CREATE) {
                counters.answer(m.route(), 0);
                ex.drop();
                return;
            }
            if (after == Fault.EMPTY_ATTACHMENTS) {
                EmulatorJson.asObject(result.body(), "message").put("attachments", List.of());
            }
        }
        answer(ex, m, result, verdict, body);
    }

    /** The outcome of the rate-limit checks: a 429 to send, or the route window's state for the headers. */
    private record Charge(boolean limited, String scope, long retryAtNanos, ServerLimits.Verdict verdict) {
        static Charge allowed(ServerLimits.Verdict verdict) {
            return new Charge(false, null, 0, verdict);
        }

        static Charge limited(String scope, long retryAtNanos, ServerLimits.Verdict verdict) {
            return new Charge(true, scope, retryAtNanos, verdict);
        }
    }

    /** Global gate, injected 429s, the route's window and the webhook channel's shared window. */
    private Charge chargeLimits(Match m, String identity, Hook hook, long now) {
        ServerLimits.Verdict global = limits.charge("global|" + identity, settings.globalLimit, null, now);
        if (!global.allowed()) {
            return Charge.limited("global", global.resetAtNanos(), null);
        }
        if (faults.take(m.route(), Fault.CHANGE_BUCKET_HASH) != null) {
            limits.rotateHash(m.route());
        }
        boolean old = m.route() == RouteClass.MESSAGE_DELETE && m.message() != null
                && state.nowMillis() - EmulatorState.createdMillis(Long.parseLong(m.message())) > EmulatorState.FOURTEEN_DAYS_MILLIS;
        Limit limit = old ? settings.oldDeleteLimit : limitOf(m.route());
        String hash = limits.hash(m.route()) + (settings.hashPerMajor ? "-" + m.major() : "") + (old ? "-old" : "");
        String key = identity + "|" + hash + "|" + m.major();
        Fault injected = faults.take(m.route(), RATE_FAULTS);
        long retry = settings.faultRetryAfter.toNanos();
        if (injected != null) {
            ServerLimits.Verdict seen = limits.peek(key, limit, hash, now);
            return switch (injected) {
                case RATE_LIMIT_GLOBAL -> Charge.limited("global", now + retry, null);
                case RATE_LIMIT_SHARED -> Charge.limited("shared", now + retry, seen);
                case RATE_LIMIT_SUBLIMIT -> Charge.limited("user", now + retry, new ServerLimits.Verdict(false,
                        seen.limit(), Math.max(1, seen.remaining()), seen.resetAtNanos(), hash));
                default -> Charge.limited("user", now + retry, new ServerLimits.Verdict(false, seen.limit(), 0,
                        Math.max(now + retry, seen.resetAtNanos()), hash));
            };
        }
        ServerLimits.Verdict verdict = limits.charge(key, limit, hash, now);
        if (!verdict.allowed()) {
            return Charge.limited("user", verdict.resetAtNanos(), verdict);
        }
        if (m.route() == RouteClass.WEBHOOK_EXECUTE) {
            String shared = limits.hash(RouteClass.WEBHOOK_EXECUTE) + "-channel";
            ServerLimits.Verdict channel = limits.charge("webhook-channel|" + hook.channelId,
                    settings.webhookChannelLimit, shared, now);
            if (!channel.allowed()) {
                return Charge.limited("shared", channel.resetAtNanos(), verdict);
            }
        }
        return Charge.allowed(verdict);
    }

    private Limit limitOf(RouteClass route) {
        return switch (route) {
            case MESSAGE_CREATE -> settings.messageCreateLimit;
            case WEBHOOK_EXECUTE -> settings.webhookExecuteLimit;
            case MESSAGE_DELETE, WEBHOOK_MESSAGE_DELETE, UNPIN, PIN -> settings.deleteLimit;
            case BULK_DELETE -> settings.bulkDeleteLimit;
            default -> settings.readLimit;
        };
    }

    private Bot authenticate(String authorization) {
        if (authorization == null || !authorization.startsWith("Bot ")) {
            return null;
        }
        Bot bot = state.botsByToken.get(authorization.substring(4));
        return bot == null || bot.revoked ? null : bot;
    }

    private void answer(Exchange ex, Match m, Result result, ServerLimits.Verdict verdict, byte[] ignoredBody)
            throws IOException {
        HttpFields.Mutable headers = HttpFields.build();
        headers.put("Via", "1.1 google");
        boolean strip = faults.take(m.route(), Fault.NO_RATE_LIMIT_HEADERS) != null;
        if (verdict != null && !strip) {
            DiscordEmulator.addRateHeaders(headers, verdict, System.nanoTime(), state.nowMillis());
        }
        if (result.status() == 401 || result.status() == 403) {
            emulator.recordInvalid();
        }
        counters.answer(m.route(), result.status());
        ex.json(result.status(), result.body(), headers);
    }

    // ---- operations ---------------------------------------------------------------------------

    private Result operate(Exchange ex, Match m, Bot bot, Hook hook, byte[] body) {
        String cdn = emulator.cdnBase();
        Channel channel = null;
        if (!m.route().isWebhook() && m.channel() != null) {
            channel = state.channels.get(m.channel());
            if (channel == null || channel.deleted) {
                return Result.error(404, 10003, "Unknown Channel");
            }
            if (bot.deniedChannels.contains(channel.id)) {
                return Result.error(403, 50001, "Missing Access");
            }
        } else if (hook != null) {
            channel = state.channels.get(hook.channelId);
        }
        Fields query = Request.extractQueryParameters(ex.request);
        try {
            return switch (m.route()) {
                case MESSAGE_CREATE -> create(ex, channel, bot.userId, bot.name, null, body, cdn);
                case WEBHOOK_EXECUTE -> {
                    Result r = create(ex, channel, hook.id, "Attaché hook", hook.id, body, cdn);
                    yield r.status() == 200 && !"true".equals(query.getValue("wait")) ? Result.noContent() : r;
                }
                case MESSAGE_GET -> {
                    Message msg = state.message(channel, Long.parseLong(m.message()));
                    yield msg == null ? unknownMessage() : Result.ok(state.json(msg, cdn, state.canSeeContent(bot, msg)));
                }
                case WEBHOOK_MESSAGE_GET -> {
                    Message msg = state.message(channel, Long.parseLong(m.message()));
                    yield msg == null || !hook.id.equals(msg.webhookId()) ? unknownMessage()
                            : Result.ok(state.json(msg, cdn, true));
                }
                case MESSAGE_DELETE -> {
                    Message msg = state.message(channel, Long.parseLong(m.message()));
                    if (msg == null) {
                        state.delete(channel, Long.parseLong(m.message()));
                        yield unknownMessage();
                    }
                    if (!msg.authorId().equals(bot.userId) && !bot.manageMessages) {
                        yield Result.error(403, 50013, "Missing Permissions");
                    }
                    state.delete(channel, msg.id());
                    yield Result.noContent();
                }
                case WEBHOOK_MESSAGE_DELETE -> {
                    Message msg = state.message(channel, Long.parseLong(m.message()));
                    if (msg == null || !hook.id.equals(msg.webhookId())) {
                        if (msg == null) {
                            state.delete(channel, Long.parseLong(m.message()));
                        }
                        yield unknownMessage();
                    }
                    state.delete(channel, msg.id());
                    yield Result.noContent();
                }
                case BULK_DELETE -> bot.manageMessages ? bulkDelete(channel, body)
                        : Result.error(403, 50013, "Missing Permissions");
                case HISTORY -> history(channel, bot, query, cdn);
                case PINS -> state.pins(channel, query.getValue("before") == null ? null
                                : java.time.Instant.parse(query.getValue("before")),
                        clamp(query.getValue("limit"), 50, 1, 50), bot, cdn);
                case PIN -> bot.manageMessages ? state.pin(channel, Long.parseLong(m.message()))
                        : Result.error(403, 50013, "Missing Permissions");
                case UNPIN -> bot.manageMessages ? state.unpin(channel, Long.parseLong(m.message()))
                        : Result.error(403, 50013, "Missing Permissions");
                case REFRESH_URLS -> refresh(body, cdn);
                case CURRENT_USER -> Result.ok(EmulatorJson.obj("id", bot.userId, "username", bot.name, "discriminator", "0000",
                        "bot", true));
                case WEBHOOK_GET -> Result.ok(EmulatorJson.obj("id", hook.id, "type", 1, "channel_id", hook.channelId,
                        "name", "Attaché hook", "token", hook.token));
                default -> Result.error(404, 0, "404: Not Found");
            };
        } catch (EmulatorJson.JsonException | IllegalArgumentException | java.time.DateTimeException e) {
            return Result.error(400, 50035, "Invalid Form Body: " + e.getMessage());
        }
    }

    private static Result unknownMessage() {
        return Result.error(404, 10008, "Unknown Message");
    }

    private Result create(Exchange ex, Channel channel, String authorId, String authorName, String webhookId,
                          byte[] body, String cdn) {
        UploadRequest upload;
        try {
            upload = UploadRequest.parse(ex.header("Content-Type"), body);
        } catch (Multipart.MalformedException e) {
            return Result.error(400, 50035, "Invalid Form Body: " + e.getMessage());
        }
        if (upload.files().size() > 10) {
            return Result.error(400, 50035, "Invalid Form Body: at most 10 files");
        }
        for (EmulatorState.Upload file : upload.files()) {
            if (file.length() > settings.maxFileSize) {
                return Result.error(413, 40005, "Request entity too large");
            }
        }
        if (upload.files().isEmpty() && (upload.content() == null || upload.content().isEmpty())) {
            return Result.error(400, 50006, "Cannot send an empty message");
        }
        if (upload.nonce() != null && upload.nonce().length() > 25) {
            return Result.error(400, 50035, "Invalid Form Body: nonce longer than 25");
        }
        // Webhooks have no nonce.
        String nonce = webhookId == null ? upload.nonce() : null;
        return state.create(channel, authorId, authorName, webhookId, nonce, upload.enforceNonce(), upload.files(), cdn);
    }

    private Result bulkDelete(Channel channel, byte[] body) {
        Map<String, Object> payload = EmulatorJson.parseObject(new String(body, StandardCharsets.UTF_8));
        List<Long> ids = new ArrayList<>();
        for (Object id : EmulatorJson.array(payload, "messages")) {
            ids.add(Long.parseLong((String) id));
        }
        return state.bulkDelete(channel, ids);
    }

    private Result history(Channel channel, Bot bot, Fields query, String cdn) {
        int limit = clamp(query.getValue("limit"), 50, 1, 100);
        Long before = query.getValue("before") == null ? null : Long.parseLong(query.getValue("before"));
        Long after = query.getValue("after") == null ? null : Long.parseLong(query.getValue("after"));
        List<Object> out = new ArrayList<>();
        for (Message msg : state.history(channel, before, after, limit)) {
            out.add(state.json(msg, cdn, state.canSeeContent(bot, msg)));
        }
        return Result.ok(out);
    }

    private Result refresh(byte[] body, String cdn) {
        List<Object> urls = EmulatorJson.array(EmulatorJson.parseObject(new String(body, StandardCharsets.UTF_8)), "attachment_urls");
        if (urls.size() > 50) {
            return Result.error(400, 50035, "Invalid Form Body: at most 50 attachment_urls");
        }
        List<Object> refreshed = new ArrayList<>();
        for (Object item : urls) {
            String original = (String) item;
            EmulatorState.Attachment a = emulator.attachmentOf(original);
            if (a != null) {
                refreshed.add(EmulatorJson.obj("original", original, "refreshed", state.signedUrl(a, cdn)));
            }
        }
        return Result.ok(EmulatorJson.obj("refreshed_urls", refreshed));
    }

    private static int clamp(String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        int n = Integer.parseInt(value);
        if (n < min || n > max) {
            throw new IllegalArgumentException("limit must be in [" + min + ", " + max + "]");
        }
        return n;
    }
}
