package io.attache.fs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The uploads being received right now, whichever face they came through (WebDAV PUT or the web
 * pages), with the bytes received so far, and the last few that ended. {@link #awaitChange} lets a
 * live view wait for the next change instead of polling; changes are announced at most every
 * {@link #ANNOUNCE_MILLIS} per transfer so that a fast upload does not wake its watchers for every
 * buffer.
 */
public final class Transfers {

    static final long ANNOUNCE_MILLIS = 200;
    /** Ended transfers kept per user, and for how long, so a page sees an upload reach 100 %. */
    private static final int RECENT_PER_USER = 20;
    private static final long RECENT_MILLIS = 10 * 60_000;

    /** One transfer as a page shows it; {@code expectedBytes} is -1 when the client did not say. */
    public record View(long id, String path, long bytes, long expectedBytes, long startedAt, long endedAt,
                       double bytesPerSecond, String state, String error) {
        public static final String RECEIVING = "receiving";
        public static final String STORED = "stored";
        public static final String FAILED = "failed";
    }

    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Transfer> active = new ConcurrentHashMap<>();
    private final Map<Long, Deque<View>> recent = new ConcurrentHashMap<>();
    private final Object changes = new Object();
    private long generation;

    public Transfers(Clock clock) {
        this.clock = clock;
    }

    /** An upload being received; {@link #done} or {@link #failed} ends it. */
    public final class Transfer {
        private final long id = ids.incrementAndGet();
        private final long userId;
        private final String path;
        private final long expected;
        private final long startedAt = clock.millis();
        private final AtomicLong bytes = new AtomicLong();
        private volatile long announcedAt;

        private Transfer(long userId, String path, long expected) {
            this.userId = userId;
            this.path = path;
            this.expected = expected;
        }

        /** {@code in}, counting what is read from it into this transfer. */
        public InputStream count(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        received(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int off, int len) throws IOException {
                    int n = super.read(buffer, off, len);
                    if (n > 0) {
                        received(n);
                    }
                    return n;
                }
            };
        }

        private void received(long n) {
            bytes.addAndGet(n);
            long now = clock.millis();
            if (now - announcedAt >= ANNOUNCE_MILLIS) {
                announcedAt = now;
                changed();
            }
        }

        public void done() {
            end(View.STORED, null);
        }

        public void failed(String why) {
            end(View.FAILED, why);
        }

        private void end(String state, String error) {
            if (active.remove(id) == null) {
                return;
            }
            Deque<View> mine = recent.computeIfAbsent(userId, u -> new ArrayDeque<>());
            synchronized (mine) {
                mine.addFirst(view(state, error, clock.millis()));
                while (mine.size() > RECENT_PER_USER) {
                    mine.removeLast();
                }
            }
            changed();
        }

        private View view(String state, String error, long now) {
            long elapsed = Math.max(1, now - startedAt);
            long received = bytes.get();
            return new View(id, path, received, expected, startedAt, state.equals(View.RECEIVING) ? 0 : now,
                    received * 1000.0 / elapsed, state, error);
        }
    }

    /** Starts counting an upload of {@code path} by {@code userId}; {@code expected} is -1 when unknown. */
    public Transfer begin(long userId, DavPath path, long expected) {
        Transfer t = new Transfer(userId, path.toString(), expected);
        active.put(t.id, t);
        changed();
        return t;
    }

    /** The user's transfers under way, oldest first, then those that ended lately, newest first. */
    public List<View> of(long userId) {
        long now = clock.millis();
        List<View> out = new ArrayList<>();
        active.values().stream().filter(t -> t.userId == userId).sorted((a, b) -> Long.compare(a.id, b.id))
                .forEach(t -> out.add(t.view(View.RECEIVING, null, now)));
        Deque<View> mine = recent.get(userId);
        if (mine != null) {
            synchronized (mine) {
                mine.removeIf(v -> now - v.endedAt() > RECENT_MILLIS);
                out.addAll(mine);
            }
        }
        return out;
    }

    /** Uploads under way for every user. */
    public int activeCount() {
        return active.size();
    }

    /** A number that grows with every change, for {@link #awaitChange}. */
    public long generation() {
        synchronized (changes) {
            return generation;
        }
    }

    /**
     * Waits until something changed after {@code seen} (a {@link #generation}) or {@code millis}
     * passed.
     *
     * @return the generation now
     */
    public long awaitChange(long seen, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        synchronized (changes) {
            while (generation == seen) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                changes.wait(left);
            }
            return generation;
        }
    }

    private void changed() {
        synchronized (changes) {
            generation++;
            changes.notifyAll();
        }
    }
}
