package io.attache.store.discord;

import io.attache.store.ChunkStore;
import io.attache.store.LimitingChunkStore;
import io.attache.store.Locator;
import io.attache.store.RetryingChunkStore;
import io.attache.store.StoreException;
import io.attache.store.StoreProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Chunks as Discord message attachments: one chunk per message, uploaded with bot tokens into
 * channels and/or through webhooks, round-robin over the usable lanes, each within its own rate
 * limits. Locators name channel, message and attachment (never a URL); reads go to the CDN with
 * {@code Range}. See docs/DISCORD-STORE.md for the locator format, the pointer scheme and the
 * configuration.
 *
 * <p>One attempt per call, classified: rate limits as {@link StoreException.RetryAfter}, 5xx and
 * network failures as {@link StoreException.Retryable}. The rate limiter waits (up to
 * {@link RateLimitSettings#maxWait}) rather than send a request it knows would be limited. Use
 * {@link #open(DiscordStoreConfig)} for the standard stack with retries and concurrency caps.
 */
public final class DiscordChunkStore implements ChunkStore {

    public static final String SCHEME = DiscordLocator.SCHEME;
    private static final Logger LOG = LoggerFactory.getLogger(DiscordChunkStore.class);
    /** Signed URLs kept; one entry costs ~300 bytes, a miss costs one API call. */
    private static final int URL_CACHE_ENTRIES = 100_000;

    private final DiscordStoreConfig config;
    private final StoreProperties properties;
    private final RateLimiter limiter;
    private final Lanes lanes;
    private final Uploader uploader;
    private final AttachmentReader reader;
    private final Deleter deleter;
    private final Lister lister;
    private final PointerBoard pointers;
    private final UrlCache urls;

    public DiscordChunkStore(DiscordStoreConfig config) {
        this(config, Clock.systemUTC(), System::nanoTime);
    }

    DiscordChunkStore(DiscordStoreConfig config, Clock clock, LongSupplier nanoClock) {
        this.config = config;
        this.properties = new StoreProperties(config.maxAttachmentSize(), true, !config.botTokens().isEmpty());
        this.limiter = new RateLimiter(config.rateLimits(), nanoClock, () -> ThreadLocalRandom.current().nextDouble());
        this.lanes = new Lanes(config);
        HttpClient http = httpClient(config);
        DiscordApi api = new DiscordApi(config, http, limiter, lanes);
        this.urls = new UrlCache(clock, config.urlRefreshMargin().toMillis(), URL_CACHE_ENTRIES);
        CdnReader cdn = new CdnReader(http, config.requestTimeout(), config.userAgent());
        StoreContext ctx = new StoreContext(config, api, lanes, urls, cdn, clock);
        BotIds botIds = new BotIds(ctx);
        this.uploader = new Uploader(ctx, limiter);
        this.reader = new AttachmentReader(ctx);
        this.deleter = new Deleter(ctx);
        this.lister = new Lister(ctx, botIds);
        this.pointers = new PointerBoard(ctx, botIds);
        LOG.info("Discord store: {} channels, {} webhooks, {} bot tokens, API {}, attachments up to {} bytes",
                config.channelIds().size(), config.webhooks().size(), config.botTokens().size(), config.apiBaseUrl(),
                config.maxAttachmentSize());
    }

    /** HTTP/2 where TLS can negotiate it; plain HTTP (an emulator, a local proxy) stays HTTP/1.1. */
    static HttpClient httpClient(DiscordStoreConfig config) {
        return HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version("http".equals(config.apiBaseUrl().getScheme()) ? HttpClient.Version.HTTP_1_1
                        : HttpClient.Version.HTTP_2)
                .build();
    }

    /**
     * The standard stack: this store under a cap of {@code uploadConcurrency} writes and
     * {@code downloadConcurrency} reads, under retries with the default policy.
     */
    public static ChunkStore open(DiscordStoreConfig config) {
        ChunkStore store = new DiscordChunkStore(config);
        return new RetryingChunkStore(new LimitingChunkStore(store, config.uploadConcurrency(),
                config.downloadConcurrency()), RetryingChunkStore.Policy.defaults());
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    /** Range reads always; listing when a bot token can page channel history. */
    @Override
    public StoreProperties properties() {
        return properties;
    }

    @Override
    public Locator put(String chunkName, byte[] data, int offset, int length) throws StoreException {
        ChunkStore.requireChunkName(chunkName);
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("slice " + offset + "+" + length + " of " + data.length + " bytes");
        }
        if (length > config.maxAttachmentSize()) {
            throw new StoreException.Permanent("chunk of " + length + " bytes exceeds Discord's attachment limit of "
                    + config.maxAttachmentSize());
        }
        return uploader.put(chunkName, data, offset, length);
    }

    @Override
    public InputStream open(Locator locator, long offset, long length) throws StoreException {
        DiscordLocator loc = DiscordLocator.parse(locator);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length);
        }
        if (offset + length > loc.size()) {
            throw new StoreException.Permanent(locator + " has " + loc.size() + " bytes, range " + offset + "+"
                    + length + " asked for more");
        }
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        return reader.open(loc, offset, length);
    }

    @Override
    public void delete(Locator locator) throws StoreException {
        deleter.delete(DiscordLocator.parse(locator));
    }

    /** Deletes in bulk where Discord allows it (messages younger than 14 days, MANAGE_MESSAGES). */
    @Override
    public void deleteAll(Collection<Locator> locators) throws StoreException {
        List<DiscordLocator> parsed = new ArrayList<>(locators.size());
        for (Locator locator : locators) {
            parsed.add(DiscordLocator.parse(locator));
        }
        deleter.deleteAll(parsed);
    }

    /** Reads the message: the size, and proof that it still exists. */
    @Override
    public long stat(Locator locator) throws StoreException {
        DiscordLocator loc = DiscordLocator.parse(locator);
        return reader.fetch(loc).size();
    }

    @Override
    public void list(Consumer<Locator> sink) throws StoreException {
        if (!properties.listable()) {
            throw new UnsupportedOperationException("the Discord store lists only with a bot token; webhooks cannot"
                    + " read channel history");
        }
        lister.list(sink);
    }

    @Override
    public void putPointer(String name, byte[] data) throws StoreException {
        pointers.put(name, data);
    }

    @Override
    public Optional<byte[]> getPointer(String name) throws StoreException {
        return pointers.get(name);
    }

    /** What the rate limiter has seen, for status output and tests. */
    RateLimiter.Stats rateLimitStats() {
        return limiter.stats();
    }

    /** Drops every cached URL, as a restart would; for tests. */
    void forgetUrls() {
        urls.clear();
    }

    @Override
    public void status(Map<String, Object> into) {
        RateLimiter.Stats stats = limiter.stats();
        long[] waits = limiter.waitStats();
        List<Lanes.Lane> all = lanes.lanes();
        into.put("store", "discord");
        into.put("upload lanes usable", all.stream().filter(lanes::usable).count() + " of " + all.size());
        into.put("bot tokens", lanes.tokens().size());
        into.put("retired", lanes.retirements());
        into.put("rate-limit waits", waits[0]);
        into.put("rate-limit wait seconds", waits[1] / 1_000_000_000L);
        into.put("429 answers", stats.rateLimited() + stats.globalRateLimited() + stats.sharedRateLimited());
        into.put("429 answers, global", stats.globalRateLimited());
        into.put("invalid requests in the last 10 minutes", stats.invalidInWindow());
        into.put("Cloudflare bans", stats.bans());
        into.put("server errors (5xx)", stats.serverErrors());
    }

    /** Requests that waited for a rate-limit window, and the 429s Discord answered, for /metrics. */
    public long rateLimitWaits() {
        return limiter.waitStats()[0];
    }

    public long rateLimitedAnswers() {
        RateLimiter.Stats stats = limiter.stats();
        return stats.rateLimited() + stats.globalRateLimited() + stats.sharedRateLimited();
    }

    /** Retired credentials, channels and webhooks with the reason, for status output. */
    public Map<String, String> retirements() {
        return lanes.retirements();
    }
}
