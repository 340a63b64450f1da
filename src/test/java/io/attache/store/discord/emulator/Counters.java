package io.attache.store.discord.emulator;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What the emulator received and sent, so tests can assert on traffic. */
public final class Counters {

    private final Map<RouteClass, LongAdder> requests = new EnumMap<>(RouteClass.class);
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final AtomicLong invalidRequests = new AtomicLong();
    private final AtomicLong cdnBytes = new AtomicLong();
    private final AtomicLong uploadBytes = new AtomicLong();
    private final AtomicLong messagesCreated = new AtomicLong();
    private final AtomicLong bannedAnswers = new AtomicLong();
    private final Map<String, LongAdder> rateLimitedByScope = new ConcurrentHashMap<>();

    Counters() {
        for (RouteClass r : RouteClass.values()) {
            requests.put(r, new LongAdder());
        }
    }

    void request(RouteClass route) {
        requests.get(route).increment();
    }

    void answer(RouteClass route, int status) {
        answers.computeIfAbsent(route + " " + status, k -> new LongAdder()).increment();
    }

    void invalid() {
        invalidRequests.incrementAndGet();
    }

    void countRateLimited(String scope) {
        rateLimitedByScope.computeIfAbsent(scope, k -> new LongAdder()).increment();
    }

    void cdnBytes(long n) {
        cdnBytes.addAndGet(n);
    }

    void uploadBytes(long n) {
        uploadBytes.addAndGet(n);
    }

    void messageCreated() {
        messagesCreated.incrementAndGet();
    }

    void banned() {
        bannedAnswers.incrementAndGet();
    }

    public long requests(RouteClass route) {
        return requests.get(route).sum();
    }

    public long apiRequests() {
        return requests.entrySet().stream().filter(e -> e.getKey() != RouteClass.CDN)
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    /** How many answers of this route had this status. */
    public long answers(RouteClass route, int status) {
        LongAdder n = answers.get(route + " " + status);
        return n == null ? 0 : n.sum();
    }

    /** 401, 403 and 429 (other than shared scope) answers since the start: what Discord bans for. */
    public long invalidRequests() {
        return invalidRequests.get();
    }

    /** 429 answers of this scope (user, global, shared) sent, injected or earned. */
    public long rateLimited(String scope) {
        LongAdder n = rateLimitedByScope.get(scope);
        return n == null ? 0 : n.sum();
    }

    public long cdnBytesServed() {
        return cdnBytes.get();
    }

    /** Request-body bytes received by message-creating routes. */
    public long uploadBytesReceived() {
        return uploadBytes.get();
    }

    public long messagesCreated() {
        return messagesCreated.get();
    }

    public long bannedAnswers() {
        return bannedAnswers.get();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("requests:");
        requests.forEach((r, n) -> {
            if (n.sum() > 0) {
                out.append(' ').append(r).append('=').append(n.sum());
            }
        });
        out.append("; answers: ").append(new java.util.TreeMap<>(answers));
        out.append("; 429 by scope: ").append(new java.util.TreeMap<>(rateLimitedByScope));
        out.append("; invalid=").append(invalidRequests).append("; cdnBytes=").append(cdnBytes)
                .append("; messagesCreated=").append(messagesCreated);
        return out.toString();
    }
}
