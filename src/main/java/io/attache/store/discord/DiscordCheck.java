package io.attache.store.discord;

import io.attache.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What {@code attache discord check} runs: each bot token is asked who it is; in each channel,
 * each valid token posts two small probe messages, reads one back through the API and the CDN,
 * pins and unpins it, and deletes both in bulk (or one by one); each webhook does the same through
 * its own routes. Everything goes through the store's rate limiter, and every probe is deleted.
 * The report says what is usable and why not.
 */
public final class DiscordCheck {

    /** One bot token: valid, and whose it is. */
    public record TokenResult(String token, boolean valid, String userId, String problem) {
    }

    /**
     * One channel with one token, or one webhook: what it could do. A lane is usable for chunks
     * when it can post, read and delete; bulk delete and pin are optional (slower deletes, and the
     * disaster-recovery pointer needs pin in the first channel).
     */
    public record LaneResult(String lane, String credential, boolean post, boolean read, boolean delete,
                             boolean bulkDelete, boolean pin, String problem) {
        public boolean usable() {
            return post && read && delete;
        }
    }

    /** The whole check. */
    public record Report(List<TokenResult> tokens, List<LaneResult> lanes) {

        /** True when at least one lane can store chunks. */
        public boolean usable() {
            return lanes.stream().anyMatch(LaneResult::usable);
        }

        /** For the CLI: one line per token and lane. */
        public String toText() {
            StringBuilder out = new StringBuilder();
            for (TokenResult t : tokens) {
                out.append(t.valid() ? "ok    " : "FAIL  ").append(t.token())
                        .append(t.valid() ? " is user " + t.userId() : ": " + t.problem()).append('\n');
            }
            for (LaneResult l : lanes) {
                out.append(l.usable() ? "ok    " : "FAIL  ").append(l.lane()).append(" with ").append(l.credential())
                        .append(": post ").append(yes(l.post())).append(", read ").append(yes(l.read()))
                        .append(", delete ").append(yes(l.delete())).append(", bulk delete ").append(yes(l.bulkDelete()))
                        .append(", pin ").append(yes(l.pin()));
                if (l.problem() != null) {
                    out.append(" (").append(l.problem()).append(')');
                }
                out.append('\n');
            }
            out.append(usable() ? "usable: chunks can be stored\n" : "NOT usable: no lane can store chunks\n");
            return out.toString();
        }

        private static String yes(boolean b) {
            return b ? "yes" : "no";
        }
    }

    private final StoreContext ctx;

    private DiscordCheck(DiscordStoreConfig config) {
        RateLimiter limiter = new RateLimiter(config.rateLimits(), System::nanoTime,
                () -> ThreadLocalRandom.current().nextDouble());
        Lanes lanes = new Lanes(config);
        HttpClient http = DiscordChunkStore.httpClient(config);
        this.ctx = new StoreContext(config, new DiscordApi(config, http, limiter, lanes), lanes,
                new UrlCache(Clock.systemUTC(), 0, 16), new CdnReader(http, config.requestTimeout(), config.userAgent()),
                Clock.systemUTC());
    }

    /** Checks every credential, channel and webhook of the configuration. */
    public static Report run(DiscordStoreConfig config) {
        return new DiscordCheck(config).check();
    }

    private Report check() {
        List<TokenResult> tokens = new ArrayList<>();
        List<Lanes.Token> valid = new ArrayList<>();
        for (Lanes.Token token : ctx.lanes().tokens()) {
            TokenResult result = whoIs(token);
            tokens.add(result);
            if (result.valid()) {
                valid.add(token);
            }
        }
        List<LaneResult> lanes = new ArrayList<>();
        for (String channel : ctx.config().channelIds()) {
            if (valid.isEmpty()) {
                lanes.add(new LaneResult("channel " + channel, "no valid token", false, false, false, false, false,
                        "no bot token is valid"));
            }
            for (Lanes.Token token : valid) {
                lanes.add(probeChannel(channel, token));
            }
        }
        for (Webhook webhook : ctx.config().webhooks()) {
            lanes.add(probeWebhook(webhook));
        }
        return new Report(List.copyOf(tokens), List.copyOf(lanes));
    }

    private TokenResult whoIs(Lanes.Token token) {
        try {
            DiscordApi.Answer answer = ctx.api().call(Route.currentUser(), token, null, null);
            if (answer.ok()) {
                return new TokenResult(token.label(), true, answer.read(DiscordJson.Identified.class).id(), null);
            }
            return new TokenResult(token.label(), false, null, answer.describe());
        } catch (StoreException | DiscordJson.MalformedJson e) {
            return new TokenResult(token.label(), false, null, e.getMessage());
        }
    }

