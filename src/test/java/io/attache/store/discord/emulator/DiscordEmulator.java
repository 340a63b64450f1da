package io.attache.store.discord.emulator;

import io.attache.store.discord.emulator.EmulatorState.Attachment;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Discord API and CDN on 127.0.0.1 that follows docs/DISCORD.md: message create (bot and
 * webhook, multipart), get, delete, bulk delete, history, pins, refresh-urls; the size limit;
 * per-route and global rate limits with every header; the invalid-request ban; signed expiring
 * CDN URLs with Range; every fault of the page switchable per test; bandwidth and latency
 * shaping; counters of everything it receives. Start it in a test with {@link #start}, or as a
 * process with {@link DiscordEmulatorMain}.
 */
public final class DiscordEmulator implements AutoCloseable {

    private static final Pattern API = Pattern.compile("/api/v\\d+(/.*)");
    private static final Pattern CDN = Pattern.compile("/attachments/(\\d{1,20})/(\\d{1,20})/([^/?]{1,200})");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final EmulatorSettings settings;
    private final EmulatorState state;
    private final ServerLimits limits;
    private final Faults faults;
    private final Counters counters = new Counters();
    private final UrlSigner signer;
    private final ApiRoutes api;
    private final List<String> tokens = new ArrayList<>();
    private final List<String> channelIds = new ArrayList<>();
    private final List<String> webhookIds = new ArrayList<>();
    private final Server server;
    private final Random random;
    private String cdnBase;

    private DiscordEmulator(EmulatorSettings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed);
        this.signer = new UrlSigner(settings.seed);
        this.state = new EmulatorState(settings, signer);
        this.limits = new ServerLimits(settings.seed);
        this.faults = new Faults(settings.seed);
        this.api = new ApiRoutes(this, state, limits, faults, counters);
        QueuedThreadPool pool = new QueuedThreadPool(256, 8);
        pool.setName("discord-emulator");
        pool.setDaemon(true);
        this.server = new Server(pool);
    }

    public static DiscordEmulator start(EmulatorSettings settings) throws Exception {
        DiscordEmulator emulator = new DiscordEmulator(settings);
        emulator.populate();
        emulator.listen();
        return emulator;
    }

    private void populate() {
        for (int i = 0; i < settings.tokens; i++) {
            addBot();
        }
        for (int i = 0; i < settings.channels; i++) {
            addChannel();
        }
        for (int i = 0; i < settings.webhooks; i++) {
            addWebhook(channelIds.get(i % channelIds.size()));
        }
    }

    private void listen() throws Exception {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(settings.port);
        connector.setIdleTimeout(60_000);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                dispatch(new Exchange(request, response, callback, () -> settings.bandwidth));
                return true;
            }
        });
        server.start();
        cdnBase = "http://127.0.0.1:" + connector.getLocalPort();
    }

    // ---- the world ----------------------------------------------------------------------------

    /** A new bot with access to every channel; returns its token. */
    public synchronized String addBot() {
        byte[] secret = new byte[30];
        random.nextBytes(secret);
        String token = "emu." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String id = Long.toString(state.nextId());
        state.botsByToken.put(token, new EmulatorState.Bot(token, id, "attache-bot-" + (tokens.size() + 1)));
        tokens.add(token);
        return token;
    }

    public synchronized String addChannel() {
        String id = Long.toString(state.nextId());
        state.channels.put(id, new EmulatorState.Channel(id));
        channelIds.add(id);
        return id;
    }

    /** A webhook in the channel; returns its id. */
    public synchronized String addWebhook(String channelId) {
        byte[] secret = new byte[40];
        random.nextBytes(secret);
        String id = Long.toString(state.nextId());
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        state.hooks.put(id, new EmulatorState.Hook(id, token, channelId));
        webhookIds.add(id);
        return id;
    }

    public String apiUrl() {
        return cdnBase + "/api/v10";
    }

    public String cdnBase() {
        return cdnBase;
    }

    public synchronized List<String> tokens() {
        return List.copyOf(tokens);
    }

    public synchronized List<String> channelIds() {
        return List.copyOf(channelIds);
    }

    public synchronized List<String> webhookIds() {
        return List.copyOf(webhookIds);
    }

    /** Webhook URLs the way Discord shows them: on discord.com, to be rebased by the client. */
    public synchronized List<String> webhookUrls() {
        return webhookIds.stream().map(id -> "https://discord.com/api/webhooks/" + id + "/" + state.hooks.get(id).token)
                .toList();
    }

    public String webhookChannel(String webhookId) {
        return state.hooks.get(webhookId).channelId;
    }

    public EmulatorSettings settings() {
        return settings;
    }

    public Faults faults() {
        return faults;
    }

    public Counters counters() {
        return counters;
    }

    public void revokeToken(String token) {
        state.botsByToken.get(token).revoked = true;
    }

    /** Deletes the channel, its messages and its webhooks. */
    public void deleteChannel(String channelId) {
        state.channels.get(channelId).deleted = true;
        state.hooks.values().stream().filter(h -> h.channelId.equals(channelId)).forEach(h -> h.deleted = true);
    }

    public void deleteWebhook(String webhookId) {
        state.hooks.get(webhookId).deleted = true;
    }

    /** A message disappears behind the client's back (a moderator, another tool). */
    public void deleteMessage(String channelId, String messageId) {
        state.delete(state.channels.get(channelId), Long.parseLong(messageId));
    }

    public void denyAccess(String token, String channelId) {
        state.botsByToken.get(token).deniedChannels.add(channelId);
    }

    public void setManageMessages(String token, boolean allowed) {
        state.botsByToken.get(token).manageMessages = allowed;
    }

    /** Moves the emulator's wall clock: URLs expire, messages age past 14 days. */
    public void advanceClock(Duration duration) {
        state.advanceClock(duration.toMillis());
    }

    /** How many deletions named a message that was not there: a second deletion of one message counts here. */
    public long deletesOfMissingMessages() {
        return state.deletesOfMissing();
    }

    public int messageCount() {
        return state.messageCount();
    }

    /** Message ids of a channel, newest first. */
    public List<String> messageIds(String channelId) {
        return state.history(state.channels.get(channelId), null, null, Integer.MAX_VALUE).stream()
                .map(m -> Long.toString(m.id())).toList();
    }

    /** File names of a message's attachments, or null when the message does not exist. */
    public List<String> attachmentNames(String channelId, String messageId) {
        EmulatorState.Message m = state.message(state.channels.get(channelId), Long.parseLong(messageId));
        return m == null ? null : m.attachments().stream().map(Attachment::filename).toList();
    }

    public String userIdOf(String token) {
        return state.botsByToken.get(token).userId;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the emulator", e);
        }
    }

    // ---- HTTP ---------------------------------------------------------------------------------

    /** Where {@link #serveCounters} answers. */
    public static final String COUNTERS_PATH = "/_emulator/counters";

    private void dispatch(Exchange ex) {
        try {
            if (Request.getPathInContext(ex.request).equals(COUNTERS_PATH)) {
                serveCounters(ex);
                return;
            }
            if (!settings.latency.isZero()) {
                Exchange.sleep(settings.latency.toNanos());
            }
            String path = Request.getPathInContext(ex.request);
            Matcher api = API.matcher(path);
            if (api.matches()) {
                this.api.serve(ex, ex.request.getMethod(), api.group(1));
            } else if (path.startsWith("/attachments/")) {
                serveCdn(ex, path);
            } else {
                ex.readBody();
                ex.write(404, null, "text/plain", "not found".getBytes(StandardCharsets.US_ASCII), 0, 9, -1);
            }
        } catch (Throwable t) {
            ex.fail(t);
        }
    }

    /**
     * Not Discord: the emulator's own counters, one {@code name=value} per line, for benchmarks that
     * run it as a separate process ({@code cdnBytes}, {@code cdnRequests}, {@code messagesCreated},
     * {@code invalidRequests}, {@code rateLimited}). Served without latency or limits.
     */
    private void serveCounters(Exchange ex) throws IOException {
        ex.readBody();
        String text = "cdnBytes=" + counters.cdnBytesServed() + "\ncdnRequests=" + counters.requests(RouteClass.CDN)
                + "\nmessagesCreated=" + counters.messagesCreated() + "\ninvalidRequests=" + counters.invalidRequests()
                + "\nrateLimited=" + (counters.rateLimited("user") + counters.rateLimited("global") + counters.rateLimited("shared"))
                + "\n";
        byte[] body = text.getBytes(StandardCharsets.US_ASCII);
        ex.write(200, null, "text/plain", body, 0, body.length, -1);
    }

    private void serveCdn(Exchange ex, String path) throws IOException {
        counters.request(RouteClass.CDN);
        Fields query = Request.extractQueryParameters(ex.request);
        Matcher m = CDN.matcher(path);
        Fault fault = faults.take(RouteClass.CDN, Fault.values());
        long nowSeconds = state.nowMillis() / 1000;
        Attachment a = m.matches() ? state.attachment(Long.parseLong(m.group(2))) : null;
        boolean valid = m.matches() && fault != Fault.CDN_EXPIRED
                && signer.valid(path, query.getValue("ex"), query.getValue("is"), query.getValue("hm"), nowSeconds)
                && a != null && a.channelId().equals(m.group(1)) && a.filename().equals(m.group(3))
                && !state.channels.get(a.channelId()).deleted && a.data() != null;
        if (!valid) {
            cdnText(ex, 404, "This content is no longer available.");
            return;
        }
        long size = a.size();
        long from = 0;
        long to = size - 1;
        boolean partial = false;
        String range = ex.header("Range");
        Matcher r = range == null ? null : RANGE.matcher(range.trim());
        if (r != null && r.matches() && !(r.group(1).isEmpty() && r.group(2).isEmpty()) && fault != Fault.CDN_IGNORE_RANGE) {
            if (r.group(1).isEmpty()) {
                from = Math.max(0, size - Long.parseLong(r.group(2)));
            } else {
                from = Long.parseLong(r.group(1));
                to = r.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(r.group(2)));
            }
            if (from >= size || from > to) {
                HttpFields.Mutable h = HttpFields.build().put("Content-Range", "bytes */" + size);
                counters.answer(RouteClass.CDN, 416);
                ex.write(416, h, null, null, 0, 0, -1);
                return;
            }
            partial = true;
        }
        if (fault == Fault.CDN_WRONG_RANGE && partial && to + 1 < size) {
            from++;
            to++;
        }
        if (fault == Fault.CDN_SHORT_BODY) {
            partial = false;
            from = 0;
            to = size - 2;
        }
        int length = (int) (to - from + 1);
        byte[] body = a.data();
        int offset = (int) from;
        if (fault == Fault.CDN_CORRUPT && length > 0) {
            body = java.util.Arrays.copyOfRange(a.data(), offset, offset + length);
            offset = 0;
            body[length / 2] ^= 0x5a;
        }
        HttpFields.Mutable h = HttpFields.build().put("Accept-Ranges", "bytes").put("Cache-Control", "public, max-age=31536000");
        if (partial) {
            h.put("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        int status = partial ? 206 : 200;
        counters.answer(RouteClass.CDN, status);
        ex.write(status, h, "application/octet-stream", body, offset, length,
                fault == Fault.CDN_TRUNCATE ? length / 2 : -1, counters::cdnBytes);
    }

    private void cdnText(Exchange ex, int status, String text) throws IOException {
        counters.answer(RouteClass.CDN, status);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.write(status, null, "text/plain; charset=utf-8", bytes, 0, bytes.length, -1);
    }

    /** The attachment a CDN URL (any query) points at, or null. */
    Attachment attachmentOf(String url) {
        String path;
        try {
            path = URI.create(url).getPath();
        } catch (IllegalArgumentException e) {
            return null;
        }
        Matcher m = path == null ? null : CDN.matcher(path);
        if (m == null || !m.matches()) {
            return null;
        }
        Attachment a = state.attachment(Long.parseLong(m.group(2)));
        return a != null && a.channelId().equals(m.group(1)) && a.filename().equals(m.group(3)) ? a : null;
    }

    void recordInvalid() {
        counters.invalid();
        limits.recordInvalid(System.nanoTime(), settings.banThreshold, settings.banWindow.toNanos(),
                settings.banDuration.toNanos());
    }

    void writeRateLimited(Exchange ex, RouteClass route, String scope, long retryAtNanos,
                          ServerLimits.Verdict verdict) throws IOException {
        HttpFields.Mutable h = HttpFields.build().put("Via", "1.1 google");
        long now = System.nanoTime();
        double retryAfter = Math.max(0, retryAtNanos - now) / 1e9;
        if (verdict != null) {
            addRateHeaders(h, verdict, now, state.nowMillis());
        }
        h.put("Retry-After", Long.toString((long) Math.ceil(retryAfter)));
        h.put("X-RateLimit-Scope", scope);
        boolean global = scope.equals("global");
        if (global) {
            h.put("X-RateLimit-Global", "true");
        }
        counters.countRateLimited(scope);
        counters.answer(route, 429);
        if (!scope.equals("shared")) {
            recordInvalid();
        }
        ex.json(429, EmulatorJson.obj("message", "You are being rate limited.", "retry_after", ceil3(retryAfter),
                "global", global), h);
    }

    void writeBan(Exchange ex, long remainingNanos) throws IOException {
        counters.banned();
        counters.answer(RouteClass.UNKNOWN, 429);
        HttpFields.Mutable h = HttpFields.build();
        if (remainingNanos > 0) {
            h.put("Retry-After", Long.toString((remainingNanos + 999_999_999L) / 1_000_000_000L));
        }
        byte[] page = ("<!DOCTYPE html><html><head><title>Access denied | discord.com used Cloudflare to restrict"
                + " access</title></head><body><h1>You are being blocked</h1><p>Error 1015: You are being rate"
                + " limited.</p></body></html>").getBytes(StandardCharsets.UTF_8);
        ex.write(429, h, "text/html; charset=UTF-8", page, 0, page.length, -1);
    }

    /** 500 and 503 come from Discord's API (JSON, Via); 502, 504 and 524 from the edge (HTML). */
    void writeServerError(Exchange ex, RouteClass route, int status) throws IOException {
        counters.answer(route, status);
        if (status == 500 || status == 503) {
            ex.json(status, EmulatorJson.obj("message", status + ": " + (status == 500 ? "Internal Server Error"
                    : "Service Unavailable"), "code", 0), HttpFields.build().put("Via", "1.1 google"));
            return;
        }
        byte[] page = ("<html><body><h1>" + status + "</h1><p>Cloudflare</p></body></html>").getBytes(StandardCharsets.UTF_8);
        ex.write(status, null, "text/html; charset=UTF-8", page, 0, page.length, -1);
    }

    /** The rate-limit headers as of {@code nowNanos}, when the answer goes out. */
    static void addRateHeaders(HttpFields.Mutable h, ServerLimits.Verdict v, long nowNanos, long nowMillis) {
        double resetAfter = v.resetAfterNanos(nowNanos) / 1e9;
        h.put("X-RateLimit-Limit", Integer.toString(v.limit()));
        h.put("X-RateLimit-Remaining", Integer.toString(v.remaining()));
        h.put("X-RateLimit-Reset", String.format(Locale.ROOT, "%.3f", nowMillis / 1000.0 + resetAfter));
        h.put("X-RateLimit-Reset-After", String.format(Locale.ROOT, "%.3f", ceil3(resetAfter)));
        if (v.bucket() != null) {
            h.put("X-RateLimit-Bucket", v.bucket());
        }
    }

    /** Discord rounds {@code Reset-After} to milliseconds; rounding up keeps a client on the safe side. */
    private static double ceil3(double seconds) {
        return Math.ceil(seconds * 1000) / 1000;
    }
}
