package io.attache.store.discord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The credentials and upload lanes (one per channel, one per webhook) and their health. A token
 * that Discord rejects (401), a channel or webhook that no longer exists (10003, 10015), or a
 * token that may not post in a channel (403) is retired with one log line, and the lanes that
 * remain carry on. Uploads go round-robin over the usable lanes, skipping those that would have to
 * wait while another is free.
 */
final class Lanes {

    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);

    /** A bot token, named by its position so that logs never show it. */
    static final class Token {
        final int index;
        final String secret;
        volatile boolean retired;

        Token(int index, String secret) {
            this.index = index;
            this.secret = secret;
        }

        String label() {
            return "bot token #" + (index + 1);
        }

        @Override
        public String toString() {
            return label();
        }
    }

    /** Where an upload can go: a channel (posted with a token) or a webhook. */
    static final class Lane {
        final String channelId;
        final Webhook webhook;
        final int position;
        volatile boolean retired;
        /** For a webhook: its channel, once an answer has named it. */
        volatile String webhookChannel;

        Lane(String channelId, Webhook webhook, int position) {
            this.channelId = channelId;
            this.webhook = webhook;
            this.position = position;
        }

        boolean isWebhook() {
            return webhook != null;
        }

        @Override
        public String toString() {
            return isWebhook() ? webhook.toString() : "channel " + channelId;
        }
    }

    private final List<Token> tokens = new ArrayList<>();
    private final List<Lane> lanes = new ArrayList<>();
    private final Map<String, Lane> channelLanes = new LinkedHashMap<>();
    private final Map<String, Lane> webhookLanes = new LinkedHashMap<>();
    private final Set<String> goneChannels = ConcurrentHashMap.newKeySet();
    private final Set<String> deniedPairs = ConcurrentHashMap.newKeySet();
    private final Map<String, String> retirements = new ConcurrentHashMap<>();
    private final AtomicInteger cursor = new AtomicInteger();

    Lanes(DiscordStoreConfig config) {
        for (int i = 0; i < config.botTokens().size(); i++) {
            tokens.add(new Token(i, config.botTokens().get(i)));
        }
        // Interleave channels and webhooks so round-robin alternates between kinds.
        List<String> channels = config.channelIds();
        List<Webhook> hooks = config.webhooks();
        for (int i = 0; i < Math.max(channels.size(), hooks.size()); i++) {
            if (i < channels.size()) {
                Lane lane = new Lane(channels.get(i), null, i);
                lanes.add(lane);
                channelLanes.put(lane.channelId, lane);
            }
            if (i < hooks.size()) {
                Lane lane = new Lane(null, hooks.get(i), i);
                lanes.add(lane);
                webhookLanes.put(lane.webhook.id(), lane);
            }
        }
    }

    boolean hasTokens() {
        return !tokens.isEmpty();
    }

    List<Token> tokens() {
        return List.copyOf(tokens);
    }

    List<Lane> lanes() {
        return List.copyOf(lanes);
    }

    /** Configured channels, in configuration order. */
    List<String> channels() {
        return List.copyOf(channelLanes.keySet());
    }

    Lane webhookLane(String webhookId) {
        return webhookLanes.get(webhookId);
    }

    boolean isOurWebhook(String webhookId) {
        return webhookId != null && webhookLanes.containsKey(webhookId);
    }

    /**
     * The token that serves a channel: channel i prefers token i mod n, so channels spread over
     * tokens and each token's global limit; the others stand in when it is retired or denied.
     */
    Token tokenFor(String channelId) {
        List<Token> usable = tokensFor(channelId);
        return usable.isEmpty() ? null : usable.get(0);
    }

    /** Every usable token for a channel, the preferred one first. */
    List<Token> tokensFor(String channelId) {
        List<Token> usable = new ArrayList<>();
        if (tokens.isEmpty() || goneChannels.contains(channelId)) {
            return usable;
        }
        Lane lane = channelLanes.get(channelId);
        int start = lane != null ? lane.position : Math.floorMod(channelId.hashCode(), tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get((start + i) % tokens.size());
            if (!t.retired && !deniedPairs.contains(t.index + "/" + channelId)) {
                usable.add(t);
            }
        }
        return usable;
    }

    /** Any usable token, for calls not tied to a channel (refresh-urls). */
    Token anyToken() {
        int start = Math.floorMod(cursor.get(), Math.max(1, tokens.size()));
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get((start + i) % tokens.size());
            if (!t.retired) {
                return t;
            }
        }
        return null;
    }

    boolean usable(Lane lane) {
        if (lane.retired) {
            return false;
        }
        return lane.isWebhook() || tokenFor(lane.channelId) != null;
    }

    boolean anyUsable() {
        return lanes.stream().anyMatch(this::usable);
    }

    boolean channelGone(String channelId) {
        return goneChannels.contains(channelId);
    }

    /** The usable lanes, starting one further round the ring at every call. */
    List<Lane> roundRobin() {
        int n = lanes.size();
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        List<Lane> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Lane lane = lanes.get((start + i) % n);
            if (usable(lane)) {
                order.add(lane);
            }
        }
        return order;
    }

    void tokenRejected(Token token) {
        if (token.retired) {
            return;
        }
        token.retired = true;
        long left = tokens.stream().filter(t -> !t.retired).count();
        retire(token.label(), "rejected by Discord (401 Unauthorized)");
        LOG.error("Discord rejected {} (401 Unauthorized): it is retired; {} of {} bot tokens remain", token, left,
                tokens.size());
    }

    void channelGone(String channelId, int code) {
        if (!goneChannels.add(channelId)) {
            return;
        }
        Lane lane = channelLanes.get(channelId);
        if (lane != null) {
            lane.retired = true;
        }
        retire("channel " + channelId, "no longer exists (" + code + " Unknown Channel)");
        LOG.error("Discord channel {} no longer exists ({} Unknown Channel): it is retired; its chunks are lost,"
                + " {} upload lanes remain", channelId, code, lanes.stream().filter(this::usable).count());
    }

    void webhookGone(String webhookId, String why) {
        Lane lane = webhookLanes.get(webhookId);
        if (lane == null || lane.retired) {
            return;
        }
        lane.retired = true;
        retire("webhook " + webhookId, why);
        LOG.error("Discord webhook {} {}: it is retired; {} upload lanes remain", webhookId, why,
                lanes.stream().filter(this::usable).count());
    }

    void accessDenied(Token token, String channelId, int status, int code) {
        if (!deniedPairs.add(token.index + "/" + channelId)) {
            return;
        }
        retire(token.label() + " in channel " + channelId, "refused (" + status + " code " + code + ")");
        LOG.error("Discord refused {} in channel {} ({} code {}: missing access or permission): that token no"
                + " longer serves that channel", token, channelId, status, code);
    }

    /** Why nothing can be uploaded, for the exception that says so. */
    String describeUnusable() {
        return "no usable Discord upload lane: " + describeRetired();
    }

    /** What was retired and why, or "nothing retired". */
    String describeRetired() {
        StringJoiner why = new StringJoiner("; ");
        new java.util.TreeMap<>(retirements).forEach((what, reason) -> why.add(what + " " + reason));
        return retirements.isEmpty() ? "nothing retired" : why.toString();
    }

    /** What has been retired and why, for status output. */
    Map<String, String> retirements() {
        return Map.copyOf(retirements);
    }

    private void retire(String what, String reason) {
        retirements.put(what, reason);
    }
}
