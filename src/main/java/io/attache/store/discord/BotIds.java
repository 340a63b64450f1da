package io.attache.store.discord;

import io.attache.store.StoreException;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The user ids of our bot tokens ({@code GET /users/@me}), learned once: listing and pointer
 * lookups must recognise our own messages among everyone else's.
 */
final class BotIds {

    private final StoreContext ctx;
    private final Map<Integer, String> ids = new ConcurrentHashMap<>();

    BotIds(StoreContext ctx) {
        this.ctx = ctx;
    }

    Set<String> get() throws StoreException {
        for (Lanes.Token token : ctx.lanes().tokens()) {
            if (token.retired || ids.containsKey(token.index)) {
                continue;
            }
            DiscordApi.Answer answer = ctx.api().call(Route.currentUser(), token, null, null);
            if (answer.ok()) {
                try {
                    ids.put(token.index, answer.read(DiscordJson.Identified.class).id());
                } catch (DiscordJson.MalformedJson e) {
                    throw new StoreException.Retryable("malformed /users/@me answer: " + e.getMessage(), e);
                }
            } else if (answer.status() != 401) {
                throw new StoreException.Retryable("cannot learn who " + token + " is: " + answer.describe());
            }
        }
        return new HashSet<>(ids.values());
    }
}
