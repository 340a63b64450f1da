package io.attache.store.discord;

import com.fasterxml.jackson.databind.JsonNode;
import io.attache.store.StoreException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;

/**
 * Sends one request to Discord's API through the rate limiter and classifies the answer: 429s
 * become {@link StoreException.RetryAfter}, 5xx and network failures {@link Ambiguous} (the
 * request may have taken effect), and a rejected token or vanished channel or webhook is retired
 * in {@link Lanes}. Every other answer is returned for the caller to interpret. One attempt per
 * call: retrying is the job of a wrapper.
 */
final class DiscordApi {

    /** The request may or may not have taken effect: a 5xx, a timeout, a connection lost mid-way. */
    static final class Ambiguous extends StoreException.Retryable {
        Ambiguous(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An answer other than 429 or 5xx: its status, Discord's error code (0 if none) and JSON body. */
    record Answer(int status, int code, String message, JsonNode json) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The body as {@code type}; {@link DiscordJson.MalformedJson} when it is not one. */
        <T> T read(Class<T> type) {
            return DiscordJson.read(json, type);
        }

        /** The body as a list of messages (a channel's history). */
        List<ApiMessage> messages() {
            return DiscordJson.read(json, DiscordJson.MESSAGES);
        }

        String describe() {
            return status + (code != 0 ? " code " + code : "") + (message != null ? " (" + message + ")" : "");
        }
    }

    private final URI base;
    private final HttpClient http;
    private final RateLimiter limiter;
    private final Lanes lanes;
    private final DiscordStoreConfig config;

    DiscordApi(DiscordStoreConfig config, HttpClient http, RateLimiter limiter, Lanes lanes) {
        this.config = config;
        this.base = config.apiBaseUrl();
        this.http = http;
        this.limiter = limiter;
        this.lanes = lanes;
    }

    /** A JSON request (or none) with a bot token. */
    Answer call(Route route, Lanes.Token token, String query, Object jsonBody) throws StoreException {
        HttpRequest.BodyPublisher body = jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(DiscordJson.write(jsonBody));
        return send(route, token, query, jsonBody == null ? null : "application/json", body, null);
    }