    private LaneResult probeChannel(String channel, Lanes.Token token) {
        boolean post = false;
        boolean read = false;
        boolean delete = false;
        boolean bulk = false;
        boolean pin = false;
        String problem = null;
        List<String> posted = new ArrayList<>();
        try {
            byte[] probe = probeBytes();
            for (int i = 0; i < 2; i++) {
                String filename = "probe-" + HexFormat.of().formatHex(probeBytes()).substring(0, 16);
                MultipartBody body = MultipartBody.of(DiscordJson.write(DiscordJson.MessagePayload.of(filename)),
                        filename, probe, 0, probe.length);
                DiscordApi.Answer answer = ctx.api().send(Route.createMessage(channel), token, null, body.contentType(),
                        body.publisher(), null);
                if (!answer.ok()) {
                    return new LaneResult("channel " + channel, token.label(), false, false, false, false, false,
                            "posting: " + answer.describe());
                }
                posted.add(ApiMessage.from(answer.json()).id());
            }
            post = true;
            DiscordApi.Answer got = ctx.api().call(Route.getMessage(channel, posted.get(0)), token, null, null);
            read = got.ok() && readsBack(ApiMessage.from(got.json()), probe);
            if (!read) {
                problem = "reading back: " + (got.ok() ? "the attachment did not match" : got.describe());
            }
            pin = ctx.api().call(Route.pin(channel, posted.get(0)), token, null, null).ok()
                    && ctx.api().call(Route.unpin(channel, posted.get(0)), token, null, null).ok();
            DiscordApi.Answer bulkAnswer = ctx.api().call(Route.bulkDelete(channel), token, null,
                    new DiscordJson.MessageIds(posted));
            bulk = bulkAnswer.ok();
            delete = bulk;
            if (!bulk) {
                delete = true;
                for (String id : posted) {
                    delete &= ctx.api().call(Route.deleteMessage(channel, id, false), token, null, null).ok();
                }
            }
            if (delete) {
                posted.clear();
            }
        } catch (StoreException | DiscordJson.MalformedJson e) {
            problem = e.getMessage();
        }
        if (!posted.isEmpty() && problem == null) {
            problem = "probe messages " + posted + " could not be deleted";
        }
        return new LaneResult("channel " + channel, token.label(), post, read, delete, bulk, pin, problem);
    }

    private LaneResult probeWebhook(Webhook webhook) {
        String lane = webhook.toString();
        try {
            byte[] probe = probeBytes();
            String filename = "probe-" + HexFormat.of().formatHex(probeBytes()).substring(0, 16);
            MultipartBody body = MultipartBody.of(DiscordJson.write(DiscordJson.MessagePayload.webhook(filename)),
                    filename, probe, 0, probe.length);
            DiscordApi.Answer answer = ctx.api().send(Route.executeWebhook(webhook), null, "?wait=true",
                    body.contentType(), body.publisher(), null);
            if (!answer.ok()) {
                return new LaneResult(lane, "its token", false, false, false, false, false, "posting: " + answer.describe());
            }
            String id = ApiMessage.from(answer.json()).id();
            DiscordApi.Answer got = ctx.api().send(Route.getWebhookMessage(webhook, id), null, null, null,
                    HttpRequest.BodyPublishers.noBody(), null);
            boolean read = got.ok() && readsBack(ApiMessage.from(got.json()), probe);
            boolean delete = ctx.api().send(Route.deleteWebhookMessage(webhook, id), null, null, null,
                    HttpRequest.BodyPublishers.noBody(), null).ok();
            return new LaneResult(lane, "its token", true, read, delete, false, false,
                    read && delete ? null : "reading or deleting the probe failed");
        } catch (StoreException | DiscordJson.MalformedJson e) {
            return new LaneResult(lane, "its token", false, false, false, false, false, e.getMessage());
        }
    }

    /** The probe's attachment is listed and the CDN serves its bytes. */
    private boolean readsBack(ApiMessage message, byte[] probe) throws StoreException {
        if (message.attachments().size() != 1) {
            return false;
        }
        ApiMessage.ApiAttachment a = message.attachments().get(0);
        try (InputStream in = ctx.cdn().open(URI.create(a.url()), 0, a.size(), a.size(), null, "probe " + message.id())) {
            return Arrays.equals(probe, in.readAllBytes());
        } catch (CdnReader.StaleUrl | IOException e) {
            return false;
        }
    }

    private static byte[] probeBytes() {
        byte[] bytes = new byte[64];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
