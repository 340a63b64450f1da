package io.attache.store.discord;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the Discord store needs, validated once and then immutable. The application builds
 * it from environment variables, files or a config file; nothing in the store reads those itself.
 *
 * <p>Either at least one bot token and one channel, or at least one webhook, or both. Channels
 * are served by the tokens round-robin (channel i prefers token i mod n and falls back to the
 * others); webhooks are extra upload lanes. Listing, the disaster-recovery pointer and finding
 * leftovers of ambiguous webhook uploads need a bot token.
 *
 * @param botTokens           bot tokens, without the {@code Bot } prefix
 * @param channelIds          text channels to upload into, as snowflakes
 * @param webhooks            webhooks to upload through; always addressed under {@code apiBaseUrl}
 * @param apiBaseUrl          {@code https://discord.com/api/v10} unless testing or proxying
 * @param maxAttachmentSize   the largest attachment the server accepts (10 MiB unless boosted)
 * @param uploadConcurrency   uploads in flight at once, over all lanes
 * @param downloadConcurrency CDN downloads in flight at once
 * @param urlRefreshMargin    a signed CDN URL is refreshed this long before its {@code ex}
 * @param rateLimits          the client-side rate limiter's knobs
 * @param userAgent           {@code DiscordBot (url, version)}; Discord may block other forms
 * @param connectTimeout      TCP/TLS connect timeout
 * @param requestTimeout      time until the response headers of one request arrive, upload included
 * @param nonceWindow         how long a failed upload's channel and nonce are kept for its retry;
 *                            Discord honours {@code enforce_nonce} for "a few minutes"
 */
public record DiscordStoreConfig(
        List<String> botTokens,
        List<String> channelIds,
        List<Webhook> webhooks,
        URI apiBaseUrl,
        long maxAttachmentSize,
        int uploadConcurrency,
        int downloadConcurrency,
        Duration urlRefreshMargin,
        RateLimitSettings rateLimits,
        String userAgent,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration nonceWindow) {

    public static final URI DEFAULT_API_BASE_URL = URI.create("https://discord.com/api/v10");
    public static final long DEFAULT_MAX_ATTACHMENT_SIZE = 10L * 1024 * 1024;
    /** Boosted servers allow up to 500 MiB per file; nothing larger can ever work. */
    public static final long LARGEST_ATTACHMENT_SIZE = 500L * 1024 * 1024;
    public static final String DEFAULT_USER_AGENT = "DiscordBot (https://attache.invalid, 0.1.0)";

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.-]{20,200}");

    public DiscordStoreConfig {
        botTokens = List.copyOf(Objects.requireNonNull(botTokens, "botTokens"));
        channelIds = List.copyOf(Objects.requireNonNull(channelIds, "channelIds"));
        webhooks = List.copyOf(Objects.requireNonNull(webhooks, "webhooks"));
        for (int i = 0; i < botTokens.size(); i++) {
            if (!TOKEN.matcher(botTokens.get(i)).matches()) {
                throw new IllegalArgumentException("bot token #" + (i + 1)
                        + " is malformed (expected 20-200 characters of [A-Za-z0-9_.-], without 'Bot ')");
            }
        }
        requireDistinct("bot tokens", botTokens, i -> "#" + (i + 1));
        for (String channel : channelIds) {
            if (!Snowflake.isValid(channel)) {
                throw new IllegalArgumentException("a channel id is a snowflake (digits): '" + channel + "'");
            }
        }
        requireDistinct("channel ids", channelIds, channelIds::get);
        requireDistinct("webhooks", webhooks.stream().map(Webhook::id).toList(), i -> "id " + i);
        if (!channelIds.isEmpty() && botTokens.isEmpty()) {
            throw new IllegalArgumentException("channels need at least one bot token");
        }
        if (channelIds.isEmpty() && webhooks.isEmpty()) {
            throw new IllegalArgumentException("configure at least one channel (with a bot token) or one webhook");
        }
        apiBaseUrl = normaliseBase(Objects.requireNonNull(apiBaseUrl, "apiBaseUrl"));
        RateLimitSettings.requireRange("maxAttachmentSize", maxAttachmentSize, 1, LARGEST_ATTACHMENT_SIZE);
        RateLimitSettings.requireRange("uploadConcurrency", uploadConcurrency, 1, 256);
        RateLimitSettings.requireRange("downloadConcurrency", downloadConcurrency, 1, 256);
        if (urlRefreshMargin == null || urlRefreshMargin.isNegative() || urlRefreshMargin.compareTo(Duration.ofHours(12)) > 0) {
            throw new IllegalArgumentException("urlRefreshMargin must be between 0 and 12 hours: " + urlRefreshMargin);
        }
        Objects.requireNonNull(rateLimits, "rateLimits");
        if (userAgent == null || userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            throw new IllegalArgumentException("userAgent must be printable ASCII, like " + DEFAULT_USER_AGENT);
        }
        RateLimitSettings.requirePositive("connectTimeout", connectTimeout);
        RateLimitSettings.requirePositive("requestTimeout", requestTimeout);
        RateLimitSettings.requirePositive("nonceWindow", nonceWindow);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same configuration with other rate-limit knobs. */
    public DiscordStoreConfig withRateLimits(RateLimitSettings settings) {
        return new DiscordStoreConfig(botTokens, channelIds, webhooks, apiBaseUrl, maxAttachmentSize,
                uploadConcurrency, downloadConcurrency, urlRefreshMargin, settings, userAgent,
                connectTimeout, requestTimeout, nonceWindow);
    }

    /** Secrets stay out of logs: tokens are counted, webhooks shown by id. */
    @Override
    public String toString() {
        return "DiscordStoreConfig[botTokens=" + botTokens.size() + " (hidden), channelIds=" + channelIds
                + ", webhooks=" + webhooks + ", apiBaseUrl=" + apiBaseUrl + ", maxAttachmentSize=" + maxAttachmentSize
                + ", uploadConcurrency=" + uploadConcurrency + ", downloadConcurrency=" + downloadConcurrency
                + ", urlRefreshMargin=" + urlRefreshMargin + ", rateLimits=" + rateLimits
                + ", userAgent=" + userAgent + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", nonceWindow=" + nonceWindow + "]";
    }

    private static URI normaliseBase(URI base) {
        String scheme = base.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            throw new IllegalArgumentException("apiBaseUrl must be http(s): " + base);
        }
        if (base.getHost() == null || base.getRawQuery() != null || base.getRawFragment() != null
                || base.getRawUserInfo() != null) {
            throw new IllegalArgumentException("apiBaseUrl must be scheme://host[:port]/path: " + base);
        }
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    private static void requireDistinct(String what, List<String> values, java.util.function.IntFunction<String> name) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            if (!seen.add(values.get(i))) {
                throw new IllegalArgumentException("duplicate in " + what + ": " + name.apply(i));
            }
        }
    }

    /** Collects the fields with their defaults; {@link #build} validates. */
    public static final class Builder {
        private final List<String> botTokens = new ArrayList<>();
        private final List<String> channelIds = new ArrayList<>();
        private final List<Webhook> webhooks = new ArrayList<>();
        private URI apiBaseUrl = DEFAULT_API_BASE_URL;
        private long maxAttachmentSize = DEFAULT_MAX_ATTACHMENT_SIZE;
        private int uploadConcurrency = 8;
        private int downloadConcurrency = 8;
        private Duration urlRefreshMargin = Duration.ofMinutes(10);
        private RateLimitSettings rateLimits = RateLimitSettings.defaults();
        private String userAgent = DEFAULT_USER_AGENT;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(2);
        private Duration nonceWindow = Duration.ofMinutes(2);

        private Builder() {
        }

        public Builder botToken(String token) {
            botTokens.add(token);
            return this;
        }

        public Builder botTokens(List<String> tokens) {
            botTokens.addAll(tokens);
            return this;
        }

        public Builder channel(String channelId) {
            channelIds.add(channelId);
            return this;
        }

        public Builder channels(List<String> ids) {
            channelIds.addAll(ids);
            return this;
        }

        /** A webhook URL ({@code …/webhooks/{id}/{token}}) or {@code {id}/{token}}. */
        public Builder webhookUrl(String url) {
            webhooks.add(Webhook.parse(url));
            return this;
        }

        public Builder webhookUrls(List<String> urls) {
            urls.forEach(this::webhookUrl);
            return this;
        }

        public Builder apiBaseUrl(URI url) {
            apiBaseUrl = url;
            return this;
        }

        public Builder apiBaseUrl(String url) {
            return apiBaseUrl(URI.create(url));
        }

        public Builder maxAttachmentSize(long bytes) {
            maxAttachmentSize = bytes;
            return this;
        }

        public Builder uploadConcurrency(int n) {
            uploadConcurrency = n;
            return this;
        }

        public Builder downloadConcurrency(int n) {
            downloadConcurrency = n;
            return this;
        }

        public Builder urlRefreshMargin(Duration margin) {
            urlRefreshMargin = margin;
            return this;
        }

        public Builder rateLimits(RateLimitSettings settings) {
            rateLimits = settings;
            return this;
        }

        public Builder userAgent(String agent) {
            userAgent = agent;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            connectTimeout = timeout;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            requestTimeout = timeout;
            return this;
        }

        public Builder nonceWindow(Duration window) {
            nonceWindow = window;
            return this;
        }

        public DiscordStoreConfig build() {
            return new DiscordStoreConfig(botTokens, channelIds, webhooks, apiBaseUrl, maxAttachmentSize,
                    uploadConcurrency, downloadConcurrency, urlRefreshMargin, rateLimits, userAgent,
                    connectTimeout, requestTimeout, nonceWindow);
        }
    }
}