    /**
     * Sends a request. {@code token} is null for webhook routes (the token is in the path);
     * {@code webhookChannel} is the channel of a webhook execution when known.
     */
    Answer send(Route route, Lanes.Token token, String query, String contentType, HttpRequest.BodyPublisher body,
                String webhookChannel) throws StoreException {
        RateLimiter.Ticket ticket;
        try {
            ticket = limiter.acquire(route, identity(token), webhookChannel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Permanent("interrupted while waiting to send " + route, e);
        }
        return send(ticket, token, query, contentType, body);
    }

    /** The rate limiter's name for a credential: a token's label, or one gate for all webhooks. */
    static String identity(Lanes.Token token) {
        return token != null ? token.label() : "webhooks";
    }

    /** Sends a request for which the caller already holds a ticket; the ticket is always handed back. */
    Answer send(RateLimiter.Ticket ticket, Lanes.Token token, String query, String contentType,
                HttpRequest.BodyPublisher body) throws StoreException {
        Route route = ticket.route;
        HttpResponse<byte[]> response;
        try {
            response = http.send(request(route, token, query, contentType, body), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            limiter.failed(ticket);
            throw new Ambiguous(route + " failed: " + e, e);
        } catch (InterruptedException e) {
            limiter.failed(ticket);
            Thread.currentThread().interrupt();
            throw new StoreException.Permanent("interrupted while sending " + route, e);
        } catch (RuntimeException e) {
            limiter.abandon(ticket);
            throw e;
        }
        return classify(route, token, ticket, response);
    }

    private HttpRequest request(Route route, Lanes.Token token, String query, String contentType,
                                HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + route.path() + (query == null ? "" : query)))
                .timeout(config.requestTimeout())
                .header("User-Agent", config.userAgent())
                .method(route.method(), body);
        if (token != null) {
            request.header("Authorization", "Bot " + token.secret);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return request.build();
    }

    private Answer classify(Route route, Lanes.Token token, RateLimiter.Ticket ticket, HttpResponse<byte[]> response)
            throws StoreException {
        int status = response.statusCode();
        String text = new String(response.body(), StandardCharsets.UTF_8);
        JsonNode json = parseQuietly(text, response.headers());
        RateAnswer rate = rateAnswer(status, response.headers(), json);
        limiter.complete(ticket, rate);
        if (status == 429) {
            long delay = (long) Math.ceil(1000 * (rate.retryAfterSeconds() != null ? rate.retryAfterSeconds()
                    : rate.cloudflareBan() ? config.rateLimits().banPause().toSeconds() : 1.0));
            String why = rate.cloudflareBan() ? "Discord's edge has banned this IP" : "rate limited (scope "
                    + (rate.scope() == null ? "unknown" : rate.scope()) + ")";
            throw new StoreException.RetryAfter(route + ": " + why, delay);
        }
        if (status >= 500) {
            throw new Ambiguous(route + " answered " + status, null);
        }
        if (status >= 200 && status < 300 && status != 204 && json == null) {
            throw new Ambiguous(route + " answered " + status + " with a body that is not JSON", null);
        }
        JsonNode error = status >= 400 && json != null && json.isObject() ? json : null;
        int code = error != null && error.path("code").canConvertToInt() && error.path("code").isIntegralNumber()
                ? error.get("code").intValue() : 0;
        String message = error != null && error.path("message").isTextual() ? error.get("message").textValue() : null;
        Answer answer = new Answer(status, code, message, json);
        retireOn(route, token, answer);
        return answer;
    }

    /** 401 retires the token; 10003 the channel; 10015 (or a webhook's 401) the webhook. */
    private void retireOn(Route route, Lanes.Token token, Answer answer) {
        if (answer.status() == 401) {
            if (token != null) {
                lanes.tokenRejected(token);
            } else if (route.isWebhook()) {
                lanes.webhookGone(route.major(), "has an invalid token (401 code " + answer.code() + ")");
            }
        } else if (answer.status() == 404 && answer.code() == 10003 && !route.isWebhook()) {
            lanes.channelGone(route.major(), 10003);
        } else if (answer.status() == 404 && answer.code() == 10015 && route.isWebhook()) {
            lanes.webhookGone(route.major(), "no longer exists (10015 Unknown Webhook)");
        }
    }

    static RateAnswer rateAnswer(int status, HttpHeaders headers, JsonNode json) {
        Integer limit = intHeader(headers, "X-RateLimit-Limit");
        Integer remaining = intHeader(headers, "X-RateLimit-Remaining");
        Double resetAfter = doubleHeader(headers, "X-RateLimit-Reset-After");
        String bucket = headers.firstValue("X-RateLimit-Bucket").orElse(null);
        String scope = headers.firstValue("X-RateLimit-Scope").orElse(null);
        boolean global = "true".equalsIgnoreCase(headers.firstValue("X-RateLimit-Global").orElse(""));
        Double retryAfter = null;
        boolean discordBody = false;
        if (json != null && json.path("retry_after").isNumber()) {
            retryAfter = json.get("retry_after").doubleValue();
            discordBody = true;
            global |= json.path("global").booleanValue();
        }
        if (retryAfter == null) {
            OptionalLong header = longHeader(headers, "Retry-After");
            retryAfter = header.isPresent() ? (double) header.getAsLong() : null;
        }
        // Discord's own 429s come through its proxies (Via) with a JSON body; the edge's ban does not.
        boolean ban = status == 429 && headers.firstValue("Via").isEmpty() && !discordBody;
        return new RateAnswer(status, limit, remaining, resetAfter, bucket, scope, global, retryAfter, ban);
    }

    private static JsonNode parseQuietly(String text, HttpHeaders headers) {
        if (text.isEmpty() || !headers.firstValue("Content-Type").orElse("").startsWith("application/json")) {
            return null;
        }
        try {
            return DiscordJson.parse(text);
        } catch (DiscordJson.MalformedJson e) {
            return null;
        }
    }

    /** A header as a non-negative number, or empty when absent or malformed (an HTTP date, garbage). */
    static OptionalLong longHeader(HttpHeaders headers, String name) {
        try {
            OptionalLong value = headers.firstValueAsLong(name);
            return value.isPresent() && value.getAsLong() < 0 ? OptionalLong.empty() : value;
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static Integer intHeader(HttpHeaders headers, String name) {
        try {
            return headers.firstValue(name).map(Integer::valueOf).orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double doubleHeader(HttpHeaders headers, String name) {
        try {
            return headers.firstValue(name).map(Double::valueOf).filter(d -> d >= 0 && d < 86_400).orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
