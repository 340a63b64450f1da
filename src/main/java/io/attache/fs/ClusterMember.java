package io.attache.fs;

import io.attache.meta.Blobs;
import io.attache.meta.Cluster;
import io.attache.meta.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * This node as a member of the nodes that share one database (on SQLite, the only member): it
 * says it is alive every few seconds, from a thread of its own so that a long background task
 * cannot silence it, and takes background work that one node does for all only when no live
 * node holds it (see {@link Cluster#claim}). A node that dies stops saying so; once its
 * heartbeat is older than the node timeout, its claims go to whoever asks next, and the writes
 * it had under way are given up by {@link #recoverDeadNodes}.
 *
 * <p>The times compared are the nodes' own clocks: they must agree to well within the node
 * timeout (NTP does), as the grace period of the delete queue already assumes.
 */
public final class ClusterMember implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterMember.class);

    private final Database db;
    private final Clock clock;
    private final String id;
    private final String incarnation;
    private final long timeoutMillis;
    private volatile long lastHeartbeat;
    private volatile boolean usurped;
    private Thread heartbeats;
    private volatile boolean closed;

    public ClusterMember(Database db, Clock clock, String id, Duration timeout) {
        this.db = db;
        this.clock = clock;
        this.id = id;
        this.timeoutMillis = timeout.toMillis();
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        this.incarnation = HexFormat.of().formatHex(random);
    }

    public String id() {
        return id;
    }

    /** A random name for this process's life as the node, recorded where the node keeps its data. */
    public String incarnation() {
        return incarnation;
    }

    /**
     * Joins the cluster: records this node and starts its heartbeat. Refused when a live process
     * that is not this data directory's last one runs as this node: two servers on copies of one
     * data directory would share one staging area's name. A node that crashed and comes back at
     * once finds its own last incarnation there, and goes on.
     *
     * @param previous the incarnation this data directory last joined as, or null
     */
    public synchronized void join(String previous) throws SQLException {
        long now = clock.millis();
        Optional<Cluster.Member> before = db.write(c -> {
            Optional<Cluster.Member> existing = Cluster.member(c, id);
            if (existing.isPresent() && existing.get().aliveAt(now, timeoutMillis)
                    && !existing.get().incarnation().equals(previous)) {
                return existing;
            }
            Cluster.register(c, id, null, incarnation, now);
            return Optional.empty();
        });
        if (before.isPresent()) {
            throw new IllegalStateException("node " + id + " is already running (heartbeat " + (now - before.get().heartbeatAt())
                    + " ms ago, reachable at " + before.get().url() + "): a copied data directory? Each node needs its own; "
                    + "remove its node-id file to make it a new node, or wait " + timeoutMillis / 1000 + " s if it just died");
        }
        lastHeartbeat = now;
        heartbeats = new Thread(this::beat, "attache-heartbeat");
        heartbeats.setDaemon(true);
        heartbeats.start();
        log.info("Node {} joined ({})", id, db.describe());
    }

    /** Records where the other nodes reach this node's cluster listener, once it is bound. */
    public void advertise(String url) throws SQLException {
        db.write(c -> {
            Cluster.advertise(c, id, incarnation, url);
            return null;
        });
        log.info("Node {} serves its staged blobs to the other nodes at {}", id, url);
    }

    private void beat() {
        long period = Math.max(100, timeoutMillis / 5);
        while (!closed) {
            try {
                Thread.sleep(period);
                long now = clock.millis();
                boolean ours = db.writeRelaxed(c -> Cluster.heartbeat(c, id, incarnation, now));
                if (!ours && !usurped) {
                    usurped = true;
                    log.error("Another process has registered as node {}: this one no longer claims background work "
                            + "(two servers on copies of one data directory?)", id);
                }
                lastHeartbeat = now;
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                log.warn("Cannot record this node's heartbeat: {}", e.toString());
            }
        }
    }

    /**
     * Runs {@code task} if it is due ({@code every} after it was last done, by any node) and no
     * live node is doing it, holding the claim while it runs.
     *
     * @return true when this node ran it
     */
    public boolean runIfDue(String job, Duration every, Housekeeper.Task task) throws Exception {
        long now = clock.millis();
        // A node that could not say it is alive for a while may have been declared dead already.
        if (usurped || closed || now - lastHeartbeat > timeoutMillis / 2) {
            return false;
        }
        boolean claimed = db.write(c -> Cluster.claim(c, job, id, now, now - every.toMillis(), now - timeoutMillis));
        if (!claimed) {
            return false;
        }
        Long doneAt = null;
        try {
            task.run();
            doneAt = clock.millis();
        } finally {
            Long done = doneAt;
            db.write(c -> {
                Cluster.release(c, job, id, done);
                return null;
            });
        }
        return true;
    }

    /**
     * Gives up the writes that nodes which died had under way: their blobs are queued for
     * deletion (a staged one by its own node, once it is back).
     *
     * @return pending blobs given up
     */
    public int recoverDeadNodes() throws SQLException {
        long now = clock.millis();
        int n = db.write(c -> Blobs.abandonOfDeadNodes(c, now - timeoutMillis, now));
        if (n > 0) {
            log.info("Gave up {} blobs of writes that stopped with their node", n);
        }
        return n;
    }

    /** Where node {@code node} serves its staged blobs, as it registered. */
    public Optional<String> urlOf(String node) throws SQLException {
        return db.read(c -> Cluster.member(c, node)).map(Cluster.Member::url);
    }

    /** The nodes alive now, this one included once it has joined. */
    public List<Cluster.Member> alive() throws SQLException {
        long now = clock.millis();
        return db.read(Cluster::members).stream().filter(m -> m.aliveAt(now, timeoutMillis)).toList();
    }

    /** Leaves the cluster: no longer alive, and whatever it had claimed is free at once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (heartbeats == null) {
            return;
        }
        heartbeats.interrupt();
        try {
            heartbeats.join(5_000);
            db.write(c -> {
                Cluster.stopped(c, id, incarnation);
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            log.warn("Cannot record that node {} stopped; the others will notice in {} s: {}", id, timeoutMillis / 1000,
                    e.toString());
        }
    }
}
